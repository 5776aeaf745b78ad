/**
 * The event store port (DESIGN.md § Event store contract). Every adapter — PostgreSQL, embedded
 * PGlite, EventStoreDB — implements exactly this, passes the same contract suite, and lets none of
 * its own types through.
 */

/** Who did it, on whose behalf, and why: given by the caller with every new event. */
export interface EventContext {
  readonly actor: string;
  readonly agency: string;
  readonly role: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** When it happened in the world (the command's `at`). */
  readonly occurredAt: string;
}

/** What the store adds: when it recorded the event, and the hash chain. */
export interface EventMetadata extends EventContext {
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

/** An event to append. The id is the caller's: re-sending the same ids never duplicates. */
export interface NewEvent {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventContext;
}

/** An event as stored. */
export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  /** 0-based position within its stream. */
  readonly revision: number;
  /** Position in the whole store: strictly increasing in `readAll` order. */
  readonly position: bigint;
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** `no_stream`: the stream must not exist; `any`: no check; a number: the revision of the stream's last event. */
export type ExpectedRevision = 'no_stream' | 'any' | number;

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  /** The revision of the stream's last event after the append: the next append's expected revision. */
  readonly nextExpectedRevision: number;
  /** The global position of the last event appended. */
  readonly position: bigint;
  /** True when every event id was already stored: a retry after a lost reply, nothing appended. */
  readonly duplicate: boolean;
  /**
   * The events just appended, exactly as `read` returns them (revisions, positions, the store's
   * metadata, data as stored), when the adapter knows them without reading the stream again (the
   * PostgreSQL and PGlite adapter does); absent for a duplicate, which appended nothing.
   */
  readonly events?: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First revision to read (forwards) or last (backwards); default start or end. */
  readonly from?: number;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
}

export interface ReadAllOptions {
  /** Read events after this position (exclusive); default from the beginning. */
  readonly fromPosition?: bigint;
  readonly limit?: number;
}

/** Events a backlog counts at most unless told otherwise (see {@link EventStore.backlog}). */
export const BACKLOG_LIMIT = 10_000;

/** How far the log reaches past a consumer's checkpoint (see {@link EventStore.backlog}). */
export interface Backlog {
  /** Events stored after the position, up to the limit asked for. */
  readonly events: number;
  /** When the first of them was recorded (`metadata.recordedAt`); null when there is none. */
  readonly oldestRecordedAt: string | null;
}

export interface SubscribeOptions {
  /** Resume after this position (a stored checkpoint); default from the beginning. */
  readonly fromPosition?: bigint;
  readonly batchSize?: number;
}

/** A catch-up subscription to all events: yields stored events, then follows new ones live. */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  /** Stops the subscription; a pending iteration ends. */
  stop(): Promise<void>;
}

/** The event store port. */
export interface EventStore {
  /** Appends events atomically; throws `WrongExpectedRevision` on a concurrency conflict. */
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /** Reads one stream; throws `StreamNotFound` when it has no events. */
  read(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Reads all streams in global order, never skipping an event that commits later. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /**
   * The events stored after a position (at most `limit`, default {@link BACKLOG_LIMIT}), whether `readAll` gives
   * them yet or not: an event that committed after another transaction began, which `readAll` holds
   * back until that one ends, is counted. For monitoring a consumer's lag, never for reading: a
   * transaction left open anywhere on the server shows as lag that grows, not as none.
   */
  backlog(options?: ReadAllOptions): Promise<Backlog>;
  subscribeToAll(options?: SubscribeOptions): AllSubscription;
  close(): Promise<void>;
}
