import type { RecordedEvent } from '@disclosure/event-store';

/** One event of a case's history as an auditor reads it: what, who, when, and where it sits in the chain. */
export interface HistoryEntry {
  readonly revision: number;
  /** The global position, as text (a 64-bit integer). */
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly actor: string;
  readonly role: string;
  readonly agency: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** When it happened (the command's time). */
  readonly occurredAt: string;
  /** When the store recorded it. */
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/**
 * A stored event as a history entry: the metadata as stored, flattened beside the event.
 * @example historyEntry((await store.read(caseId))[0]).hash
 */
export function historyEntry(e: RecordedEvent): HistoryEntry {
  const m = e.metadata;
  return {
    revision: e.revision,
    position: e.position.toString(),
    eventId: e.id,
    type: e.type,
    version: e.version,
    data: e.data,
    actor: m.actor,
    role: m.role,
    agency: m.agency,
    correlationId: m.correlationId,
    causationId: m.causationId ?? null,
    occurredAt: m.occurredAt,
    recordedAt: m.recordedAt,
    prevHash: m.prevHash,
    hash: m.hash,
  };
}

/**
 * A stored event as one line of `events.jsonl`: the event exactly as stored (position as text), so
 * that `verifyChain` can be run on the lines alone.
 * @example JSON.stringify(storedEventJson(event))
 */
export function storedEventJson(e: RecordedEvent) {
  return { id: e.id, streamId: e.streamId, revision: e.revision, position: e.position.toString(), type: e.type, version: e.version, data: e.data, metadata: e.metadata };
}
