import { keepWithin } from '../bounded/keepWithin.js';
import { GENESIS_HASH, sealEvents, type SealedEvent } from '../hashChain/hashChain.js';
import { DuplicateEventId, EventStoreUnavailable, InvalidAppend, StreamNotFound, WrongExpectedRevision } from '../port/errors.js';
import { BACKLOG_LIMIT, type AllSubscription, type AppendOptions, type AppendResult, type Backlog, type EventMetadata, type EventStore, type NewEvent, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent, type SubscribeOptions } from '../port/eventStore.js';
import { catchUpSubscription } from '../subscriptions/catchUpSubscription.js';
import { assertSchemaName, eventStoreDdl, MAX_BATCH, POSITION_SHIFT } from './schema.js';
import { binaryInt4Array, binaryTextArray, binaryUuidArray } from './binaryArray.js';
import { GroupCommitter, type GroupCommitOptions } from './groupCommit.js';
import { sqlErrorOf, type SqlDatabase, type SqlSession } from './sqlClient.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TAIL_CACHE_SIZE = 50_000;
const MAX_ANY_RETRIES = 50;
/**
 * Least time between the starts of two wake-up NOTIFYs while appends keep coming (see
 * #wakeSubscribers): a quiet store's first append is announced at once, a busy one's ≤ 100 times a second.
 */
const NOTIFY_GAP_MS = 10;

interface Row {
  position: string | number | bigint;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  version: number;
  data: unknown;
  metadata: EventMetadata;
}

interface Tail {
  readonly revision: number;
  readonly hash: string;
}

export interface PostgresEventStoreOptions {
  /** Schema holding the events table (one per test, one per tenant if wanted). */
  readonly schema?: string;
  /** The store's clock for `recordedAt`. */
  readonly now?: () => Date;
  /**
   * Group commit (groupCommit.ts): appends to different streams that arrive while earlier ones are
   * being written share one statement and one commit. On by default; `false` sends each append alone.
   */
  readonly groupCommit?: GroupCommitOptions | false;
}

const KEY_COLUMNS = 'position, stream_id, revision, event_id, type, version';
const COLUMNS = `${KEY_COLUMNS}, data, metadata`;
/** A catch-up read's columns: the marker event before the first one asked for (revision $2) comes without its payload. */
const CATCH_UP_COLUMNS = `${KEY_COLUMNS}, CASE WHEN revision > $2 THEN data END AS data, CASE WHEN revision > $2 THEN metadata END AS metadata`;

/**
 * The event store on PostgreSQL — a server through `pg`, or embedded PGlite — with one SQL path.
 * An append is one INSERT statement: the batch is chained onto the stream's last hash (known from
 * a recent read or write, or looked up), guarded by that event's revision and hash, and the
 * (stream, revision) and event-id unique constraints decide conflicts and retries.
 *
 * @example
 * const store = await PostgresEventStore.open(pgDatabase(pool), { schema: 'disclosure' });
 * await store.append('case-1', [event], { expectedRevision: 'no_stream' });
 */
export class PostgresEventStore implements EventStore {
  readonly #db: SqlDatabase;
  readonly #schema: string;
  readonly #now: () => Date;
  readonly #tails = new Map<string, Tail>();
  readonly #insertOneSql: string;
  readonly #insertArraysSql: string;
  readonly #insertJsonSql: string;
  readonly #committer: GroupCommitter<Pending, Inserted | null> | undefined;
  readonly #channel: string;
  #notifying = false;
  #notifyAgain = false;
  #notifiedAt = -Infinity;

  private constructor(db: SqlDatabase, schema: string, now: () => Date, groupCommit: GroupCommitOptions | false) {
    this.#db = db;
    this.#schema = schema;
    this.#now = now;
    this.#channel = `${schema}_events`;
    // Each statement inserts appends chained onto their streams' last events, each guarded by that
    // event's revision and hash (a new stream: -1 and NULL, no guard): an append whose guard fails
    // is left out — the others go in — and is retried by `append`. Event k (1-based) of an append
    // after revision r gets revision r + k; the statement's i-th event, position xid × 65536 + i.
    // A single event — most appends — goes as plain parameters. Otherwise the appends go as arrays in
    // binary format, one per column, where the session can send them; else (PGlite), and for events
    // the arrays cannot carry exactly as the JSON does (see plainEvent), as JSON documents. The
    // statement returns, per stream, how many events went in and the last one's position.
    const guard = (a: string) => `${a}.guard IS NULL OR EXISTS (SELECT 1 FROM ${schema}.events p WHERE p.stream_id = ${a}.stream_id AND p.revision = ${a}.after AND p.hash = ${a}.guard)`;
    const into = `INSERT INTO ${schema}.events (position, stream_id, revision, event_id, type, version, data, metadata, hash)`;
    const many = (appends: string, events: string) => `
      WITH a AS (SELECT a.n, a.stream_id, a.after FROM ${appends} WHERE ${guard('a')}),
      inserted AS (
        ${into}
        SELECT x.base + e.ord, a.stream_id, a.after + e.k, e.id, e.type, e.version, e.data, e.metadata, e.hash
        FROM (SELECT pg_current_xact_id()::text::bigint * ${POSITION_SHIFT} AS base) x, ${events} JOIN a ON a.n = e.n
        RETURNING position, stream_id)
      SELECT stream_id, count(*)::int AS inserted, max(position)::text AS position FROM inserted GROUP BY stream_id`;
    this.#insertOneSql = `
      ${into}
      SELECT pg_current_xact_id()::text::bigint * ${POSITION_SHIFT} + 1, $1, $2::int + 1, $3::uuid, $4::text, $5::int, $6::json, $7::json, $8::text
      WHERE $9::text IS NULL OR EXISTS (SELECT 1 FROM ${schema}.events WHERE stream_id = $1 AND revision = $2 AND hash = $9)
      RETURNING position`;
    this.#insertArraysSql = many(
      'unnest($1::text[], $2::int[], $3::text[]) WITH ORDINALITY AS a(stream_id, after, guard, n)',
      'unnest($4::int[], $5::int[], $6::uuid[], $7::text[], $8::int[], $9::json[], $10::json[], $11::text[]) WITH ORDINALITY AS e(n, k, id, type, version, data, metadata, hash, ord)',
    );
    this.#insertJsonSql = many(
      'json_to_recordset($1::json) AS a(n int, stream_id text, after int, guard text)',
      'json_to_recordset($2::json) AS e(n int, k int, ord int, id uuid, type text, version int, data json, metadata json, hash text)',
    );
    this.#committer = groupCommit === false ? undefined : new GroupCommitter((jobs) => this.#insertMany(jobs), (job) => this.#insertAlone(job), groupCommit);
  }

  /** Creates the schema if needed (one process at a time) and returns a store on it. */
  static async open(db: SqlDatabase, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const schema = assertSchemaName(options.schema ?? 'disclosure');
    await unavailableOnConnectionError(() =>
      db.transaction(async (s) => {
        await s.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${schema}.events ddl`]);
        await s.execute(eventStoreDdl(schema));
      }),
    );
    return PostgresEventStore.attach(db, options);
  }

  /** A store on a schema that already exists (no DDL, no locks). */
  static attach(db: SqlDatabase, options: PostgresEventStoreOptions = {}): PostgresEventStore {
    return new PostgresEventStore(db, assertSchemaName(options.schema ?? 'disclosure'), options.now ?? systemClock, options.groupCommit ?? {});
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new InvalidAppend(streamId, 'an append needs at least one event');
    if (events.length > MAX_BATCH) throw new InvalidAppend(streamId, `at most ${MAX_BATCH} events per append`);
    const bad = events.find((e) => !UUID.test(e.id));
    if (bad) throw new InvalidAppend(streamId, `event id ${JSON.stringify(bad.id)} is not a uuid`);
    if (typeof expected === 'number' && !(Number.isInteger(expected) && expected >= 0)) throw new InvalidAppend(streamId, `expected revision ${expected} is not a revision`);
    return unavailableOnConnectionError(async () => {
      for (let attempt = 0; ; attempt++) {
        // a remembered tail the stream no longer has (an edit behind the store's back) is looked up once more
        const remembered = typeof expected === 'number' && this.#tails.get(streamId)?.revision === expected;
        const tail = await this.#tailFor(streamId, expected);
        if (tail === 'missing') {
          const dup = await this.#duplicateOf(streamId, events);
          if (dup) return dup;
          throw new WrongExpectedRevision(streamId, expected, await this.#actualRevision(streamId));
        }
        const sealed = sealEvents(tail?.hash ?? GENESIS_HASH, events, this.#now === systemClock ? systemTimestamp() : this.#now().toISOString());
        let inserted: Inserted | null;
        try {
          inserted = await this.#insert(pendingAppend(streamId, tail, sealed));
        } catch (e) {
          if (sqlErrorOf(e).code !== '23505') throw e;
          inserted = null;
        }
        if (inserted !== null) {
          const last = sealed[sealed.length - 1]!;
          const revision = (tail?.revision ?? -1) + events.length;
          this.#remember(streamId, { revision, hash: last.metadata.hash });
          this.#wakeSubscribers();
          const position = BigInt(inserted.position);
          const result: AppendResult = { nextExpectedRevision: revision, position, duplicate: false };
          return inserted.sent ? withRecorded(result, () => recordedOf(streamId, tail, sealed, inserted.sent!, position)) : result;
        }
        this.#tails.delete(streamId);
        const dup = await this.#duplicateOf(streamId, events);
        if (dup) return dup;
        if (expected === 'any' ? attempt >= MAX_ANY_RETRIES : !remembered) throw new WrongExpectedRevision(streamId, expected, await this.#actualRevision(streamId));
      }
    });
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const limit = options.limit ?? 2_147_483_647;
    const from = options.from ?? (backwards ? 2_147_483_647 : 0);
    // A forward read from a later revision (a reader catching up on a stream it read before) also fetches the
    // event just before it: when nothing newer is stored, that event says the stream exists, in the same round trip
    // (its data and metadata are not sent: a reader that is caught up gets one row of a few columns).
    const marker = !backwards && from > 0 ? 1 : 0;
    const page = async () => {
      const r = await unavailableOnConnectionError(() =>
        this.#db.query<Row>(
          `SELECT ${marker === 1 ? CATCH_UP_COLUMNS : COLUMNS} FROM ${this.#schema}.events WHERE stream_id = $1 AND revision ${backwards ? '<=' : '>='} $2 ORDER BY revision ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
          [streamId, from - marker, Math.min(limit + marker, 2_147_483_647)],
        ),
      );
      const exists = marker === 1 && r.rows.length > 0 && Number(r.rows[0]!.revision) === from - 1;
      return { rows: exists ? r.rows.slice(1) : r.rows, exists };
    };
    let rows = await page();
    if (rows.rows.length === 0 && !rows.exists) {
      if ((await this.#actualRevision(streamId)) === 'no_stream') throw new StreamNotFound(streamId);
      rows = await page(); // the stream's first append committed between the two queries
    }
    const events = rows.rows.map(toRecorded);
    if (events.length === 0) return events;
    const newest = backwards ? events[0]! : events[events.length - 1]!;
    const known = this.#tails.get(streamId);
    if (!known || known.revision < newest.revision) this.#remember(streamId, { revision: newest.revision, hash: newest.metadata.hash });
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const rows = await unavailableOnConnectionError(() =>
      this.#db.query<Row>(
        `SELECT ${COLUMNS} FROM ${this.#schema}.events
         WHERE position > $1 AND position < pg_snapshot_xmin(pg_current_snapshot())::text::bigint * ${POSITION_SHIFT}
         ORDER BY position LIMIT $2`,
        [String(options.fromPosition ?? -1n), options.limit ?? 1000],
      ),
    );
    return rows.rows.map(toRecorded);
  }

  async backlog(options: ReadAllOptions = {}): Promise<Backlog> {
    const limit = options.limit ?? BACKLOG_LIMIT;
    if (!(limit > 0)) return { events: 0, oldestRecordedAt: null }; // nothing counted: no oldest either, as on every adapter
    // committed rows past the position, readable or not: no snapshot bound, unlike readAll
    const after = `FROM ${this.#schema}.events WHERE position > $1`;
    const r = await unavailableOnConnectionError(() =>
      this.#db.query<{ events: number; oldest: string | null }>(
        `SELECT (SELECT count(*)::int FROM (SELECT 1 ${after} ORDER BY position LIMIT $2) b) AS events,
                (SELECT metadata->>'recordedAt' ${after} ORDER BY position LIMIT 1) AS oldest`,
        [String(options.fromPosition ?? -1n), limit],
      ),
    );
    return { events: r.rows[0]!.events, oldestRecordedAt: r.rows[0]!.oldest };
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    return catchUpSubscription((o) => this.readAll(o), (onChange) => this.#db.listen(this.#channel, onChange), options);
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  /** Forgets what it knows of stream tails (tests use it to force the look-up path). */
  forgetTails(): void {
    this.#tails.clear();
  }

  /** Inserts an append (grouped with others' when it can be); its last event's position and what was sent, or null when its guard found another tail. */
  #insert(append: Pending): Promise<Inserted | null> {
    const grouped = append.plain ? this.#committer?.submit(append.streamId, append, append.sealed.length, append.bytes) : undefined;
    return grouped ?? this.#insertAlone(append);
  }

  /** One append in a statement of its own. */
  async #insertAlone(append: Pending): Promise<Inserted | null> {
    const { streamId, tail, sealed } = append;
    if (append.plain && sealed.length === 1) {
      const e = sealed[0]!;
      const r = await this.#db.query<{ position: string }>(this.#insertOneSql, [streamId, tail?.revision ?? -1, e.id, e.type, e.version, append.data[0], append.metadata[0], e.metadata.hash, tail?.hash ?? null]);
      return r.rows.length === 1 ? { position: r.rows[0]!.position, ...sentOf(append) } : null;
    }
    return (await this.#insertMany([append]))[0]!;
  }

  /** Appends to distinct streams in one statement: each one's outcome, in order. */
  async #insertMany(appends: readonly Pending[]): Promise<(Inserted | null)[]> {
    const r = await this.#db.query<{ stream_id: string; inserted: number; position: string }>(...this.#manyStatement(appends));
    const byStream = new Map(r.rows.map((row) => [row.stream_id, row]));
    return appends.map((a) => {
      const row = byStream.get(a.streamId);
      return row?.inserted === a.sealed.length ? { position: row.position, ...sentOf(a) } : null;
    });
  }

  /** The statement inserting `appends`: binary arrays where the session sends them and the events are plain, else JSON documents. */
  #manyStatement(appends: readonly Pending[]): [string, unknown[]] {
    const heads = appends.map((a) => ({ stream_id: a.streamId, after: a.tail?.revision ?? -1, guard: a.tail?.hash ?? null }));
    if (this.#db.binaryParameters && appends.every((a) => a.plain)) {
      const column = <T>(pick: (e: SealedEvent, k: number, n: number, a: Pending) => T) => appends.flatMap((a, n) => a.sealed.map((e, k) => pick(e, k + 1, n + 1, a)));
      return [
        this.#insertArraysSql,
        [
          heads.map((h) => h.stream_id),
          heads.map((h) => h.after),
          heads.map((h) => h.guard),
          binaryInt4Array(column((_e, _k, n) => n)),
          binaryInt4Array(column((_e, k) => k)),
          binaryUuidArray(column((e) => e.id)),
          binaryTextArray('text', column((e) => e.type)),
          binaryInt4Array(column((e) => e.version)),
          binaryTextArray('json', column((_e, k, _n, a) => a.data[k - 1]!)),
          binaryTextArray('json', column((_e, k, _n, a) => a.metadata[k - 1]!)),
          binaryTextArray('text', column((e) => e.metadata.hash)),
        ],
      ];
    }
    // The server takes these documents apart. A plain event's data and metadata come out as the
    // texts JSON.stringify gave (a json value keeps its text); what it stores of another is its business.
    let ord = 0;
    const events = appends.flatMap((a, n) => a.sealed.map((e, k) => ({ n: n + 1, k: k + 1, ord: ++ord, id: e.id, type: e.type, version: e.version, data: e.data, metadata: e.metadata, hash: e.metadata.hash })));
    return [this.#insertJsonSql, [JSON.stringify(heads.map((h, n) => ({ n: n + 1, ...h }))), JSON.stringify(events)]];
  }

  async #tailFor(streamId: string, expected: AppendOptions['expectedRevision']): Promise<Tail | null | 'missing'> {
    if (expected === 'no_stream') return null;
    if (typeof expected === 'number') {
      const known = this.#tails.get(streamId);
      if (known?.revision === expected) return known;
      const r = await this.#db.query<{ hash: string }>(`SELECT hash FROM ${this.#schema}.events WHERE stream_id = $1 AND revision = $2`, [streamId, expected]);
      return r.rows[0] ? { revision: expected, hash: r.rows[0].hash } : 'missing';
    }
    const r = await this.#db.query<{ revision: number; hash: string }>(`SELECT revision, hash FROM ${this.#schema}.events WHERE stream_id = $1 ORDER BY revision DESC LIMIT 1`, [streamId]);
    return r.rows[0] ? { revision: r.rows[0].revision, hash: r.rows[0].hash } : null;
  }

  async #actualRevision(streamId: string): Promise<number | 'no_stream'> {
    const r = await this.#db.query<{ revision: number | null }>(`SELECT max(revision) AS revision FROM ${this.#schema}.events WHERE stream_id = $1`, [streamId]);
    const revision = r.rows[0]?.revision;
    return revision === null || revision === undefined ? 'no_stream' : Number(revision);
  }

  /** When every id is already stored, in order, in this stream: the earlier append's result. */
  async #duplicateOf(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | null> {
    const ids = events.map((e) => e.id.toLowerCase());
    const r = await this.#db.query<{ event_id: string; stream_id: string; revision: number; position: string }>(
      `SELECT event_id, stream_id, revision, position FROM ${this.#schema}.events WHERE event_id = ANY($1::uuid[]) ORDER BY revision`,
      [ids],
    );
    if (r.rows.length === 0) return null;
    const byId = new Map(r.rows.map((x) => [x.event_id, x]));
    const found = ids.map((id) => byId.get(id));
    const consecutive = found.every((x, i) => x && x.stream_id === streamId && (i === 0 || x.revision === found[i - 1]!.revision + 1));
    if (!consecutive) throw new DuplicateEventId(streamId, r.rows.map((x) => x.event_id));
    const last = found[found.length - 1]!;
    return { nextExpectedRevision: last.revision, position: BigInt(last.position), duplicate: true };
  }

  /**
   * Tells subscribers (any process LISTENing on the channel) that something was appended, after the
   * commit and outside it: at most one NOTIFY in flight, later appends folded into the next one, and
   * under a steady stream of appends no more than one per NOTIFY_GAP_MS (a NOTIFY is a transaction
   * of its own, with an id and a commit record: the server's work of a small append). It is only a
   * hint — subscriptions also poll — so a lost or late one delays, never loses.
   */
  #wakeSubscribers(): void {
    if (this.#notifying) {
      this.#notifyAgain = true;
      return;
    }
    this.#notifying = true;
    const wait = this.#notifiedAt + NOTIFY_GAP_MS - performance.now();
    if (wait > 0) setTimeout(() => this.#notify(), wait).unref();
    else this.#notify();
  }

  #notify(): void {
    this.#notifiedAt = performance.now();
    // Plain NOTIFY (simple protocol, no result rows): the cheapest statement there is to send.
    void this.#db
      .execute(`NOTIFY ${this.#channel}`)
      .catch(() => {})
      .finally(() => {
        this.#notifying = false;
        if (this.#notifyAgain) {
          this.#notifyAgain = false;
          this.#wakeSubscribers();
        }
      });
  }

  #remember(streamId: string, tail: Tail): void {
    this.#tails.delete(streamId);
    this.#tails.set(streamId, tail);
    keepWithin(this.#tails, TAIL_CACHE_SIZE);
  }
}

const systemClock = (): Date => new Date();
let lastMillis = NaN;
let lastTimestamp = '';
/** `new Date().toISOString()`, formatted once per millisecond (appends come several per millisecond). */
function systemTimestamp(): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastTimestamp = new Date(now).toISOString();
    lastMillis = now;
  }
  return lastTimestamp;
}

const AWKWARD_TEXT = /[\u0000\p{Cs}]/u;

/**
 * Whether an event can go as plain values (parameters or binary arrays) and be stored exactly as
 * through the batch's JSON document, which the server takes apart. What it cannot carry the same
 * way takes the JSON's way and meets the same outcome as always: a JSON null or absent data (the
 * column's NOT NULL), a type that is not text, a version that is not an int4, and text with a NUL
 * or a lone surrogate (refused when the server de-escapes the document; in JSON text they read
 * \u0000 and \udxxx — a literal backslash before "u0000" or "ud" also lands here, harmlessly).
 */
function plainEvent(e: SealedEvent, data: string | undefined, metadata: string): boolean {
  return (
    typeof e.type === 'string' &&
    !AWKWARD_TEXT.test(e.type) &&
    Number.isInteger(e.version) &&
    e.version >= -2_147_483_648 &&
    e.version <= 2_147_483_647 &&
    data !== undefined &&
    data !== 'null' &&
    !data.includes('\\u0000') &&
    !data.includes('\\ud') &&
    !metadata.includes('\\u0000') &&
    !metadata.includes('\\ud')
  );
}

/** An inserted append: its last event's position, and each event's data and metadata as sent (the JSON texts stored), when known. */
interface Inserted {
  readonly position: string;
  readonly sent?: { readonly data: readonly string[]; readonly metadata: readonly string[] };
}

/** An append ready to insert: its sealed events, and their data and metadata as JSON texts. */
interface Pending {
  readonly streamId: string;
  readonly tail: Tail | null;
  readonly sealed: readonly SealedEvent[];
  readonly data: readonly string[];
  readonly metadata: readonly string[];
  /** Every event plain (see plainEvent): stored exactly as these texts, and fit to group. */
  readonly plain: boolean;
  /** Bytes of data and metadata (UTF-16 units: a group's size limit, not an exact count). */
  readonly bytes: number;
}

function pendingAppend(streamId: string, tail: Tail | null, sealed: readonly SealedEvent[]): Pending {
  const data = new Array<string>(sealed.length);
  const metadata = new Array<string>(sealed.length);
  let plain = true;
  let bytes = 0;
  for (let i = 0; i < sealed.length; i++) {
    const e = sealed[i]!;
    const d = JSON.stringify(e.data) as string | undefined;
    metadata[i] = JSON.stringify(e.metadata);
    plain &&= plainEvent(e, d, metadata[i]!);
    data[i] = d ?? '';
    bytes += data[i]!.length + metadata[i]!.length;
  }
  return { streamId, tail, sealed, data, metadata, plain, bytes };
}

/** What an append sent, when the server stores exactly that (plain events). */
function sentOf(append: Pending): Pick<Inserted, 'sent'> {
  return append.plain ? { sent: { data: append.data, metadata: append.metadata } } : {};
}

/**
 * The events of a batch just inserted, as `read` would return them: the columns as sent (the `json`
 * columns keep the text as sent, and the driver parses it back with JSON.parse), the ids as the uuid
 * column prints them, and the positions the INSERT gave (the last one's, less one per event after).
 */
function recordedOf(streamId: string, tail: Tail | null, sealed: readonly SealedEvent[], sent: NonNullable<Inserted['sent']>, last: bigint): RecordedEvent[] {
  const after = tail?.revision ?? -1;
  return sealed.map((e, i) => ({
    id: e.id.toLowerCase(),
    streamId,
    revision: after + 1 + i,
    position: last - BigInt(sealed.length - 1 - i),
    type: e.type,
    version: e.version,
    data: JSON.parse(sent.data[i]!) as unknown,
    metadata: JSON.parse(sent.metadata[i]!) as EventMetadata,
  }));
}

/**
 * The result with its `events`, built when first asked for: parsing back the JSON of every event
 * appended costs about as much as sealing it, and most callers of a batch never look.
 */
function withRecorded(result: AppendResult, build: () => RecordedEvent[]): AppendResult {
  let events: RecordedEvent[] | undefined;
  return Object.defineProperty(result, 'events', { enumerable: true, get: () => (events ??= build()) });
}

function toRecorded(row: Row): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: BigInt(row.position),
    type: row.type,
    version: Number(row.version),
    data: row.data,
    metadata: row.metadata,
  };
}

const UNAVAILABLE_CODES = /^(08|57P0|53300)/;

/** Runs a store operation; a lost or refused connection becomes {@link EventStoreUnavailable}. */
async function unavailableOnConnectionError<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    const { code, message } = sqlErrorOf(e);
    if ((code && UNAVAILABLE_CODES.test(code)) || code === 'ECONNREFUSED' || code === 'ECONNRESET' || /Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down)/.test(message))
      throw new EventStoreUnavailable(e);
    throw e;
  }
}

export type { SqlSession };
