import type { WorkingDayCalendar } from '@disclosure/calendar';

/**
 * Reference models: slow, obviously correct day-by-day answers built on Date.UTC and the calendar's
 * published entries, against which the indexed calendar is checked.
 */

const DAY_MS = 86_400_000;

/** ISO date `days` calendar days after `date`, via Date.UTC. */
export function plusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday via Date.UTC: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** Whether a day works, read straight from the calendar's data (entries only count in official years). */
export function workingPerData(calendar: WorkingDayCalendar, date: string): boolean {
  const { weekend, holidays, workingDays, officialYears } = calendar.data;
  if (officialYears.includes(Number(date.slice(0, 4)))) {
    if (workingDays.some((e) => e.date === date)) return true;
    if (holidays.some((e) => e.date === date)) return false;
  }
  return !weekend.includes(weekdayOf(date));
}

/** The n-th working day after (n > 0) or before (n < 0) `date`, walking one day at a time. */
export function naiveAddWorkingDays(calendar: WorkingDayCalendar, date: string, n: number): string {
  const step = n < 0 ? -1 : 1;
  let d = date;
  for (let left = Math.abs(n); left > 0; ) {
    d = plusDays(d, step);
    if (calendar.isWorkingDay(d)) left--;
  }
  return d;
}

/** Working days after `from` up to and including `to`, walking one day at a time. */
export function naiveWorkingDaysBetween(calendar: WorkingDayCalendar, from: string, to: string): number {
  if (to < from) return -naiveWorkingDaysBetween(calendar, to, from);
  let count = 0;
  for (let d = plusDays(from, 1); d <= to; d = plusDays(d, 1)) if (calendar.isWorkingDay(d)) count++;
  return count;
}
