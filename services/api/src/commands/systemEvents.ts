import { profileById, type IsoDate } from '@disclosure/calendar';
import { foldCase, initialCaseState, localDate, parseCaseEvent, type CaseEvent, type CaseState, type ClockFacts } from '@disclosure/domain';
import { StreamNotFound, WrongExpectedRevision, type EventStore, type NewEvent } from '@disclosure/event-store';

/** The role the engine's own writers act in (metadata `role`): the deadline clock, the referral reactor. */
export const SYSTEM_ROLE = 'system';

/** How many times a system writer re-reads a case that another writer changed under it. */
const ATTEMPTS = 5;

/** Who records a system event, when, in answer to what, and the id each event gets. */
export interface SystemWrite {
  /** Metadata `actor` (the writer's name: `deadline-clock`, `referrals`); the role is `system`. */
  readonly actor: string;
  /** When, as an ISO instant (metadata `occurredAt`). */
  readonly at: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The event's id, derived from what it records, so that a decision made twice is stored once. */
  readonly eventId: (event: CaseEvent) => string;
}

/**
 * Records what a system writer (the deadline clock, the referral reactor) decides on a case, not a
 * command: loads the case, asks `decide` (a pure domain function) what to record, and appends that
 * at the revision it read; again from a fresh read when another writer got there first. Events are
 * zod-validated like any case event. Answers the events appended (0 when `decide` had nothing, the
 * case does not exist, or the same ids were stored already), or `contended` after repeated
 * concurrent writes, for the caller to retry later.
 * @example await recordSystemEvents(store, caseId, { actor: 'deadline-clock', at, correlationId, causationId: null, eventId }, (state) => deadlineAlerts(state, today, [5, 1], ctx))
 */
export async function recordSystemEvents(store: EventStore, caseId: string, write: SystemWrite, decide: (state: CaseState) => readonly CaseEvent[]): Promise<number | 'contended'> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let stored;
    try {
      stored = await store.read(caseId);
    } catch (e) {
      if (e instanceof StreamNotFound) return 0;
      throw e;
    }
    const state = foldCase(stored.map((e) => parseCaseEvent(e)), initialCaseState());
    const decided = decide(state);
    if (decided.length === 0) return 0;
    foldCase(decided, state); // the workflow takes them here, or nothing is written (a stream that would not replay)
    const events: NewEvent[] = decided.map((e) => {
      const valid = parseCaseEvent({ type: e.type, version: e.version, data: e.data });
      return { id: write.eventId(valid), type: valid.type, version: valid.version, data: valid.data, metadata: { actor: write.actor, agency: state.agency!, role: SYSTEM_ROLE, correlationId: write.correlationId, causationId: write.causationId, occurredAt: write.at } };
    });
    try {
      const r = await store.append(caseId, events, { expectedRevision: stored[stored.length - 1]!.revision });
      return r.duplicate ? 0 : events.length;
    } catch (e) {
      if (!(e instanceof WrongExpectedRevision)) throw e;
    }
  }
  return 'contended';
}

/**
 * A case's today at an instant: the date in its profile's time zone (the law counts local days).
 * @example caseToday(state.clock, '2025-10-08T18:00:00Z') // '2025-10-09' for a case in Beijing
 */
export function caseToday(clock: ClockFacts, at: string): IsoDate {
  return localDate(at, profileById(clock.profileId).timeZone);
}
