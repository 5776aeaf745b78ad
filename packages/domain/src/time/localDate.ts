import { DateTime } from 'luxon';
import type { IsoDate } from '@disclosure/calendar';

/**
 * The calendar date of an instant in a zone: the agency's day, which is what the law counts.
 * @example localDate('2025-09-26T17:30:00Z', 'Asia/Shanghai') // '2025-09-27'
 */
export function localDate(at: string, timeZone: string): IsoDate {
  return fastLocalDate(at, timeZone) ?? luxonLocalDate(at, timeZone);
}

/** The reference answer (luxon): any ISO form luxon reads, any zone it knows. */
function luxonLocalDate(at: string, timeZone: string): IsoDate {
  const dt = DateTime.fromISO(at, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO instant: ${at}`);
  return dt.setZone(timeZone).toISODate()!;
}

// The hot path (every command decided, every case projected) for the form instants are stored in:
// YYYY-MM-DDTHH:MM[:SS[.fff]] with Z or ±HH:MM, years 1000–9999, in an IANA zone. It reads the
// same date luxon does (luxon asks the same Intl zone data) at a fraction of the cost; anything
// else (other ISO forms, out-of-range fields luxon refuses, hour 24, zones luxon handles itself
// such as `utc+8` or `local`) goes to luxon. test/time/localDate.test.ts holds them to the same answers.
const INSTANT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.\d{1,9})?)?(?:Z|([+-])(\d\d):(\d\d))$/;
const WALL_CLOCK = /^(\d\d)\/(\d\d)\/(\d{4}), (\d\d):(\d\d):(\d\d)$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const formats = new Map<string, Intl.DateTimeFormat | null>();

function formatFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formats.get(timeZone);
  if (f !== undefined) return f;
  const lowered = timeZone.toLowerCase();
  f = null;
  // luxon's own zones (default, local, system, utc, gmt, utc±h[:mm]) stay with luxon
  if (!/^(default|local|system|utc|gmt)$/.test(lowered) && !/^utc(?:[+-]\d{1,2}(?::\d{2})?)?$/.test(lowered))
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      f = null; // an unknown zone: luxon decides what that means
    }
  formats.set(timeZone, f);
  return f;
}

/** A stored-form instant as its written date and its epoch milliseconds; undefined for any other form or a field luxon would refuse. */
function parseInstant(at: string): { year: number; month: number; day: number; ms: number } | undefined {
  const m = INSTANT.exec(at);
  if (!m) return undefined;
  const year = +m[1]!;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = +m[4]!;
  const minute = +m[5]!;
  const second = m[6] === undefined ? 0 : +m[6];
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59 || second > 59) return undefined;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return undefined;
  let offset = 0;
  if (m[7] !== undefined) {
    const oh = +m[8]!;
    const om = +m[9]!;
    if (oh > 23 || om > 59) return undefined;
    offset = (m[7] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { year, month, day, ms: Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000 };
}

/** The wall clock of a zone at a whole second: its date, and its offset from UTC in ms; undefined for a year before 1000. */
function wallClock(format: Intl.DateTimeFormat, ms: number): { readonly date: IsoDate; readonly offset: number } | undefined {
  const m = WALL_CLOCK.exec(format.format(ms));
  if (!m || m[3]! < '1000') return undefined;
  return { date: `${m[3]}-${m[1]}-${m[2]}`, offset: Date.UTC(+m[3]!, +m[1]! - 1, +m[2]!, +m[4]!, +m[5]!, +m[6]!) - ms };
}

// Formatting an instant in a zone costs microseconds, and the hot path asks about the same few
// hours again and again (now, in the agencies' zones). So each zone remembers the UTC hours it was
// asked about: the date of the whole hour when its first and last second have the same date and
// the same offset — no offset change inside (zones change offset at most once in any hour, days
// apart), so the wall clock runs on evenly through it and its date cannot change and change back;
// null for an hour that holds a local midnight or an offset change, answered instant by instant.
const HOUR_MS = 3_600_000;
const MAX_HOURS_PER_ZONE = 4_096;
const hoursByZone = new Map<string, Map<number, IsoDate | null>>();

function dateOfHour(format: Intl.DateTimeFormat, hour: number): IsoDate | null {
  const first = wallClock(format, hour * HOUR_MS);
  const last = wallClock(format, hour * HOUR_MS + HOUR_MS - 1_000);
  return first && last && first.date === last.date && first.offset === last.offset ? first.date : null;
}

function fastLocalDate(at: string, timeZone: string): IsoDate | undefined {
  const instant = parseInstant(at);
  if (instant === undefined) return undefined;
  const format = formatFor(timeZone);
  if (format === null) return undefined;
  let hours = hoursByZone.get(timeZone);
  if (hours === undefined) hoursByZone.set(timeZone, (hours = new Map()));
  const hour = Math.floor(instant.ms / HOUR_MS);
  let date = hours.get(hour);
  if (date === undefined) {
    if (hours.size >= MAX_HOURS_PER_ZONE) hours.clear();
    date = dateOfHour(format, hour);
    hours.set(hour, date);
  }
  return date ?? wallClock(format, Math.floor(instant.ms / 1_000) * 1_000)?.date;
}

/**
 * The year of {@link localDate}, as a number. An instant written at least two days from a year's
 * end is in its written year in every zone (offsets and zones are less than a day from UTC), so
 * the read models need no zone look-up for most of them.
 * @example localYear('2025-12-31T17:30:00Z', 'Asia/Shanghai') // 2026
 */
export function localYear(at: string, timeZone: string): number {
  const instant = parseInstant(at);
  if (instant !== undefined && (instant.month > 1 || instant.day > 2) && (instant.month < 12 || instant.day < 30) && formatFor(timeZone) !== null) return instant.year;
  return Number(localDate(at, timeZone).slice(0, 4));
}
