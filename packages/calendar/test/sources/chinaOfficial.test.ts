import t from 'tap';
import chineseDays from 'chinese-days';
import { CHINESE_DAYS_VERSION, chinaOfficialCalendarData, WorkingDayCalendar } from '@disclosure/calendar';
import { datesFromTo, NOTICE_2025, NOTICE_2026, workingPerNotice } from '../support/officialNotices.js';

const data = chinaOfficialCalendarData();
const cn = new WorkingDayCalendar(data);

t.test('given the chinese-days package, when China\'s calendar is read from it', async (t) => {
  t.test('then the official years are exactly 2004 through 2026 (chinese-days 1.5.7)', async (t) => {
    t.equal(CHINESE_DAYS_VERSION, '1.5.7');
    const expected = Array.from({ length: 2026 - 2004 + 1 }, (_, i) => 2004 + i);
    t.same([...data.officialYears].sort((a, b) => a - b), expected);
    t.same(cn.data.officialYears, expected, 'the calendar lists them in order');
    t.ok(cn.hasOfficialYear(2026));
    t.notOk(cn.hasOfficialYear(2027), '2027 waits for its notice');
    t.notOk(cn.hasOfficialYear(2003), 'the package starts at 2004');
  });
  t.test('then it says where it came from, and has a Saturday–Sunday weekend', async (t) => {
    t.equal(data.id, 'CN');
    t.equal(data.source, 'chinese-days@1.5.7');
    t.same(data.weekend, [6, 7]);
  });
  t.test('then every entry is named in Chinese', async (t) => {
    const unnamed = [...data.holidays, ...data.workingDays].filter((e) => !/\p{Script=Han}/u.test(e.name));
    t.same(unnamed, []);
  });
});

for (const notice of [NOTICE_2025, NOTICE_2026]) {
  t.test(`given ${notice.title}, every day of ${notice.year} is a working day exactly when the notice says so`, async (t) => {
    const wrong = datesFromTo(`${notice.year}-01-01`, `${notice.year}-12-31`).filter((d) => cn.isWorkingDay(d) !== workingPerNotice(notice, d));
    t.same(wrong, []);
  });

  t.test(`given ${notice.title}, each day off and each make-up day is named after its festival`, async (t) => {
    for (const span of notice.spans) {
      for (const d of datesFromTo(span.off[0], span.off[1])) {
        const day = cn.describeDay(d);
        t.equal(day.kind, 'public-holiday', `${d} is a public holiday`);
        t.ok(day.name && span.festival.includes(day.name), `${d} is named ${day.name}, part of ${span.festival}`);
      }
      for (const d of span.work) {
        const day = cn.describeDay(d);
        t.equal(day.kind, 'make-up-working-day', `${d} is a make-up working day`);
        t.ok(day.name && span.festival.includes(day.name), `${d} is named ${day.name}, part of ${span.festival}`);
      }
    }
  });
}

t.test('given the 2015 one-off notice (国发明电〔2015〕1号, 70th anniversary of the victory), then 09-03 and 09-04 are off and Sun 09-06 is worked', async (t) => {
  t.notOk(cn.isWorkingDay('2015-09-03'), 'Thu 09-03');
  t.notOk(cn.isWorkingDay('2015-09-04'), 'Fri 09-04');
  t.ok(cn.isWorkingDay('2015-09-06'), 'Sun 09-06');
});

t.test('given 2025-09-03 (80th anniversary, no holiday was announced), then it is an ordinary working Wednesday', async (t) => {
  t.same(cn.describeDay('2025-09-03'), { date: '2025-09-03', working: true, kind: 'weekday', official: true });
});

t.test('given chinese-days\' own answer, then the calendar agrees with it on every day 2004–2026', async (t) => {
  const wrong = datesFromTo('2004-01-01', '2026-12-31').filter((d) => cn.isWorkingDay(d) !== chineseDays.isWorkday(d));
  t.same(wrong, []);
});
