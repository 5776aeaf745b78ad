import t from 'tap';
import { answerOf, disclosure } from './support/disclosure.js';

// Expected dates are worked out by hand from the State Council's holiday notices, never from our code:
// 2025: 国办发明电〔2024〕12号: 国庆/中秋 10-01…10-08 off, Sun 09-28 and Sat 10-11 worked.
// 2019: 国办发明电〔2018〕15号: 端午 Fri 06-07 off with the weekend; 国办发明电〔2019〕3号 (2019-03-22):
//       劳动节 05-01…05-04 off, Sun 04-28 and Sun 05-05 worked.
// 2027: no notice yet, so the CN calendar has no official data for it.

const deadline = async (...args: string[]) => answerOf(await disclosure(['deadline', ...args]));

t.test('CN-2019, received Fri 2025-09-26: the 20th working day is Thu 2025-10-30', async (t) => {
  // 09-28 (Sun, worked) 1, 09-29 2, 09-30 3, [10-01…10-08 off], 10-09 4, 10-10 5, 10-11 (Sat, worked) 6,
  // 10-13…10-17 7–11, 10-20…10-24 12–16, 10-27…10-30 17–20
  const a = await deadline('--profile', 'CN-2019', '--received', '2025-09-26');
  t.equal(a.dueDate, '2025-10-30');
  t.equal(a.provisional, false);
  t.same(a.missingYears, []);
  t.equal(a.profileId, 'CN-2019');
  t.match(a.profileVersion, /^sha256:[0-9a-f]+$/);
  t.match(a.calendarVersion, /^sha256:[0-9a-f]+$/);
  t.same(Object.keys(a).sort(), ['calendarVersion', 'dueDate', 'missingYears', 'profileId', 'profileVersion', 'provisional'], 'no explanation unless asked');
});

t.test('CN-2008, received Fri 2019-05-10: the 15th working day is Fri 2019-05-31', async (t) => {
  // 05-13…05-17 1–5, 05-20…05-24 6–10, 05-27…05-31 11–15: Labour Day is already over, Dragon Boat not yet come.
  const a = await deadline('--profile', 'CN-2008', '--received', '2019-05-10');
  t.equal(a.dueDate, '2019-05-31');
  t.equal(a.profileId, 'CN-2008');
  t.equal(a.provisional, false);
});

t.test('CN-2008, received Fri 2019-04-26: Labour Day is skipped and both make-up Sundays count', async (t) => {
  // 04-28 (Sun, worked) 1, 04-29 2, 04-30 3, [05-01…05-04 off], 05-05 (Sun, worked) 4, 05-06…05-10 5–9,
  // 05-13…05-17 10–14, 05-20 15. Counting Monday to Friday only would give 05-17.
  const a = await deadline('--profile', 'CN-2008', '--received', '2019-04-26');
  t.equal(a.dueDate, '2019-05-20');
});

t.test('an extension continues the count past the period end', async (t) => {
  t.test('CN-2019, 2025-09-26 with --extension 20: Thu 2025-11-27', async (t) => {
    // after 10-30 (20): 10-31 21, 11-03…11-07 22–26, 11-10…11-14 27–31, 11-17…11-21 32–36, 11-24…11-27 37–40
    const a = await deadline('--profile', 'CN-2019', '--received', '2025-09-26', '--extension', '20');
    t.equal(a.dueDate, '2025-11-27');
  });
  t.test('CN-2008, 2019-05-10 with --extension 15 runs over Dragon Boat: Mon 2019-06-24', async (t) => {
    // after 05-31 (15): 06-03…06-06 16–19, [06-07 off, 06-08/09 weekend], 06-10…06-14 20–24, 06-17…06-21 25–29, 06-24 30
    const a = await deadline('--profile', 'CN-2008', '--received', '2019-05-10', '--extension', '15');
    t.equal(a.dueDate, '2019-06-24');
  });
  t.test('--extension 0 changes nothing', async (t) => {
    const a = await deadline('--profile', 'CN-2019', '--received', '2025-09-26', '--extension', '0');
    t.equal(a.dueDate, '2025-10-30');
  });
});

t.test('--days 7 counts 7 working days instead of the statutory 20: Mon 2025-10-13', async (t) => {
  // 09-28 (Sun, worked) 1, 09-29 2, 09-30 3, 10-09 4, 10-10 5, 10-11 (Sat, worked) 6, 10-13 7
  const a = await deadline('--profile', 'CN-2019', '--received', '2025-09-26', '--days', '7');
  t.equal(a.dueDate, '2025-10-13');
  t.equal(a.profileId, 'CN-2019');
});

t.test('a count through 2027, which has no holiday notice yet, is provisional', async (t) => {
  // Mon 2027-03-01, counted Monday to Friday: 03-02…03-05 1–4, 03-08…03-12 5–9, 03-15…03-19 10–14, 03-22…03-26 15–19, 03-29 20
  const a = await deadline('--profile', 'CN-2019', '--received', '2027-03-01');
  t.equal(a.dueDate, '2027-03-29');
  t.equal(a.provisional, true);
  t.same(a.missingYears, [2027]);
});

t.test('a count from an official year into 2027 names only the missing year', async (t) => {
  const a = await deadline('--profile', 'CN-2019', '--received', '2026-12-18');
  t.equal(a.provisional, true);
  t.same(a.missingYears, [2027]);
});
