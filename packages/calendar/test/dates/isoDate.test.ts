import t from 'tap';
import { DateTime } from 'luxon';
import { addCalendarDays, fromEpochDay, InvalidDate, isIsoDate, isoWeekday, toEpochDay, yearOfEpochDay } from '@disclosure/calendar';

const DAY_MS = 86_400_000;
const epochDayOf = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY_MS;

t.test('given a date written YYYY-MM-DD', async (t) => {
  t.test('when it is read, then it becomes its day count since 1970-01-01', async (t) => {
    t.equal(toEpochDay('1970-01-01'), 0);
    t.equal(toEpochDay('1970-01-02'), 1);
    t.equal(toEpochDay('1969-12-31'), -1);
    t.equal(toEpochDay('2025-09-26'), epochDayOf(2025, 9, 26));
    t.equal(toEpochDay('2000-02-29'), epochDayOf(2000, 2, 29), 'a leap day of a year divisible by 400');
  });

  t.test('when it is written back, then it reads the same', async (t) => {
    t.equal(fromEpochDay(epochDayOf(2025, 9, 26)), '2025-09-26');
    t.equal(fromEpochDay(0), '1970-01-01');
    t.equal(fromEpochDay(-1), '1969-12-31');
  });
});

t.test('given something that is not a calendar date, when it is read, then InvalidDate names it', async (t) => {
  for (const bad of ['2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-01-00', '1900-02-29', 'x', '', '2025-1-05', '2025-01-05T00:00:00Z', ' 2025-01-05', '20250105'])
    t.throws(() => toEpochDay(bad), new InvalidDate(bad), `${JSON.stringify(bad)} is rejected`);
  t.throws(() => toEpochDay(20250105 as unknown as string), InvalidDate, 'a number is rejected');
  t.throws(() => toEpochDay(null as unknown as string), InvalidDate, 'null is rejected');
  const error = t.throws(() => toEpochDay('2025-02-29')) as InvalidDate;
  t.equal(error.name, 'InvalidDate');
  t.equal(error.value, '2025-02-29', 'the error carries the rejected value');
  t.match(error.message, /2025-02-29/);
});

t.test('given a value of unknown shape, when asked whether it is a date, then only real dates pass', async (t) => {
  t.ok(isIsoDate('2024-02-29'), '2024 is a leap year');
  t.notOk(isIsoDate('2025-02-29'), '2025 is not');
  t.notOk(isIsoDate('2100-02-29'), '2100 is not (divisible by 100, not by 400)');
  t.notOk(isIsoDate(undefined));
  t.notOk(isIsoDate(42));
});

t.test('given an epoch day, when its weekday is asked, then Monday is 1 and Sunday is 7', async (t) => {
  t.equal(isoWeekday(toEpochDay('1970-01-01')), 4, '1970-01-01 was a Thursday');
  t.equal(isoWeekday(toEpochDay('2025-09-28')), 7, '2025-09-28 was a Sunday (a make-up working day in China)');
  t.equal(isoWeekday(toEpochDay('2025-10-11')), 6, '2025-10-11 was a Saturday');
  t.equal(isoWeekday(toEpochDay('2025-09-26')), 5, '2025-09-26 was a Friday');
  t.equal(isoWeekday(toEpochDay('1969-12-29')), 1, 'days before 1970 too: 1969-12-29 was a Monday');
});

t.test('given a date, when calendar days are added, then months and years roll over', async (t) => {
  t.equal(addCalendarDays('2025-01-31', 1), '2025-02-01');
  t.equal(addCalendarDays('2024-02-28', 1), '2024-02-29');
  t.equal(addCalendarDays('2025-02-28', 1), '2025-03-01');
  t.equal(addCalendarDays('2026-12-31', 1), '2027-01-01');
  t.equal(addCalendarDays('2025-03-01', -1), '2025-02-28');
  t.equal(yearOfEpochDay(toEpochDay('2026-12-31')), 2026);
  t.equal(yearOfEpochDay(toEpochDay('2027-01-01')), 2027);
});

t.test('every day from 1990-01-01 to 2150-12-31 round-trips and agrees with Date.UTC and luxon', async (t) => {
  const first = epochDayOf(1990, 1, 1);
  const last = epochDayOf(2150, 12, 31);
  const mismatches: string[] = [];
  let previousYear = 1990;
  for (let day = first; day <= last; day++) {
    const iso = new Date(day * DAY_MS).toISOString().slice(0, 10);
    const luxon = DateTime.fromObject({ year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) }, { zone: 'utc' });
    const problems = [
      toEpochDay(iso) !== day && `toEpochDay(${iso}) = ${toEpochDay(iso)}, Date.UTC says ${day}`,
      fromEpochDay(day) !== iso && `fromEpochDay(${day}) = ${fromEpochDay(day)}, Date.UTC says ${iso}`,
      fromEpochDay(day) !== luxon.toISODate() && `fromEpochDay(${day}) = ${fromEpochDay(day)}, luxon says ${luxon.toISODate()}`,
      isoWeekday(day) !== luxon.weekday && `isoWeekday(${iso}) = ${isoWeekday(day)}, luxon says ${luxon.weekday}`,
      yearOfEpochDay(day) !== luxon.year && `yearOfEpochDay(${iso}) = ${yearOfEpochDay(day)}, luxon says ${luxon.year}`,
    ].filter((p): p is string => typeof p === 'string');
    mismatches.push(...problems);
    if (mismatches.length > 10) break;
    previousYear = luxon.year;
  }
  t.same(mismatches, [], 'no day disagrees');
  t.equal(previousYear, 2150, 'the walk reached 2150');
});
