import { evolve, initialCaseState, parseCaseEvent, type CaseState } from '@disclosure/domain';
import type { RecordedEvent } from '@disclosure/event-store';

/** The instants of an as-of question: valid time (`at`, when things happened) and, optionally, transaction time (`known`, when the system recorded them). */
export interface AsOfQuery {
  /** Events that occurred at or before this instant (their `occurredAt`). */
  readonly at: string;
  /** "As the system knew it then": only events also recorded at or before this instant (their `recordedAt`). */
  readonly known?: string;
}

/** A case rebuilt as it stood at an instant. */
export interface CaseAsOf {
  readonly state: CaseState;
  /** The events replayed, in stream order. */
  readonly events: readonly RecordedEvent[];
  /** The revision of the last event replayed. */
  readonly revision: number;
  /** Events of the stream left out: they occurred (or were recorded) after the instants asked for. */
  readonly notYet: number;
}

/** No event of the case had occurred (or been recorded) by the instants asked for. */
export class CaseDidNotExistYet extends Error {
  override readonly name = 'CaseDidNotExistYet';
  constructor(
    readonly query: AsOfQuery,
    readonly firstOccurredAt: string,
    readonly firstRecordedAt: string,
  ) {
    super(`the case was received at ${firstOccurredAt} and recorded at ${firstRecordedAt}: nothing of it is known at ${query.at}${query.known ? ` as known at ${query.known}` : ''}`);
  }
}

/**
 * The events selected for an instant do not replay: an event's data no longer matches its schema
 * (a row edited in the database), or it needs an event that is left out (its times contradict the
 * order of the stream). Verify the chain to see which.
 */
export class HistoryNotReplayable extends Error {
  override readonly name = 'HistoryNotReplayable';
  constructor(
    readonly revision: number,
    readonly eventId: string,
    readonly eventType: string,
    readonly reason: string,
  ) {
    super(`event ${revision} (${eventType}) does not replay: ${reason}`);
  }
}

/**
 * Rebuilds a case as it stood at `query.at` by replaying, in stream order, the events that had
 * occurred by then (and with `query.known`, that had also been recorded by then): the same
 * fold every command and projection uses, so the answer is the case a caseworker saw that day.
 * @example caseAsOf(await store.read(caseId), { at: '2025-10-09T18:00:00+08:00' }).state.status // 'processing'
 */
export function caseAsOf(events: readonly RecordedEvent[], query: AsOfQuery): CaseAsOf {
  const occurredBy = notAfter(query.at);
  const recordedBy = query.known === undefined ? () => true : notAfter(query.known);
  const replayed: RecordedEvent[] = [];
  let state = initialCaseState();
  for (const e of events) {
    if (!(occurredBy(e.metadata.occurredAt) && recordedBy(e.metadata.recordedAt))) continue;
    try {
      state = evolve(state, parseCaseEvent(e));
    } catch (error) {
      throw new HistoryNotReplayable(e.revision, e.id, e.type, whyNot(error));
    }
    replayed.push(e);
  }
  const last = replayed[replayed.length - 1];
  if (!last) {
    const first = events[0]!;
    throw new CaseDidNotExistYet(query, first.metadata.occurredAt, first.metadata.recordedAt);
  }
  return { state, events: replayed, revision: last.revision, notYet: events.length - replayed.length };
}

/** The form `Date.toISOString` gives (what the store and the API stamp events with): such stamps compare as text. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Whether a stamp is at or before an instant. Stamps in the canonical form are compared as text,
 * which orders them as time does and saves a date parse per event (a 1,000-event replay parses 2,000
 * of them); any other form (an offset, a stamp edited in the database) is parsed; one that does not
 * parse is never "at or before".
 */
function notAfter(instant: string): (stamp: string) => boolean {
  const ms = Date.parse(instant);
  const bound = Number.isNaN(ms) ? '' : new Date(ms).toISOString();
  const asText = CANONICAL.test(bound);
  return (stamp) => (asText && CANONICAL.test(stamp) ? stamp <= bound : Date.parse(stamp) <= ms);
}

/** Why an event did not replay, in one line: the fields its data gets wrong, or the workflow's refusal. */
function whyNot(error: unknown): string {
  // matched by shape, not class: a second copy of zod in node_modules would make instanceof fail silently
  const issues = (error as { issues?: unknown }).issues;
  if (Array.isArray(issues)) return `its data does not match its schema (${(issues as { path: PropertyKey[]; message: string }[]).map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).join('; ')})`.slice(0, 500);
  return error instanceof Error ? error.message : String(error);
}
