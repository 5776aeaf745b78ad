import { z } from 'zod';
import { isIsoDate, type IsoDate } from '../dates/isoDate.js';
import { contentVersion } from '../hashing/contentHash.js';
import { amendCalendar, calendarAmendmentSchema } from './amendCalendar.js';
import type { CalendarRegistry } from './calendarRegistry.js';
import { CalendarIdMismatch } from './errors.js';

/**
 * Calendar amendments as recorded facts. A yearly notice (国务院办公厅关于部分节假日安排的通知) or a
 * correction is stored as one `CalendarAmended` event in the calendar's own stream; every process
 * builds its registry from the shipped data and these events, in order, and the worker records on
 * each open case whose due date the new version changes a `DeadlineRecomputed` event.
 */

/** The event type of a recorded amendment. */
export const CALENDAR_AMENDED = 'CalendarAmended';

/** The schema version of `CalendarAmended`. */
export const CALENDAR_AMENDED_VERSION = 1;

/** The stream a calendar's amendments are recorded in. @example calendarStreamId('CN') // 'calendar-CN' */
export function calendarStreamId(calendarId: string): string {
  return `calendar-${calendarId}`;
}

const isoDate = z.string().refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' });
const version = z.string().regex(/^sha256:[0-9a-f]{16}$/);

/** What a `CalendarAmended` event records: the amendment as loaded, and the version it made. */
export const calendarAmendedSchema = z
  .object({
    calendarId: z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,12})*$/),
    /** The amendment as validated (defaults filled in), so replaying it gives the same calendar. */
    amendment: calendarAmendmentSchema,
    /** The content hash of the amendment. */
    amendmentVersion: version,
    previousVersion: version,
    version,
    /** The official years of the new version: what it made no longer provisional. */
    officialYears: z.array(z.number().int()),
    /** The day it was loaded: a clock that stopped before keeps the dates it had. */
    inForceFrom: isoDate,
  })
  .strict();

export type CalendarAmended = z.infer<typeof calendarAmendedSchema>;

/** A calendar moved to a new version: what the worker recomputes open cases for. */
export interface CalendarChange {
  readonly calendarId: string;
  readonly previousVersion: string;
  readonly version: string;
  /** Why: the amendment's source (the notice). */
  readonly reason: string;
  readonly inForceFrom: IsoDate;
}

/**
 * What loading an amendment into a calendar records: the `CalendarAmended` data, or null when the
 * calendar already says all of it (loading the same notice twice changes nothing). Throws the
 * amendment's `ZodError`, {@link CalendarIdMismatch}, `UnknownCalendar` or `ConflictingCalendarEntry`.
 * @example planCalendarAmendment(registry, 'CN', { source: '国办发明电〔2026〕…', years: [notice2027] }, '2026-11-23')?.version
 */
export function planCalendarAmendment(registry: CalendarRegistry, calendarId: string, input: unknown, inForceFrom: IsoDate): CalendarAmended | null {
  const amendment = calendarAmendmentSchema.parse(input);
  if (amendment.id !== undefined && amendment.id !== calendarId) throw new CalendarIdMismatch(calendarId, amendment.id);
  const current = registry.current(calendarId);
  const next = amendCalendar(current, amendment);
  if (next.version === current.version) return null;
  return { calendarId, amendment, amendmentVersion: contentVersion(amendment), previousVersion: current.version, version: next.version, officialYears: [...next.data.officialYears], inForceFrom };
}

/**
 * A registry with a recorded amendment applied to the calendar's current version, and the change it
 * made (null when the registry already had it). The amendment is applied, not its recorded version
 * trusted: after an upgrade of the shipped data the same amendments give the right calendar.
 * @example const { registry, change } = applyCalendarAmended(builtinCalendars(), recorded);
 */
export function applyCalendarAmended(registry: CalendarRegistry, recorded: CalendarAmended): { registry: CalendarRegistry; change: CalendarChange | null } {
  const current = registry.current(recorded.calendarId);
  const next = amendCalendar(current, recorded.amendment);
  if (next.version === current.version) return { registry, change: null };
  return {
    registry: registry.with(next, recorded.inForceFrom),
    change: { calendarId: recorded.calendarId, previousVersion: current.version, version: next.version, reason: recorded.amendment.source, inForceFrom: recorded.inForceFrom },
  };
}
