/**
 * The double's "database": one in-memory transaction log with a per-stream index. It keeps the
 * rules of EventStoreDB that clients can observe (IndexWriter.CheckCommit and the $all readers):
 * expected-version checks, idempotent retries by event id, and $all positions that only grow.
 * It is a test double, not EventStoreDB: nothing is durable, nothing is replicated.
 */

/** How an append states what it expects of the stream (EventStoreDB's ExpectedVersion). */
export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

/** An event as a client proposes it. */
export interface ProposedEvent {
  /** Lower-case uuid. */
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** An event in the log. Written by one gRPC append, so its commit and prepare positions are equal. */
export interface StoredEvent extends ProposedEvent {
  readonly stream: string;
  readonly revision: bigint;
  readonly position: bigint;
  /** Ticks (100 ns) since the Unix epoch, as EventStoreDB's `created` metadata. */
  readonly created: bigint;
}

export type AppendOutcome =
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: bigint; readonly position: bigint }
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint | 'no_stream' }
  | { readonly kind: 'too_large'; readonly maxAppendSize: number };

/** A position in $all as EventStoreDB compares them: commit first, then prepare. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** EventStoreDB's default MaxAppendSize (1 MiB). */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

/** Fixed part of a prepare record in the log: the positions jump by at least this much per event. */
const RECORD_OVERHEAD = 96n;

const utf8 = new TextEncoder();

/** The size EventStoreDB counts against MaxAppendSize: data, metadata and the event type. */
export function sizeOnDisk(e: ProposedEvent): number {
  return e.data.length + e.metadata.length + utf8.encode(e.type).length * 2;
}

function compare(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export class TransactionLog {
  readonly #all: StoredEvent[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  /** EventStoreDB's committed-events cache (bounded there, complete here). */
  readonly #byId = new Map<string, StoredEvent>();
  #nextPosition: bigint;
  #appended: { promise: Promise<void>; resolve: () => void };

  constructor(readonly maxAppendSize: number = DEFAULT_MAX_APPEND_SIZE, firstPosition = 0n) {
    this.#nextPosition = firstPosition;
    this.#appended = TransactionLog.#signal();
  }

  static #signal() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  }

  /** Resolves at the next append. */
  nextAppend(): Promise<void> {
    return this.#appended.promise;
  }

  /** Every event in $all order. */
  get all(): readonly StoredEvent[] {
    return this.#all;
  }

  stream(name: string): readonly StoredEvent[] | undefined {
    return this.#streams.get(name);
  }

  /** The stream's last revision, -1 when it has no events. */
  currentVersion(name: string): bigint {
    const events = this.#streams.get(name);
    return events ? BigInt(events.length - 1) : -1n;
  }

  /** Appends atomically under EventStoreDB's commit check (IndexWriter.CheckCommit). */
  append(stream: string, expected: ExpectedState, events: readonly ProposedEvent[], now = new Date()): AppendOutcome {
    const size = events.reduce((s, e) => s + sizeOnDisk(e), 0);
    if (size > this.maxAppendSize) return { kind: 'too_large', maxAppendSize: this.maxAppendSize };
    const current = this.currentVersion(stream);
    const wrong = { kind: 'wrong_expected_version', current: current < 0n ? 'no_stream' : current } as const;

    if (expected.kind === 'stream_exists' && current < 0n) return wrong;
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Idempotent when every id is already stored in this stream; a partial match is corrupted idempotency.
      const found = events.map((e) => this.#byId.get(e.id));
      const inStream = found.map((f) => f !== undefined && f.stream === stream);
      if (events.length > 0 && inStream[0]) {
        if (!inStream.every(Boolean)) return wrong;
        const last = found[found.length - 1]!;
        return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
      }
      return this.#write(stream, current, events, now);
    }

    const expectedVersion = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedVersion < current) {
      // A retry of events already written after the expected version: idempotent if they match in order.
      const existing = this.#streams.get(stream) ?? [];
      for (const [i, e] of events.entries()) {
        const at = existing[Number(expectedVersion) + 1 + i];
        if (at?.id === e.id) continue;
        return wrong; // first mismatch: wrong expected version; a later one: corrupted idempotency, answered the same way
      }
      if (events.length === 0) return wrong;
      const last = existing[Number(expectedVersion) + events.length]!;
      return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
    }
    if (expectedVersion > current) return wrong;
    return this.#write(stream, current, events, now);
  }

  #write(stream: string, current: bigint, events: readonly ProposedEvent[], now: Date): AppendOutcome {
    if (events.length === 0) return { kind: 'written', lastRevision: current, position: this.#nextPosition };
    const list = this.#streams.get(stream) ?? [];
    this.#streams.set(stream, list);
    const created = BigInt(now.getTime()) * 10_000n;
    let last!: StoredEvent;
    for (const [i, e] of events.entries()) {
      last = { ...e, stream, revision: current + 1n + BigInt(i), position: this.#nextPosition, created };
      this.#nextPosition += RECORD_OVERHEAD + BigInt(utf8.encode(stream).length + e.data.length + e.metadata.length + utf8.encode(e.type).length);
      list.push(last);
      this.#all.push(last);
      this.#byId.set(e.id, last);
    }
    const signal = this.#appended;
    this.#appended = TransactionLog.#signal();
    signal.resolve();
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  /** Index in $all of the first event at or after `from` (forwards reads are inclusive). */
  indexAtOrAfter(from: LogPosition): number {
    let lo = 0;
    let hi = this.#all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = this.#all[mid]!.position;
      if (compare({ commit: p, prepare: p }, from) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index in $all of the first event strictly after `from` (subscriptions start after their checkpoint). */
  indexAfter(from: LogPosition): number {
    let i = this.indexAtOrAfter(from);
    while (i < this.#all.length && compare({ commit: this.#all[i]!.position, prepare: this.#all[i]!.position }, from) <= 0) i++;
    return i;
  }
}
