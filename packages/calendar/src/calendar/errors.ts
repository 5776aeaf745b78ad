import type { IsoDate } from '../dates/isoDate.js';

/** A date lies outside the span a calendar indexes (1990–2150). */
export class DateOutOfCalendarRange extends Error {
  override readonly name = 'DateOutOfCalendarRange';
  constructor(readonly calendarId: string, readonly date: IsoDate | number, readonly range: { from: IsoDate; to: IsoDate }) {
    super(`${String(date)} is outside calendar ${calendarId}'s range ${range.from}…${range.to}`);
  }
}

/** Calendar data names one date both a holiday and a working day. */
export class ConflictingCalendarEntry extends Error {
  override readonly name = 'ConflictingCalendarEntry';
  constructor(readonly calendarId: string, readonly date: IsoDate) {
    super(`calendar ${calendarId} lists ${date} both as a holiday and as a make-up working day`);
  }
}

/** No calendar (or no such version of it) is known. */
export class UnknownCalendar extends Error {
  override readonly name = 'UnknownCalendar';
  constructor(readonly calendarId: string, readonly version?: string) {
    super(version ? `calendar ${calendarId} has no version ${version}` : `unknown calendar ${calendarId}`);
  }
}

/** An amendment names a calendar other than the one it is loaded into. */
export class CalendarIdMismatch extends Error {
  override readonly name = 'CalendarIdMismatch';
  constructor(readonly calendarId: string, readonly amendmentId: string) {
    super(`the amendment is for calendar ${amendmentId}, not ${calendarId}: a regional calendar is not used by any profile, so it is not stored`);
  }
}
