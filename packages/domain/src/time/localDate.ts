import { DateTime } from 'luxon';
import type { IsoDate } from '@disclosure/calendar';

/**
 * The calendar date of an instant in a zone: the agency's day, which is what the law counts.
 * @example localDate('2025-09-26T17:30:00Z', 'Asia/Shanghai') // '2025-09-27'
 */
export function localDate(at: string, timeZone: string): IsoDate {
  const dt = DateTime.fromISO(at, { setZone: true });
  if (!dt.isValid) throw new RangeError(`not an ISO instant: ${at}`);
  return dt.setZone(timeZone).toISODate()!;
}
