import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../dates/isoDate.js';
import { contentVersion } from '../hashing/contentHash.js';

/** One dated entry of a calendar: a public holiday or a make-up working day (调休上班). */
export interface DayEntry {
  readonly date: IsoDate;
  readonly name: string;
}

/**
 * Everything that defines a working-day calendar. Its content hash is the calendar's version, so
 * two calendars with the same data have the same version and any amendment yields a new one.
 */
export interface CalendarData {
  /** Stable id, e.g. `CN`, `GB-ENG`, `US-FED`. */
  readonly id: string;
  readonly name: string;
  /** Where the data came from (package and version, a notice, an amendment). */
  readonly source: string;
  /** ISO weekdays that are rest days unless a make-up working day says otherwise. */
  readonly weekend: readonly number[];
  /** Public holidays: rest days even when they fall Monday–Friday. */
  readonly holidays: readonly DayEntry[];
  /** Weekend days made working days by the official notice (调休上班). */
  readonly workingDays: readonly DayEntry[];
  /** Years for which official data exists; other years count Mon–Fri and are provisional. */
  readonly officialYears: readonly number[];
}

const isoDate = z.string().refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' });
const dayEntry = z.object({ date: isoDate, name: z.string().min(1).max(200) }).strict();

/** The zod schema of {@link CalendarData}, for data loaded from files or sent by admins. */
export const calendarDataSchema = z
  .object({
    id: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,12})*$/),
    name: z.string().min(1).max(200),
    source: z.string().min(1).max(500),
    weekend: z.array(z.number().int().min(1).max(7)).max(7),
    holidays: z.array(dayEntry),
    workingDays: z.array(dayEntry),
    officialYears: z.array(z.number().int().min(1900).max(2200)),
  })
  .strict();

/** Puts calendar data in one canonical order, so equal content always hashes equal. */
export function canonicalCalendarData(data: CalendarData): CalendarData {
  const byDate = (a: DayEntry, b: DayEntry) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.name < b.name ? -1 : 1);
  return {
    id: data.id,
    name: data.name,
    source: data.source,
    weekend: [...new Set(data.weekend)].sort(),
    holidays: dedupe([...data.holidays].sort(byDate)),
    workingDays: dedupe([...data.workingDays].sort(byDate)),
    officialYears: [...new Set(data.officialYears)].sort((a, b) => a - b),
  };
}

function dedupe(entries: DayEntry[]): DayEntry[] {
  return entries.filter((e, i) => i === 0 || e.date !== entries[i - 1]!.date);
}

/**
 * The version of a calendar: `sha256:` and the first 16 hex digits of the hash of the canonical JSON
 * of what decides working days (id, weekend, holidays, make-up days, official years). Name and
 * source are notes, not content: loading the same notice twice gives the same version.
 * @example calendarVersion(data) // 'sha256:3f1c…'
 */
export function calendarVersion(data: CalendarData): string {
  const { id, weekend, holidays, workingDays, officialYears } = canonicalCalendarData(data);
  return contentVersion({ id, weekend, holidays, workingDays, officialYears });
}
