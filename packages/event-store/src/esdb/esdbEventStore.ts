import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  isCommandError,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type JSONType,
  type ReadPosition,
  type RecordedEvent as ClientRecordedEvent,
} from '@eventstore/db-client';
import { keepWithin } from '../bounded/keepWithin.js';
import { GENESIS_HASH, sealEvents } from '../hashChain/hashChain.js';
import { DuplicateEventId, EventStoreUnavailable, InvalidAppend, StreamNotFound, WrongExpectedRevision } from '../port/errors.js';
import { BACKLOG_LIMIT, type AllSubscription, type AppendOptions, type AppendResult, type Backlog, type EventMetadata, type EventStore, type NewEvent, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent, type SubscribeOptions } from '../port/eventStore.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ANY_RETRIES = 50;
/** Streams whose event ids this process keeps for duplicate checks (EventStoreDB has no id index). */
const KNOWN_STREAMS = 10_000;

export interface EsdbEventStoreOptions {
  /**
   * Prepended to every stream name, and only streams with it are read back from $all: one store
   * per prefix on a shared server (a test run, a tenant). Empty by default.
   */
  readonly streamPrefix?: string;
  /** The store's clock for `recordedAt`. */
  readonly now?: () => Date;
}

/** What this process knows of one stream: its ids by revision from 0 on, and where known their positions. */
interface KnownStream {
  readonly ids: string[];
  readonly revisionOf: Map<string, number>;
  readonly positions: (bigint | undefined)[];
  /** The newest event whose hash was read from the server — never one computed here — so safe to chain onto. */
  tail: Tail | undefined;
}

/** A stream's event at `revision` and the hash the server holds for it. */
interface Tail {
  readonly revision: number;
  readonly hash: string;
}

/**
 * The event store on EventStoreDB, through the official gRPC client. EventStoreDB keeps the
 * streams, the revisions and $all; this adapter adds what it lacks:
 * - the hash chain: a batch is chained onto the hash of the stream's last event as read from the
 *   server (by the caller's own read of the stream, or by the adapter just before appending) and
 *   appended with that exact expected revision, so it lands only on that event;
 * - duplicate detection by event id: EventStoreDB recognises a retry only when it is sent with the
 *   same expected revision, and keeps no index of ids, so the adapter compares the batch's ids with
 *   the stream's ids it has read (all of them, from revision 0) and with the other streams it knows.
 *
 * @example
 * const store = await EsdbEventStore.open('esdb://127.0.0.1:2113?tls=false');
 * await store.append('case-1', [event], { expectedRevision: 'no_stream' });
 */
export class EsdbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #prefix: string;
  readonly #now: () => Date;
  readonly #known = new Map<string, KnownStream>();
  /**
   * Event id → stream name, for the streams in `#known`: an id reused in another stream is refused.
   * EventStoreDB itself would store it; an id from a stream this process has not read goes undetected.
   */
  readonly #owner = new Map<string, string>();
  readonly #subscriptions = new Set<AllSubscription>();

  private constructor(client: EventStoreDBClient, options: EsdbEventStoreOptions) {
    this.#client = client;
    this.#prefix = options.streamPrefix ?? '';
    this.#now = options.now ?? (() => new Date());
  }

  /** Connects (`esdb://host:port?tls=false`, or any connection string the client accepts) and checks the server answers. */
  static async open(url: string, options: EsdbEventStoreOptions = {}): Promise<EsdbEventStore> {
    const store = new EsdbEventStore(EventStoreDBClient.connectionString(url), options);
    try {
      await translated(() => collect(store.#client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })));
    } catch (e) {
      await store.close();
      throw e;
    }
    return store;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new InvalidAppend(streamId, 'an append needs at least one event');
    const bad = events.find((e) => !UUID.test(e.id));
    if (bad) throw new InvalidAppend(streamId, `event id ${JSON.stringify(bad.id)} is not a uuid`);
    if (typeof expected === 'number' && !(Number.isInteger(expected) && expected >= 0)) throw new InvalidAppend(streamId, `expected revision ${expected} is not a revision`);
    const name = this.#prefix + streamId;
    const ids = events.map((e) => e.id.toLowerCase());

    return translated(async () => {
      for (let attempt = 0; ; attempt++) {
        const tail = attempt === 0 && typeof expected === 'number' ? (this.#knownTail(name, expected) ?? (await this.#refresh(name))) : await this.#refresh(name);
        const dup = await this.#duplicateOf(streamId, name, ids);
        if (dup) return dup;
        const current = tail?.revision ?? -1;
        if (expected === 'no_stream' ? current !== -1 : expected !== 'any' && expected !== current) {
          throw new WrongExpectedRevision(streamId, expected, current === -1 ? 'no_stream' : current);
        }
        const sealed = sealEvents(tail?.hash ?? GENESIS_HASH, events, this.#now().toISOString());
        try {
          const result = await this.#client.appendToStream(
            name,
            sealed.map((e, i) => jsonEvent({ id: ids[i]!, type: e.type, data: e.data as JSONType, metadata: { ...e.metadata, version: e.version } })),
            { expectedRevision: current === -1 ? NO_STREAM : BigInt(current) },
          );
          const revision = Number(result.nextExpectedRevision);
          const position = result.position?.commit ?? (await this.#positionOf(name, revision));
          this.#remember(name, current + 1, ids, position);
          return { nextExpectedRevision: revision, position, duplicate: false };
        } catch (e) {
          if (e instanceof MaxAppendSizeExceededError) throw new InvalidAppend(streamId, `the batch is larger than the server's maximum append size (${e.maxAppendSize} bytes)`);
          if (!(e instanceof WrongExpectedVersionError)) {
            // The batch may or may not have been written: a retry must look at the server, not at what this process knew.
            this.#forget(name);
            throw e;
          }
          if (expected === 'any' && attempt < MAX_ANY_RETRIES) continue; // the next attempt reads the new tail and looks for the batch
          // Someone else wrote first — or this very batch went through on an earlier, lost reply.
          const actual = e.actualVersion === 'no_stream' ? -1 : Number(e.actualVersion);
          if ((this.#known.get(name)?.ids.length ?? 0) - 1 < actual) await this.#refresh(name);
          const again = await this.#duplicateOf(streamId, name, ids);
          if (again) return again;
          throw new WrongExpectedRevision(streamId, expected, actual === -1 ? 'no_stream' : actual);
        }
      }
    });
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const from = options.from === undefined ? (backwards ? END : START) : BigInt(options.from);
    try {
      const read = await translated(() =>
        collect(this.#client.readStream(this.#prefix + streamId, { fromRevision: from, direction: backwards ? BACKWARDS : FORWARDS, maxCount: Math.max(limit, 1) })),
      );
      const page = read.slice(0, limit).map((r) => r.event!);
      this.#learn(this.#prefix + streamId, backwards ? [...page].reverse() : page);
      return page.map((e) => this.#recorded(e));
    } catch (e) {
      if (e instanceof StreamNotFoundError) throw new StreamNotFound(streamId);
      throw e;
    }
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.limit ?? 1000;
    const out: RecordedEvent[] = [];
    let after = options.fromPosition;
    return translated(async () => {
      while (out.length < limit) {
        // EventStoreDB reads $all from a position inclusively (hence one more); the port's position is
        // exclusive. The client sends no filter on reads: system events and other prefixes are skipped here.
        const page = Math.max(limit - out.length, this.#prefix ? 512 : 32) + 1;
        const read = await collect(this.#client.readAll({ fromPosition: after === undefined ? START : at(after), maxCount: page }));
        let last: bigint | undefined;
        for (const r of read) {
          const position = positionOf(r.event!);
          if (after !== undefined && position <= after) continue;
          last = position;
          if (this.#isOurs(r.event!)) out.push(this.#recorded(r.event!));
          if (out.length === limit) return out;
        }
        if (read.length < page || last === undefined) return out;
        after = last;
      }
      return out;
    });
  }

  /** $all holds back nothing that committed: its backlog is what readAll gives after the position. */
  async backlog(options: ReadAllOptions = {}): Promise<Backlog> {
    const events = await this.readAll({ ...options, limit: options.limit ?? BACKLOG_LIMIT });
    return { events: events.length, oldestRecordedAt: events[0]?.metadata.recordedAt ?? null };
  }

  /**
   * EventStoreDB's own catch-up subscription: it replays from the checkpoint (exclusive), then the
   * server pushes new events as they are written — no polling, filtered on the server (system
   * events, or streams outside the prefix), with gRPC flow control as backpressure; `batchSize`
   * does not apply. Chosen over the generic catchUpSubscription, which would poll readAll: EventStoreDB
   * has no change notification other than a subscription.
   */
  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const subscription = this.#client.subscribeToAll({
      fromPosition: options.fromPosition === undefined ? START : at(options.fromPosition),
      filter: this.#prefix ? streamNameFilter({ prefixes: [this.#prefix] }) : excludeSystemEvents(),
    });
    let stopped = false;
    const isOurs = (e: AllStreamRecordedEvent) => this.#isOurs(e);
    const recorded = (e: AllStreamRecordedEvent) => this.#recorded(e);
    const forget = () => this.#subscriptions.delete(handle);
    async function* events(): AsyncGenerator<RecordedEvent> {
      try {
        for await (const r of subscription) {
          if (stopped) return;
          if (r.event && isOurs(r.event)) yield recorded(r.event);
        }
      } catch (e) {
        if (stopped) return;
        throw unavailableOr(e);
      } finally {
        // A consumer that breaks out of its loop ends the subscription on the server too.
        if (!stopped) {
          stopped = true;
          forget();
          void subscription.unsubscribe();
        }
      }
    }
    const iterator = events();
    const handle: AllSubscription = {
      [Symbol.asyncIterator]: () => iterator,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        forget();
        await subscription.unsubscribe();
        // A pending next() ends when the stream is destroyed.
        subscription.destroy();
        await iterator.return(undefined);
      },
    };
    this.#subscriptions.add(handle);
    return handle;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    await this.#client.dispose();
  }

  /** The server's hash of the stream's event at `expected`, when this process read it and knows no later event. */
  #knownTail(name: string, expected: number): Tail | undefined {
    const known = this.#known.get(name);
    return known && known.ids.length - 1 === expected && known.tail?.revision === expected ? known.tail : undefined;
  }

  /**
   * Reads what is new in the stream since this process last looked — from its last known event,
   * inclusive, so the tail's hash comes from the server — and returns the tail as of this read.
   */
  async #refresh(name: string): Promise<Tail | null> {
    const known = this.#known.get(name);
    const from = known && known.ids.length > 0 ? known.ids.length - 1 : 0;
    let read: ClientRecordedEvent[];
    try {
      read = (await collect(this.#client.readStream(name, { fromRevision: BigInt(from), direction: FORWARDS }))).map((r) => r.event!);
    } catch (e) {
      if (!(e instanceof StreamNotFoundError)) throw e;
      read = [];
    }
    if (!this.#learn(name, read, from)) return this.#refresh(name);
    const last = read[read.length - 1];
    return last ? { revision: Number(last.revision), hash: metadataOf(last).metadata.hash } : null;
  }

  /**
   * Adds events read from the server (in revision order) to what this process knows of the stream.
   * False when they contradict it (the stream was deleted and written again): it is forgotten.
   */
  #learn(name: string, read: readonly ClientRecordedEvent[], expectFirstAt?: number): boolean {
    const entry = this.#touch(name);
    if (expectFirstAt !== undefined && entry.ids.length > 0 && read[0]?.id !== entry.ids[expectFirstAt]) {
      this.#forget(name);
      return false;
    }
    for (const e of read) {
      const revision = Number(e.revision);
      if (revision > entry.ids.length) break; // a gap: only a read from the last known event extends the ids
      if (revision === entry.ids.length) {
        entry.ids.push(e.id);
        entry.revisionOf.set(e.id, revision);
        entry.positions.push(e.position?.commit);
        this.#owner.set(e.id, name);
      } else if (entry.ids[revision] !== e.id) {
        this.#forget(name);
        return false;
      } else {
        entry.positions[revision] ??= e.position?.commit;
      }
      if (!entry.tail || entry.tail.revision <= revision) entry.tail = { revision, hash: metadataOf(e).metadata.hash };
    }
    return true;
  }

  /** When every id is stored, in order, in this stream: the earlier append's result. Some, or elsewhere: refused. */
  async #duplicateOf(streamId: string, name: string, ids: readonly string[]): Promise<AppendResult | null> {
    const known = this.#known.get(name);
    const revisions = ids.map((id) => known?.revisionOf.get(id) ?? -1);
    const elsewhere = ids.filter((id) => {
      const owner = this.#owner.get(id);
      return owner !== undefined && owner !== name;
    });
    if (elsewhere.length > 0) throw new DuplicateEventId(streamId, elsewhere);
    if (revisions.every((r) => r === -1)) return null;
    const consecutive = revisions.every((r, i) => r !== -1 && (i === 0 || r === revisions[i - 1]! + 1));
    if (!consecutive) throw new DuplicateEventId(streamId, ids.filter((_, i) => revisions[i] !== -1));
    const revision = revisions[revisions.length - 1]!;
    const position = known!.positions[revision] ?? (await this.#positionOf(name, revision));
    return { nextExpectedRevision: revision, position, duplicate: true };
  }

  async #positionOf(name: string, revision: number): Promise<bigint> {
    const [r] = await collect(this.#client.readStream(name, { fromRevision: BigInt(revision), maxCount: 1 }));
    return positionOf(r!.event!);
  }

  #remember(name: string, firstRevision: number, ids: readonly string[], lastPosition: bigint): void {
    const entry = this.#touch(name);
    if (entry.ids.length !== firstRevision) return; // a refresh already saw these, or this process missed some
    ids.forEach((id, i) => {
      entry.revisionOf.set(id, entry.ids.length);
      entry.ids.push(id);
      entry.positions.push(i === ids.length - 1 ? lastPosition : undefined);
      this.#owner.set(id, name);
    });
  }

  /** The stream's entry, most recently used last; the least recently used is dropped past the limit. */
  #touch(name: string): KnownStream {
    const entry = this.#known.get(name) ?? { ids: [], revisionOf: new Map(), positions: [], tail: undefined };
    this.#known.delete(name);
    this.#known.set(name, entry);
    keepWithin(this.#known, KNOWN_STREAMS, (dropped, was) => this.#disown(dropped, was));
    return entry;
  }

  #forget(name: string): void {
    const entry = this.#known.get(name);
    this.#known.delete(name);
    if (entry) this.#disown(name, entry);
  }

  /** The event ids of a stream no longer known stop pointing at it. */
  #disown(name: string, entry: KnownStream): void {
    for (const id of entry.ids) if (this.#owner.get(id) === name) this.#owner.delete(id);
  }

  /** Not a system event (`$`-typed: settings, stats, links, metadata) and in this store's streams. */
  #isOurs(e: ClientRecordedEvent): boolean {
    return !e.type.startsWith('$') && e.streamId.startsWith(this.#prefix);
  }

  #recorded(e: ClientRecordedEvent): RecordedEvent {
    const { version, metadata } = metadataOf(e);
    return {
      id: e.id,
      streamId: e.streamId.slice(this.#prefix.length),
      revision: Number(e.revision),
      position: positionOf(e),
      type: e.type,
      version,
      data: e.data,
      metadata,
    };
  }
}

/** Our metadata JSON is the event's EventMetadata plus its schema `version`. */
function metadataOf(e: ClientRecordedEvent): { version: number; metadata: EventMetadata } {
  const raw = (e.metadata ?? {}) as Partial<EventMetadata> & { version?: unknown };
  const { version, ...metadata } = raw;
  return { version: typeof version === 'number' ? version : 0, metadata: metadata as EventMetadata };
}

/** The event's commit position: its position in $all (EventStoreDB 22.10+ sends it on stream reads too). */
function positionOf(e: ClientRecordedEvent): bigint {
  if (!e.position) throw new Error(`EventStoreDB sent event ${e.id} without its $all position (the server must be 22.10 or later)`);
  return e.position.commit;
}

/** A position taken from one of our events: written by one gRPC append, its commit and prepare positions are equal. */
function at(position: bigint): ReadPosition {
  return { commit: position, prepare: position };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

const UNAVAILABLE = new Set(['unavailable', 'deadline-exceeded', 'cancelled', 'not-leader']);

function unavailableOr(e: unknown): unknown {
  return e instanceof Error && isCommandError(e) && UNAVAILABLE.has(e.type) ? new EventStoreUnavailable(e) : e;
}

/** Runs a store operation; a server that cannot be reached becomes {@link EventStoreUnavailable}. */
async function translated<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    throw unavailableOr(e);
  }
}
