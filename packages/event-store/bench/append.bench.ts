/**
 * How fast events are appended to the PostgreSQL event store, against the peers measured in the
 * same run on the same server:
 *
 * - our adapter (`PostgresEventStore` over one `pgDatabase` pool of 16 connections), 16 concurrent
 *   workers, single-event appends (a) on new streams (`no_stream`) and (b) on existing streams: each
 *   worker cycles through its own streams with the exact revision it got back from its previous
 *   append (the load → decide → append flow, the stream's tail known from that load);
 * - raw `pg`: one autocommit INSERT of a similar row (id uuid, stream, revision, json data, json
 *   metadata; primary key on id, unique (stream, revision)) per append, same 16 workers: the
 *   physical reference;
 * - Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`, its own pool of 16),
 *   `appendToStream(stream, [event], { expectedStreamVersion })`, new and existing streams;
 * - 100-event batches (events per second), latency p50/p99 of a single-event append, and the
 *   embedded PGlite figure (one connection: the 16 workers queue on it).
 *
 * Every system gets its own fresh schema, dropped at the end. The peers of one figure run in
 * interleaved rounds (ours, Emmett, raw, ours, …) so that a noisy neighbour hits them alike: a
 * warm-up first, then ROUNDS rounds of ROUND_MS each, the median round is the figure.
 *
 * Run with `pnpm bench event-store.append` (`pnpm bench event-store` also runs the read-models
 * bench, which imports the store). Prints one JSON line per figure; `scripts/bench.mjs` records
 * them in docs/benchmarks.md. Exits non-zero if an append fails or the stored events do not match
 * what was appended (count, revisions, hash chain). The other lines say, per system, statements
 * sent per append, this process's CPU per event, and latency.
 *
 * BENCH_PROFILE=1 adds, in the same rounds, our adapter with the events table's NOTIFY trigger
 * disabled, with it disabled and the hint sent after commit instead, and with it disabled on
 * unnamed (unprepared) statements: where an append's time goes. Those print no figures.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { pgDatabase, pgliteDatabase, PostgresEventStore, verifyChain, type EventContext, type NewEvent, type SqlDatabase } from '@disclosure/event-store';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONCURRENCY = 16;
const POOL_SIZE = 16;
const STREAMS_PER_WORKER = 32; // existing streams: each worker cycles through its own
const BATCH = 100;
const WARM_UP_MS = 1_000;
const ROUND_MS = 1_000;
const ROUNDS = 5;
const PGLITE_ROUNDS = 3;

// Emmett's driver (dumbo) sets process-wide `pg` type parsers (int8 → BigInt, json → its own
// parser) when its pool is made. Our adapter and the raw reference keep pg's defaults, as in
// production, through a per-pool `types` that answers with the parsers captured here.
const DEFAULT_PARSERS = new Map([20, 114, 3802].map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]));
const defaultTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && DEFAULT_PARSERS.has(oid) ? DEFAULT_PARSERS.get(oid)! : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

// Round trips: every statement any pg client sends in this process (ours, raw and Emmett all use
// pg.Client); subjects run one at a time, so the count over a round is that subject's.
let statements = 0;
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof pg.Client.prototype.query;

// ── realistic event: a 依申请公开 request received, ~500 bytes of JSON with Chinese text ─────────

let caseNo = 0;
function requestReceived(): { type: string; data: Record<string, unknown>; context: EventContext } {
  const n = ++caseNo;
  return {
    type: 'RequestReceived',
    data: {
      caseId: `2025-依申请-${String(n).padStart(6, '0')}`,
      agency: 'bj-ghzrzyw',
      jurisdiction: 'CN',
      channel: 'online',
      receivedOn: '2025-09-26',
      applicant: { kind: 'natural-person', name: '李明', phone: '138****5678', address: '北京市海淀区中关村大街27号' },
      request: {
        description: '申请公开2024年度本市城市更新项目的立项批复、财政资金安排明细及环境影响评价报告全文。',
        preferredForm: 'electronic',
        preferredDelivery: 'email',
      },
    },
    context: { actor: 'cw-li', agency: 'bj-ghzrzyw', role: 'caseworker', correlationId: randomUUID(), causationId: null, occurredAt: '2025-09-26T02:00:00.000Z' },
  };
}

function newEvent(): NewEvent {
  const e = requestReceived();
  return { id: randomUUID(), type: e.type, version: 1, data: e.data, metadata: e.context };
}

// ── the harness ──────────────────────────────────────────────────────────────────────────────

interface Subject {
  readonly name: string;
  /** One unit of work for `worker`; resolves to the units done (events appended). */
  op(worker: number): Promise<number>;
}

interface Round {
  readonly rate: number;
  readonly ops: number;
  readonly units: number;
  /** This process's CPU time (user + system) over the round, µs. */
  readonly cpuMicros: number;
  readonly statements: number;
  readonly latencies: number[];
}

const failures: string[] = [];

/** Runs `subject` with CONCURRENCY workers for `ms`; the rate is units over the time until the last one finished. */
async function runFor(subject: Subject, ms: number): Promise<Round> {
  const latencies: number[] = [];
  let units = 0;
  let ops = 0;
  const before = statements;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      while (performance.now() < deadline && failures.length === 0) {
        const t0 = performance.now();
        try {
          const done = await subject.op(worker); // not `units += await …`: that reads `units` before awaiting
          units += done;
        } catch (e) {
          failures.push(`${subject.name}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
          return;
        }
        latencies.push(performance.now() - t0);
        ops++;
      }
    }),
  );
  const elapsed = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  return { rate: (units * 1000) / elapsed, ops, units, cpuMicros: user + system, statements: statements - before, latencies };
}

interface Result {
  readonly median: number;
  readonly rounds: number[];
  readonly statementsPerOp: number;
  /** This process's CPU per unit (event), µs: the client's share of the work. */
  readonly cpuPerUnit: number;
  readonly latencies: number[];
}

/** Warms each subject up, then runs `rounds` interleaved rounds; per subject, the median round. */
async function compareRounds(label: string, subjects: readonly Subject[], rounds = ROUNDS): Promise<Map<string, Result>> {
  for (const s of subjects) await runFor(s, WARM_UP_MS);
  const got = new Map(subjects.map((s) => [s.name, [] as Round[]]));
  for (let r = 0; r < rounds; r++) for (const s of subjects) got.get(s.name)!.push(await runFor(s, ROUND_MS));
  if (failures.length > 0) throw new Error(`appends failed:\n  ${failures.slice(0, 10).join('\n  ')}`);
  const results = new Map<string, Result>();
  for (const [name, rs] of got) {
    const rates = rs.map((x) => x.rate).sort((a, b) => a - b);
    const ops = rs.reduce((n, x) => n + x.ops, 0);
    const result = { median: rates[Math.floor(rates.length / 2)]!, rounds: rs.map((x) => x.rate), statementsPerOp: rs.reduce((n, x) => n + x.statements, 0) / ops, cpuPerUnit: rs.reduce((n, x) => n + x.cpuMicros, 0) / rs.reduce((n, x) => n + x.units, 0), latencies: rs.flatMap((x) => x.latencies) };
    results.set(name, result);
    console.log(
      `${label} · ${name}: median ${fmt(result.median)}/s (rounds ${result.rounds.map(fmt).join(', ')}), ${result.statementsPerOp.toFixed(2)} statements per append, client CPU ${result.cpuPerUnit.toFixed(0)} µs/event, p50 ${percentile(result.latencies, 50).toFixed(2)} ms, p99 ${percentile(result.latencies, 99).toFixed(2)} ms`,
    );
  }
  return results;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figure(bench: string, value: number, unit: string, compare?: Record<string, number | string>): void {
  console.log(JSON.stringify({ bench, value, unit, ...(compare ? { compare } : {}) }));
}

// ── the systems under test ───────────────────────────────────────────────────────────────────

const schemas: string[] = [];
const freshSchema = (prefix: string) => {
  const name = `bench_${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  schemas.push(name);
  return name;
};

/** Per worker, its streams and the revision it last got back (the load → decide → append flow). */
class OwnStreams<R> {
  readonly #streams: { id: string; revision: R }[][];
  readonly #next: number[];
  constructor(prefix: string) {
    this.#streams = Array.from({ length: CONCURRENCY }, () => Array.from({ length: STREAMS_PER_WORKER }, () => ({ id: `${prefix}-${randomUUID()}`, revision: undefined as R })));
    this.#next = Array(CONCURRENCY).fill(0);
  }
  all(): { id: string; revision: R }[] {
    return this.#streams.flat();
  }
  /** The worker's next stream, round-robin. */
  take(worker: number): { id: string; revision: R } {
    const own = this.#streams[worker]!;
    const i = this.#next[worker]!;
    this.#next[worker] = (i + 1) % own.length;
    return own[i]!;
  }
}

/** Counts what a subject appended, to check against the table afterwards. */
class Tally {
  events = 0;
}

/**
 * `notify`: 'trigger' is the store as it is (the events table's AFTER INSERT trigger NOTIFYs inside
 * every append transaction); 'off' disables that trigger; 'after-commit' disables it and sends the
 * hint from the writer once its append has committed, coalesced to one NOTIFY in flight at a time
 * (what the store would do without the trigger).
 */
async function ourSubjects(db: SqlDatabase, label: string, name = 'ours', notify: 'trigger' | 'off' | 'after-commit' = 'trigger') {
  const schema = freshSchema(label);
  const opened = await PostgresEventStore.open(db, { schema });
  if (notify !== 'trigger') await db.execute(`ALTER TABLE ${schema}.events DISABLE TRIGGER USER`);
  let inFlight = false;
  let again = false;
  const hint = (): void => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    void db.query(`SELECT pg_notify($1, '')`, [`${schema}_events`]).catch(() => {}).finally(() => {
      inFlight = false;
      if (again) {
        again = false;
        hint();
      }
    });
  };
  const store =
    notify === 'after-commit'
      ? { append: async (...a: Parameters<typeof opened.append>) => { const r = await opened.append(...a); hint(); return r; }, read: (id: string) => opened.read(id) }
      : opened;
  const tally = new Tally();
  const existing = new OwnStreams<number>('case');
  await inParallel(existing.all(), async (s) => {
    s.revision = (await store.append(s.id, [newEvent()], { expectedRevision: 'no_stream' })).nextExpectedRevision;
    tally.events++;
  });
  const single: Subject = {
    name,
    async op(worker) {
      const s = existing.take(worker);
      const r = await store.append(s.id, [newEvent()], { expectedRevision: s.revision });
      if (r.nextExpectedRevision !== s.revision + 1 || r.duplicate) throw new Error(`${s.id}: expected revision ${s.revision + 1}, got ${r.nextExpectedRevision}`);
      s.revision = r.nextExpectedRevision;
      tally.events++;
      return 1;
    },
  };
  const fresh: Subject = {
    name,
    async op() {
      await store.append(`case-${randomUUID()}`, [newEvent()], { expectedRevision: 'no_stream' });
      tally.events++;
      return 1;
    },
  };
  const batch: Subject = {
    name,
    async op(worker) {
      const s = existing.take(worker);
      const r = await store.append(s.id, Array.from({ length: BATCH }, newEvent), { expectedRevision: s.revision });
      if (r.nextExpectedRevision !== s.revision + BATCH) throw new Error(`${s.id}: expected revision ${s.revision + BATCH}, got ${r.nextExpectedRevision}`);
      s.revision = r.nextExpectedRevision;
      tally.events += BATCH;
      return BATCH;
    },
  };
  /** The table holds exactly what was appended, and a few streams read back with a sound chain. */
  async function verify(): Promise<void> {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.events`);
    if (Number(rows[0]!.n) !== tally.events) failures.push(`ours (${schema}): ${rows[0]!.n} events stored, ${tally.events} appended`);
    for (const s of existing.all().slice(0, 8)) {
      const events = await store.read(s.id);
      const chain = verifyChain(events);
      if (!chain.ok || events.length !== s.revision + 1) failures.push(`ours: stream ${s.id} has ${events.length} events (expected ${s.revision + 1}), chain ${JSON.stringify(chain)}`);
    }
  }
  return { schema, single, fresh, batch, verify };
}

async function rawSubjects(pool: pg.Pool, label: string) {
  const schema = freshSchema(label);
  await pool.query(`CREATE SCHEMA ${schema}`);
  await pool.query(`CREATE TABLE ${schema}.events (id uuid PRIMARY KEY, stream text NOT NULL, revision integer NOT NULL, data json NOT NULL, metadata json NOT NULL, UNIQUE (stream, revision))`);
  const tally = new Tally();
  const existing = new OwnStreams<number>('case');
  for (const s of existing.all()) s.revision = -1;
  const insert = `INSERT INTO ${schema}.events (id, stream, revision, data, metadata) VALUES ($1, $2, $3, $4, $5)`;
  const insertBatch = `INSERT INTO ${schema}.events (id, stream, revision, data, metadata)
    SELECT e.id, $1, $2::int + e.ord, e.data, e.metadata FROM json_to_recordset($3::json) AS e(ord int, id uuid, data json, metadata json)`;
  const single: Subject = {
    name: 'raw-pg',
    async op(worker) {
      const s = existing.take(worker);
      const e = newEvent();
      await pool.query(insert, [e.id, s.id, s.revision + 1, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
      s.revision++;
      tally.events++;
      return 1;
    },
  };
  const fresh: Subject = {
    name: 'raw-pg',
    async op() {
      const e = newEvent();
      await pool.query(insert, [e.id, `case-${randomUUID()}`, 0, JSON.stringify(e.data), JSON.stringify(e.metadata)]);
      tally.events++;
      return 1;
    },
  };
  const batch: Subject = {
    name: 'raw-pg',
    async op(worker) {
      const s = existing.take(worker);
      const rows = JSON.stringify(Array.from({ length: BATCH }, (_, i) => ({ ord: i + 1, ...newEvent() })));
      await pool.query(insertBatch, [s.id, s.revision, rows]);
      s.revision += BATCH;
      tally.events += BATCH;
      return BATCH;
    },
  };
  async function verify(): Promise<void> {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.events`);
    if (Number(rows[0]!.n) !== tally.events) failures.push(`raw-pg (${schema}): ${rows[0]!.n} rows stored, ${tally.events} inserted`);
  }
  return { schema, single, fresh, batch, verify };
}

type EmmettModule = typeof import('@event-driven-io/emmett-postgresql');

/**
 * emmett-postgresql 0.42 imports `uuid`, `async-retry` and `@event-driven-io/dumbo` without
 * declaring them, so under pnpm it gets whatever version happens to be hoisted (a `uuid@8` without
 * `v7` breaks it). Resolve those as the packages that do declare them: emmett (uuid, async-retry)
 * and pongo (dumbo), both its declared peers.
 */
function resolveEmmettUndeclaredDependencies(): void {
  const from = { uuid: '@event-driven-io/emmett', 'async-retry': '@event-driven-io/emmett', '@event-driven-io/dumbo': '@event-driven-io/pongo' };
  const parents = Object.fromEntries(Object.entries(from).map(([dep, owner]) => [dep, import.meta.resolve(owner)]));
  const hook = `const parents = ${JSON.stringify(parents)};
export async function resolve(specifier, context, next) {
  if (Object.hasOwn(parents, specifier) && context.parentURL?.includes('/@event-driven-io/emmett-postgresql/')) return next(specifier, { ...context, parentURL: parents[specifier] });
  return next(specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

/** Emmett in a schema of its own: its pool's search_path (it creates its tables in current_schema()). */
async function emmettSubjects(emmett: EmmettModule, admin: pg.Pool, label: string) {
  const schema = freshSchema(label);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: URL, max: POOL_SIZE, options: `-c search_path=${schema}` });
  pool.on('error', () => {});
  const store = emmett.getPostgreSQLEventStore(URL, { connectionOptions: { pool } } as Parameters<EmmettModule['getPostgreSQLEventStore']>[1]);
  await store.schema.migrate();
  const tally = new Tally();
  const toEmmett = (e: ReturnType<typeof requestReceived>) => ({ type: e.type, data: e.data, metadata: { ...e.context } });
  const existing = new OwnStreams<bigint>('case');
  await inParallel(existing.all(), async (s) => {
    s.revision = (await store.appendToStream(s.id, [toEmmett(requestReceived())], { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' })).nextExpectedStreamVersion;
    tally.events++;
  });
  const single: Subject = {
    name: 'emmett',
    async op(worker) {
      const s = existing.take(worker);
      const r = await store.appendToStream(s.id, [toEmmett(requestReceived())], { expectedStreamVersion: s.revision });
      if (r.nextExpectedStreamVersion !== s.revision + 1n) throw new Error(`${s.id}: expected version ${s.revision + 1n}, got ${r.nextExpectedStreamVersion}`);
      s.revision = r.nextExpectedStreamVersion;
      tally.events++;
      return 1;
    },
  };
  const fresh: Subject = {
    name: 'emmett',
    async op() {
      await store.appendToStream(`case-${randomUUID()}`, [toEmmett(requestReceived())], { expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' });
      tally.events++;
      return 1;
    },
  };
  const batch: Subject = {
    name: 'emmett',
    async op(worker) {
      const s = existing.take(worker);
      const r = await store.appendToStream(s.id, Array.from({ length: BATCH }, () => toEmmett(requestReceived())), { expectedStreamVersion: s.revision });
      s.revision = r.nextExpectedStreamVersion;
      tally.events += BATCH;
      return BATCH;
    },
  };
  async function verify(): Promise<void> {
    const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.emt_messages`);
    if (Number(rows[0]!.n) !== tally.events) failures.push(`emmett (${schema}): ${rows[0]!.n} messages stored, ${tally.events} appended`);
  }
  return { schema, single, fresh, batch, verify, close: () => pool.end() };
}

/** Runs `fn` over `items`, CONCURRENCY at a time (setup, not timed). */
async function inParallel<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/** PGlite (embedded, one backend) on `dataDir` or in memory: single-event appends on existing streams. */
async function pgliteRate(label: string, dataDir?: string): Promise<Result> {
  const db = await pgliteDatabase(dataDir);
  try {
    const store = await PostgresEventStore.open(db, { schema: 'bench' });
    const existing = new OwnStreams<number>('case');
    await inParallel(existing.all(), async (s) => {
      s.revision = (await store.append(s.id, [newEvent()], { expectedRevision: 'no_stream' })).nextExpectedRevision;
    });
    const subject: Subject = {
      name: label,
      async op(worker) {
        const s = existing.take(worker);
        s.revision = (await store.append(s.id, [newEvent()], { expectedRevision: s.revision })).nextExpectedRevision;
        return 1;
      },
    };
    return (await compareRounds('pglite single-event appends, existing streams', [subject], PGLITE_ROUNDS)).get(label)!;
  } finally {
    await db.close();
  }
}

/** BENCH_PROFILE: our adapter without the NOTIFY trigger; with the hint after commit; on unnamed statements. */
async function profileSubjects() {
  // Unnamed statements are parsed and planned on every call (pg's default); pgDatabase names them.
  const unprepared: SqlDatabase = {
    ...ourDb,
    async query(sql, params) {
      const r = await rawPool.query(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
  };
  return [
    await ourSubjects(ourDb, 'quiet', 'ours-no-notify-trigger', 'off'),
    await ourSubjects(ourDb, 'hint', 'ours-notify-after-commit', 'after-commit'),
    await ourSubjects(unprepared, 'unprep', 'ours-no-trigger-unprepared', 'off'),
  ];
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────

const admin = new pg.Pool({ connectionString: URL, max: 2 });
admin.on('error', () => {});
const ourDb = pgDatabase({ connectionString: URL, max: POOL_SIZE, types: defaultTypes });
const rawPool = new pg.Pool({ connectionString: URL, max: POOL_SIZE, types: defaultTypes });
rawPool.on('error', () => {});
const emmettPools: (() => Promise<void>)[] = [];
const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'bench-pglite-'));
const started = performance.now();

try {
  resolveEmmettUndeclaredDependencies();
  const emmett: EmmettModule = await import('@event-driven-io/emmett-postgresql');
  const ours = await ourSubjects(ourDb, 'ours');
  const raw = await rawSubjects(rawPool, 'raw');
  const em = await emmettSubjects(emmett, admin, 'emmett');
  emmettPools.push(em.close);
  console.log(`schemas: ours ${ours.schema}, raw ${raw.schema}, emmett ${em.schema}; ${CONCURRENCY} workers, pools of ${POOL_SIZE}`);

  const quiet = process.env.BENCH_PROFILE ? await profileSubjects() : [];
  const existing = await compareRounds('single-event appends, existing streams', [ours.single, em.single, raw.single, ...quiet.map((q) => q.single)]);
  const fresh = await compareRounds('single-event appends, new streams', [ours.fresh, em.fresh, raw.fresh, ...quiet.map((q) => q.fresh)]);
  const batch = await compareRounds(`${BATCH}-event batch appends`, [ours.batch, em.batch, raw.batch, ...quiet.map((q) => q.batch)]);
  for (const q of quiet) await q.verify();
  await ours.verify();
  await raw.verify();
  await em.verify();

  const pgliteFile = await pgliteRate('pglite-dir', path.join(tmpDir, 'events'));
  const pgliteMemory = await pgliteRate('pglite-memory');

  if (failures.length > 0) throw new Error(`wrong answers:\n  ${failures.join('\n  ')}`);

  const single = existing.get('ours')!;
  const e = (m: Map<string, Result>, name: string) => m.get(name)!.median;
  const vs = (m: Map<string, Result>) => ({
    emmett: Math.round(e(m, 'emmett')),
    'raw-pg': Math.round(e(m, 'raw-pg')),
    'ratio-emmett': round2(e(m, 'ours') / e(m, 'emmett')),
    'ratio-raw': round2(e(m, 'ours') / e(m, 'raw-pg')),
  });
  figure('event-store.append.single.existing', Math.round(single.median), 'appends/s', vs(existing));
  figure('event-store.append.single.new', Math.round(e(fresh, 'ours')), 'appends/s', vs(fresh));
  figure('event-store.append.batch100', Math.round(e(batch, 'ours')), 'events/s', vs(batch));
  const lat = (name: string, p: number) => round2(percentile(existing.get(name)!.latencies, p));
  figure('event-store.append.single.existing.p50', lat('ours', 50), 'ms', { emmett: lat('emmett', 50), 'raw-pg': lat('raw-pg', 50) });
  figure('event-store.append.single.existing.p99', lat('ours', 99), 'ms', { emmett: lat('emmett', 99), 'raw-pg': lat('raw-pg', 99) });
  // PGlite has one backend: the 16 workers queue on it, so this is its serial rate, on a data folder.
  figure('event-store.append.single.pglite', Math.round(pgliteFile.median), 'appends/s', {
    connections: 1,
    'in-memory': Math.round(pgliteMemory.median),
    'p50-ms': round2(percentile(pgliteFile.latencies, 50)),
    postgres: Math.round(single.median),
  });
  console.log(
    `statements per append: ours ${single.statementsPerOp.toFixed(2)}, emmett ${existing.get('emmett')!.statementsPerOp.toFixed(2)}, raw ${existing.get('raw-pg')!.statementsPerOp.toFixed(2)} (existing streams); ` +
      `new streams: ours ${fresh.get('ours')!.statementsPerOp.toFixed(2)}, emmett ${fresh.get('emmett')!.statementsPerOp.toFixed(2)}`,
  );

  // Goals from the issue.
  const ratios = vs(existing);
  const goals = [
    single.median >= 5_000 ? null : 'below 5,000 appends/s (existing streams)',
    ratios['ratio-emmett'] >= 1.9 ? null : `${ratios['ratio-emmett']}× Emmett, below 1.9×`,
    ratios['ratio-raw'] >= 0.65 ? null : `${ratios['ratio-raw']}× raw pg, below 0.65×`,
    e(batch, 'ours') >= 40_000 ? null : 'batch appends below 40,000 events/s',
  ].filter((g) => g !== null);
  console.log(goals.length === 0 ? 'goals met: ≥5,000 appends/s, ≥1.9× Emmett, ≥0.65× raw pg, batches ≥40,000 events/s' : `goals NOT met: ${goals.join('; ')}`);
  console.log(`bench time ${round1((performance.now() - started) / 1000)} s`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch((e: Error) => console.error(`could not drop ${s}: ${e.message}`));
  await Promise.all(emmettPools.map((close) => close().catch(() => {})));
  await ourDb.close().catch(() => {});
  await rawPool.end().catch(() => {});
  await admin.end().catch(() => {});
  await rm(tmpDir, { recursive: true, force: true });
}
