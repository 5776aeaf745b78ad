import t from 'tap';
import { calendarDataSchema, calendarVersion, canonicalCalendarData, type CalendarData } from '@disclosure/calendar';
import { entry } from '../support/factories.js';

const someData = (overrides: Partial<CalendarData> = {}): CalendarData => ({
  id: 'XX',
  name: 'test calendar',
  source: 'test',
  weekend: [6, 7],
  holidays: [entry('2025-10-01', '国庆节'), entry('2025-01-01', '元旦')],
  workingDays: [entry('2025-10-11', '国庆节'), entry('2025-09-28', '国庆节')],
  officialYears: [2026, 2025],
  ...overrides,
});

t.test('given the same calendar content listed in a different order', async (t) => {
  const a = someData();
  const b = someData({
    weekend: [7, 6, 6],
    holidays: [...a.holidays].reverse(),
    workingDays: [...a.workingDays].reverse(),
    officialYears: [2025, 2026, 2025],
  });
  t.test('when versioned, then both have one version', async (t) => {
    t.equal(calendarVersion(a), calendarVersion(b));
  });
  t.test('when put in canonical order, then entries are by date, years ascending, duplicates gone', async (t) => {
    const c = canonicalCalendarData(b);
    t.same(c.weekend, [6, 7]);
    t.same(c.holidays.map((e) => e.date), ['2025-01-01', '2025-10-01']);
    t.same(c.workingDays.map((e) => e.date), ['2025-09-28', '2025-10-11']);
    t.same(c.officialYears, [2025, 2026]);
  });
});

t.test('given a calendar, when only its name or source changes, then its version does not (they are notes)', async (t) => {
  const v = calendarVersion(someData());
  t.equal(calendarVersion(someData({ name: 'renamed' })), v);
  t.equal(calendarVersion(someData({ source: 'loaded again from the same notice' })), v);
});

t.test('given a calendar, when anything deciding working days changes, then its version changes', async (t) => {
  const v = calendarVersion(someData());
  t.not(calendarVersion(someData({ id: 'YY' })), v, 'id');
  t.not(calendarVersion(someData({ weekend: [5, 6] })), v, 'weekend');
  t.not(calendarVersion(someData({ holidays: [...someData().holidays, entry('2025-12-25', 'x')] })), v, 'a holiday added');
  t.not(calendarVersion(someData({ holidays: [entry('2025-10-01', '国庆节'), entry('2025-01-01', 'New Year')] })), v, 'a holiday renamed');
  t.not(calendarVersion(someData({ workingDays: [] })), v, 'make-up days removed');
  t.not(calendarVersion(someData({ officialYears: [2025, 2026, 2027] })), v, 'an official year added');
});

t.test('given calendar data from outside, when validated', async (t) => {
  t.test('then well-formed data passes', async (t) => {
    t.ok(calendarDataSchema.safeParse(someData()).success);
  });
  t.test('then an impossible date, a bad id, a weekday 8 or an unknown field is refused', async (t) => {
    t.notOk(calendarDataSchema.safeParse(someData({ holidays: [entry('2025-02-29', 'x')] })).success, '2025-02-29');
    t.notOk(calendarDataSchema.safeParse(someData({ id: 'china' })).success, 'lower-case id');
    t.notOk(calendarDataSchema.safeParse(someData({ weekend: [8] })).success, 'weekday 8');
    t.notOk(calendarDataSchema.safeParse({ ...someData(), extra: true }).success, 'unknown field');
  });
});
