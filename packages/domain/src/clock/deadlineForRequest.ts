import { profileById, type CalendarRegistry, type IsoDate } from '@disclosure/calendar';
import type { ClockFacts } from './clockFacts.js';
import { computeDeadline, type Deadline } from './statutoryClock.js';

/** A due-date question without a case: a profile, a receipt day, and optionally a different count or an extension. */
export interface DeadlineQuestion {
  readonly profile: string;
  readonly received: IsoDate;
  /** Count this many units of the profile's period instead of its statutory length. */
  readonly days?: number;
  /** An extension of this many units, approved on the receipt day. */
  readonly extension?: number;
  readonly explain?: boolean;
}

/**
 * The due date for a request received on a day under a profile, as the clock computes it for a
 * case with no pauses (the `disclosure deadline` command and quick look-ups).
 * @example deadlineForRequest({ profile: 'CN-2019', received: '2025-09-26' }, builtinCalendars()).dueDate // '2025-10-30'
 */
export function deadlineForRequest(q: DeadlineQuestion, calendars: CalendarRegistry): Deadline {
  const statutory = profileById(q.profile);
  const profile = q.days === undefined ? statutory : { ...statutory, period: { ...statutory.period, amount: q.days } };
  const extensionKind = profile.extensions[0]?.kind;
  if (q.extension !== undefined && extensionKind === undefined) throw new RangeError(`${profile.id} has no extension`);
  const facts: ClockFacts = {
    profileId: profile.id,
    receivedOn: q.received,
    countFrom: q.received,
    awaitingCorrection: false,
    pauses: [],
    extensions: q.extension ? [{ kind: extensionKind!, amount: q.extension, approvedOn: q.received }] : [],
  };
  return computeDeadline(facts, { profile, calendar: calendars.current(profile.calendarId), explain: q.explain ?? false });
}
