import t from 'tap';
import fc from 'fast-check';
import { builtinCalendars } from '@disclosure/calendar';
import { naiveAddWorkingDays, naiveWorkingDaysBetween, plusDays, workingPerData } from '../support/reference.js';

const DAY_MS = 86_400_000;
const RUNS = 300;

/** Any date 1995-01-01…2140-12-31, written by Date (not by the package). */
const anyDate = fc
  .integer({ min: Date.UTC(1995, 0, 1) / DAY_MS, max: Date.UTC(2140, 11, 31) / DAY_MS })
  .map((day) => new Date(day * DAY_MS).toISOString().slice(0, 10));
const anyCount = fc.integer({ min: 0, max: 400 });

for (const id of ['CN', 'GB-UK']) {
  const calendar = builtinCalendars().current(id);

  t.test(`${id}: every day 1990–2150 works exactly when its published data says so`, async (t) => {
    const wrong: string[] = [];
    for (let d = '1990-01-01'; d <= '2150-12-31' && wrong.length < 10; d = plusDays(d, 1))
      if (calendar.isWorkingDay(d) !== workingPerData(calendar, d)) wrong.push(d);
    t.same(wrong, []);
  });

  t.test(`${id}: given any date and n > 0, the n-th working day after it is a working day`, async (t) => {
    fc.assert(fc.property(anyDate, fc.integer({ min: 1, max: 400 }), (d, n) => calendar.isWorkingDay(calendar.addWorkingDays(d, n).date)), { numRuns: RUNS });
    t.pass();
  });

  t.test(`${id}: given any date and n, counting the working days back to it gives n`, async (t) => {
    fc.assert(
      fc.property(anyDate, anyCount, (d, n) => {
        const due = calendar.addWorkingDays(d, n).date;
        return calendar.workingDaysBetween(d, due).days === n && calendar.workingDaysBetween(due, d).days === -n;
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });

  t.test(`${id}: given any date, a larger n never gives an earlier date (strictly later for n ≥ 1)`, async (t) => {
    fc.assert(
      fc.property(anyDate, anyCount, anyCount, (d, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const x = calendar.addWorkingDays(d, lo).date;
        const y = calendar.addWorkingDays(d, hi).date;
        return lo === hi ? x === y : x < y;
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });

  t.test(`${id}: given any date, adding a then b working days is adding a + b`, async (t) => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), (d, a, b) => {
        return calendar.addWorkingDays(calendar.addWorkingDays(d, a).date, b).date === calendar.addWorkingDays(d, a + b).date;
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });

  t.test(`${id}: given any date and n (either sign), the answer equals a day-by-day walk over isWorkingDay`, async (t) => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -400, max: 400 }), (d, n) => calendar.addWorkingDays(d, n).date === naiveAddWorkingDays(calendar, d, n)),
      { numRuns: RUNS },
    );
    t.pass();
  });

  t.test(`${id}: given any two dates up to 600 days apart, the count between them equals a day-by-day walk`, async (t) => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -600, max: 600 }), (d, offset) => {
        const other = plusDays(d, offset);
        return calendar.workingDaysBetween(d, other).days === naiveWorkingDaysBetween(calendar, d, other);
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });

  t.test(`${id}: given any count, it is provisional exactly when it runs through a year without official data`, async (t) => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 400 }), (d, n) => {
        const r = calendar.addWorkingDays(d, n);
        const years: number[] = [];
        for (let y = Number(plusDays(d, 1).slice(0, 4)); y <= Number(r.date.slice(0, 4)); y++) if (!calendar.data.officialYears.includes(y)) years.push(y);
        return r.provisional === years.length > 0 && JSON.stringify(r.missingYears) === JSON.stringify(years);
      }),
      { numRuns: RUNS },
    );
    t.pass();
  });
}
