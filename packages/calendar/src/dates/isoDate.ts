/**
 * Calendar dates as ISO strings (`YYYY-MM-DD`) at the edges and as epoch days (days since
 * 1970-01-01) inside, so that the hot paths do integer arithmetic instead of building Date objects.
 */

/** A calendar date written `YYYY-MM-DD`, with no time and no zone. */
export type IsoDate = string;

/** A date is not a real `YYYY-MM-DD` calendar date. */
export class InvalidDate extends Error {
  override readonly name = 'InvalidDate';
  constructor(readonly value: unknown) {
    super(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

// Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar.
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Parses `YYYY-MM-DD` into an epoch day; throws {@link InvalidDate} for anything else.
 * @example toEpochDay('1970-01-02') // 1
 */
export function toEpochDay(date: IsoDate): number {
  const m = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  if (!m) throw new InvalidDate(date);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new InvalidDate(date);
  return daysFromCivil(y, mo, d);
}

/** Whether a value is a real `YYYY-MM-DD` date. @example isIsoDate('2025-02-29') // false */
export function isIsoDate(value: unknown): value is IsoDate {
  try {
    toEpochDay(value as string);
    return true;
  } catch {
    return false;
  }
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * Writes an epoch day as `YYYY-MM-DD` (civil_from_days).
 * @example fromEpochDay(20357) // '2025-09-26'
 */
export function fromEpochDay(day: number): IsoDate {
  const [y, m, d] = civilFromDays(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/**
 * The last day of a period of `months` months beginning with an epoch day: the day before the same
 * day of the month `months` later, or, when that month has no such day, that month's last day.
 * @example fromEpochDay(endOfMonthsBeginningWith(toEpochDay('2025-11-28'), 3)) // '2026-02-27'
 */
export function endOfMonthsBeginningWith(day: number, months: number): number {
  const [y, m, d] = civilFromDays(day);
  const target = y * 12 + (m - 1) + months;
  const year = Math.floor(target / 12);
  const month = target - year * 12 + 1;
  const last = daysInMonth(year, month);
  return d <= last ? daysFromCivil(year, month, d) - 1 : daysFromCivil(year, month, last);
}

// civil_from_days: the year, month and day of an epoch day
function civilFromDays(day: number): [number, number, number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

/** ISO weekday of an epoch day: 1 = Monday … 7 = Sunday. @example isoWeekday(0) // 4 (Thursday) */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The calendar year of an epoch day. @example yearOfEpochDay(toEpochDay('2027-01-01')) // 2027 */
export function yearOfEpochDay(day: number): number {
  return Number(fromEpochDay(day).slice(0, 4));
}

/** Adds calendar days to an ISO date. @example addCalendarDays('2025-01-31', 1) // '2025-02-01' */
export function addCalendarDays(date: IsoDate, days: number): IsoDate {
  return fromEpochDay(toEpochDay(date) + days);
}
