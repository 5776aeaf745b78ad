import t from 'tap';
import { builtinCalendars, ConflictingCalendarEntry, DateOutOfCalendarRange, InvalidDate } from '@disclosure/calendar';
import { aCalendar, entry } from '../support/factories.js';

// Expected dates below are counted by hand from 国务院办公厅关于2025年/2026年部分节假日安排的通知.
const cn = builtinCalendars().current('CN');

t.test('China: the reply period of 条例 第33条 across National Day 2025', async (t) => {
  t.test('given a request received Fri 2025-09-26, when 20 working days are counted, then the due date is Thu 2025-10-30', async (t) => {
    // 10-01…10-08 off; Sun 09-28 and Sat 10-11 worked: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11 are days 1–6.
    t.same(cn.addWorkingDays('2025-09-26', 20), { date: '2025-10-30', provisional: false, missingYears: [] });
  });
  t.test('given the same request, when the first working day after receipt is asked, then it is the make-up Sunday 09-28', async (t) => {
    t.equal(cn.addWorkingDays('2025-09-26', 1).date, '2025-09-28');
  });
  t.test('given a request received on a holiday (Fri 2025-10-03), then day 1 is Thu 10-09 and day 20 is Tue 11-04', async (t) => {
    t.equal(cn.addWorkingDays('2025-10-03', 1).date, '2025-10-09');
    t.equal(cn.addWorkingDays('2025-10-03', 20).date, '2025-11-04');
  });
});

t.test('China: Spring Festival', async (t) => {
  t.test('given 2025 (01-28…02-04 off; Sun 01-26 and Sat 02-08 worked), when 20 working days are counted from Fri 2025-01-24, then the due date is Thu 2025-02-27', async (t) => {
    t.same(cn.addWorkingDays('2025-01-24', 20), { date: '2025-02-27', provisional: false, missingYears: [] });
    t.equal(cn.addWorkingDays('2025-01-24', 2).date, '2025-01-27');
    t.equal(cn.addWorkingDays('2025-01-24', 3).date, '2025-02-05', 'the first day after the holiday');
  });
  t.test('given 2026 (02-15…02-23 off; Sat 02-14 and Sat 02-28 worked), when 20 working days are counted from Thu 2026-02-12, then the due date is Wed 2026-03-18', async (t) => {
    t.same(cn.addWorkingDays('2026-02-12', 20), { date: '2026-03-18', provisional: false, missingYears: [] });
    t.equal(cn.addWorkingDays('2026-02-12', 2).date, '2026-02-14', 'the make-up Saturday before the holiday');
    t.equal(cn.addWorkingDays('2026-02-12', 3).date, '2026-02-24', 'the first day after the holiday');
    t.equal(cn.addWorkingDays('2026-02-12', 7).date, '2026-02-28', 'the make-up Saturday after the holiday');
  });
  t.test('given a count across New Year 2026 (01-01…01-03 off, Sun 01-04 worked), from Fri 2025-12-19, then day 20 is Mon 2026-01-19', async (t) => {
    t.same(cn.addWorkingDays('2025-12-19', 20), { date: '2026-01-19', provisional: false, missingYears: [] });
  });
});

t.test('China: which days are working days', async (t) => {
  t.test('given the make-up days of the notices, then each is a working day though it is a weekend', async (t) => {
    for (const d of ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11', '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
      t.ok(cn.isWorkingDay(d), `${d} is worked`);
  });
  t.test('given holidays that fall Monday–Friday, then none is a working day', async (t) => {
    for (const d of ['2025-01-01', '2025-01-28', '2025-02-04', '2025-05-05', '2025-06-02', '2025-10-01', '2025-10-08', '2026-01-02', '2026-02-23', '2026-10-07'])
      t.notOk(cn.isWorkingDay(d), `${d} is off`);
  });
  t.test('given an ordinary weekend and an ordinary weekday, then the weekend rests and the weekday works', async (t) => {
    t.notOk(cn.isWorkingDay('2025-09-27'), 'Sat 2025-09-27');
    t.ok(cn.isWorkingDay('2025-09-26'), 'Fri 2025-09-26');
  });
  t.test('given an epoch day, then the hot-path answer equals the ISO answer', async (t) => {
    t.equal(cn.isWorkingEpochDay(Date.UTC(2025, 8, 28) / 86_400_000), true);
    t.equal(cn.isWorkingEpochDay(Date.UTC(2025, 9, 1) / 86_400_000), false);
  });
});

t.test('China: describing a day says what it is and why', async (t) => {
  t.test('given National Day, then it is a public holiday named 国庆节', async (t) => {
    t.same(cn.describeDay('2025-10-01'), { date: '2025-10-01', working: false, kind: 'public-holiday', name: '国庆节', official: true });
  });
  t.test('given Spring Festival 2026, then it is a public holiday named 春节, weekend days inside it included', async (t) => {
    t.match(cn.describeDay('2026-02-16'), { working: false, kind: 'public-holiday', name: '春节' });
    t.match(cn.describeDay('2026-02-15'), { working: false, kind: 'public-holiday', name: '春节' }, 'Sunday 02-15 is part of the holiday');
  });
  t.test('given the make-up Sunday 2025-09-28, then it is a make-up working day named for National Day', async (t) => {
    const day = cn.describeDay('2025-09-28');
    t.match(day, { date: '2025-09-28', working: true, kind: 'make-up-working-day', official: true });
    t.match(day.name, /国庆/);
  });
  t.test('given an ordinary weekend day and weekday, then they carry no name', async (t) => {
    t.same(cn.describeDay('2025-09-27'), { date: '2025-09-27', working: false, kind: 'weekend', official: true });
    t.same(cn.describeDay('2025-09-26'), { date: '2025-09-26', working: true, kind: 'weekday', official: true });
  });
  t.test('given a day of 2027 (no notice yet), then it is an unofficial weekday', async (t) => {
    t.same(cn.describeDay('2027-01-01'), { date: '2027-01-01', working: true, kind: 'weekday', official: false });
  });
});

t.test('counting conventions', async (t) => {
  t.test('given n = 0, when working days are added, then the date itself comes back, even a holiday', async (t) => {
    t.same(cn.addWorkingDays('2025-10-01', 0), { date: '2025-10-01', provisional: false, missingYears: [] });
    t.equal(cn.addWorkingDays('2025-09-27', 0).date, '2025-09-27');
  });
  t.test('given a negative n, then the count runs back: -1 from Thu 2025-10-09 is Tue 09-30', async (t) => {
    t.equal(cn.addWorkingDays('2025-10-09', -1).date, '2025-09-30');
    t.equal(cn.addWorkingDays('2025-10-13', -3).date, '2025-10-09', 'Mon 10-13 back over the make-up Saturday 10-11');
    t.equal(cn.addWorkingDays('2025-10-30', -20).date, '2025-09-26', 'the due date minus 20 is the receipt date');
  });
  t.test('given two dates, when working days between them are counted, then it is after `from` up to and including `to`', async (t) => {
    t.same(cn.workingDaysBetween('2025-09-26', '2025-10-30'), { days: 20, provisional: false, missingYears: [] });
    t.equal(cn.workingDaysBetween('2025-09-26', '2025-09-26').days, 0, 'the same day: 0');
    t.equal(cn.workingDaysBetween('2025-09-27', '2025-09-28').days, 1, '`to` counts: the make-up Sunday');
    t.equal(cn.workingDaysBetween('2025-09-26', '2025-09-27').days, 0, '`from` does not count');
    t.equal(cn.workingDaysBetween('2025-09-30', '2025-10-08').days, 0, 'nothing but holidays');
  });
  t.test('given `to` before `from`, then the count is negative', async (t) => {
    t.same(cn.workingDaysBetween('2025-10-30', '2025-09-26'), { days: -20, provisional: false, missingYears: [] });
  });
  t.test('given a consultation notice Wed 2025-10-15 answered Wed 2025-10-22, then 5 working days are paused (DOMAIN example)', async (t) => {
    t.equal(cn.workingDaysBetween('2025-10-15', '2025-10-22').days, 5);
  });
  t.test('given n that is not a whole number, then it is refused', async (t) => {
    t.throws(() => cn.addWorkingDays('2025-09-26', 1.5), RangeError);
    t.throws(() => cn.addWorkingDays('2025-09-26', Number.NaN), RangeError);
  });
});

t.test('provisional answers: a count into a year without an official notice', async (t) => {
  t.test('given China has notices up to 2026, when 20 working days are counted from Tue 2026-12-15, then Mon–Fri is used for 2027 and the answer is flagged', async (t) => {
    // 2027-01-01 is a Friday and counts provisionally: day 13; 01-04…01-08 are 14–18, 01-11 and 01-12 are 19 and 20.
    t.same(cn.addWorkingDays('2026-12-15', 20), { date: '2027-01-12', provisional: true, missingYears: [2027] });
    t.same(cn.workingDaysBetween('2026-12-15', '2027-01-12'), { days: 20, provisional: true, missingYears: [2027] });
    t.same(cn.workingDaysBetween('2027-01-12', '2026-12-15'), { days: -20, provisional: true, missingYears: [2027] });
  });
  t.test('given a count back out of 2027, then it is provisional too', async (t) => {
    t.same(cn.addWorkingDays('2027-01-05', -3), { date: '2026-12-31', provisional: true, missingYears: [2027] });
  });
  t.test('given a count that ends on 2026-12-31, then it is not provisional', async (t) => {
    t.same(cn.workingDaysBetween('2026-12-15', '2026-12-31'), { days: 12, provisional: false, missingYears: [] });
  });
  t.test('given a count over two missing years, then both are named', async (t) => {
    t.same(cn.addWorkingDays('2026-12-31', 300).missingYears, [2027, 2028]);
  });
  t.test('given a year before the first notice in the data (2003), then it is provisional as well', async (t) => {
    t.same(cn.addWorkingDays('2003-09-26', 5).missingYears, [2003]);
  });
  t.test('when asked directly, then the calendar says which years it has', async (t) => {
    t.ok(cn.hasOfficialYear(2026));
    t.notOk(cn.hasOfficialYear(2027));
    t.notOk(cn.hasOfficialYear(3000));
    t.same(cn.missingYearsBetween(Date.UTC(2026, 0, 1) / 86_400_000, Date.UTC(2028, 5, 1) / 86_400_000), [2027, 2028]);
  });
});

t.test('dates the calendar cannot answer for', async (t) => {
  t.test('given a string that is not a date, then InvalidDate', async (t) => {
    for (const bad of ['2025-02-29', '2025-13-01', 'x']) {
      t.throws(() => cn.isWorkingDay(bad), InvalidDate, `isWorkingDay(${bad})`);
      t.throws(() => cn.addWorkingDays(bad, 20), InvalidDate, `addWorkingDays(${bad})`);
      t.throws(() => cn.workingDaysBetween('2025-01-01', bad), InvalidDate, `workingDaysBetween(…, ${bad})`);
      t.throws(() => cn.describeDay(bad), InvalidDate, `describeDay(${bad})`);
    }
  });
  t.test('given a date far outside 1990–2150, then DateOutOfCalendarRange says which calendar and its range', async (t) => {
    const range = { from: '1990-01-01', to: '2150-12-31' };
    t.same(cn.range, range);
    t.throws(() => cn.isWorkingDay('1900-01-01'), { name: 'DateOutOfCalendarRange', calendarId: 'CN', date: '1900-01-01', range });
    t.throws(() => cn.describeDay('2300-06-01'), DateOutOfCalendarRange);
    t.throws(() => cn.workingDaysBetween('1989-12-31', '2025-01-01'), DateOutOfCalendarRange);
    t.throws(() => cn.isWorkingEpochDay(0), DateOutOfCalendarRange, '1970-01-01 as an epoch day');
  });
  t.test('given a count that would run past the range, then DateOutOfCalendarRange', async (t) => {
    t.throws(() => cn.addWorkingDays('2150-12-30', 5), DateOutOfCalendarRange);
    t.throws(() => cn.addWorkingDays('1990-01-02', -5), DateOutOfCalendarRange);
  });
  t.test('given the first and last day of the range, then both are answered', async (t) => {
    t.equal(cn.isWorkingDay('1990-01-01'), true, 'a Monday, before any notice: provisional Mon–Fri');
    t.equal(cn.isWorkingDay('2150-12-31'), true, 'a Thursday');
  });
});

t.test('building a calendar from data', async (t) => {
  t.test('given one date listed both as a holiday and as a make-up working day, then ConflictingCalendarEntry names it', async (t) => {
    t.throws(() => aCalendar({ holidays: [entry('2025-10-11', 'a holiday')], workingDays: [entry('2025-10-11', 'a make-up day')] }), {
      name: 'ConflictingCalendarEntry',
      calendarId: 'XX',
      date: '2025-10-11',
    });
    t.throws(() => aCalendar({ holidays: [entry('2025-10-11', 'a')], workingDays: [entry('2025-10-11', 'b')] }), ConflictingCalendarEntry);
  });
  t.test('given a one-off holiday in a year without a notice, then it applies and the year stays provisional', async (t) => {
    const c = aCalendar({ holidays: [entry('2030-01-02', 'a holiday proclaimed before the notice')] });
    t.notOk(c.isWorkingDay('2030-01-02'));
    t.same(c.describeDay('2030-01-02'), { date: '2030-01-02', working: false, kind: 'public-holiday', name: 'a holiday proclaimed before the notice', official: false });
    t.same(c.addWorkingDays('2030-01-01', 1), { date: '2030-01-03', provisional: true, missingYears: [2030] });
  });
  t.test('given a Friday–Saturday weekend, then Sunday works and Friday rests', async (t) => {
    const c = aCalendar({ weekend: [5, 6] });
    t.ok(c.isWorkingDay('2025-09-28'), 'Sunday');
    t.notOk(c.isWorkingDay('2025-09-26'), 'Friday');
    t.equal(c.addWorkingDays('2025-09-25', 1).date, '2025-09-28', 'Thursday + 1 is Sunday');
  });
  t.test('given the same data twice, then both calendars have one version; the data is frozen', async (t) => {
    t.equal(aCalendar().version, aCalendar().version);
    t.ok(Object.isFrozen(aCalendar().data));
  });
});
