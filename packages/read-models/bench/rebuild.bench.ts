/**
 * How fast the read models are rebuilt from the event store (issue #4): `Projector.rebuild()` of
 * every projection (cases, public status, agency stats, annual facts) over ~1,000,000 events of
 * generated cases on the local PostgreSQL server, in events per second, against the physical
 * reference measured in the same run on the same events:
 *
 * - the reference: `store.readAll` in pages of 2,000, a trivial in-memory fold per case (count its
 *   events, keep its last type), and one upsert per page into one table (a row per case touched in
 *   the page, `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE`, one statement) through the
 *   read models' connection: reading, parsing and writing with none of the domain's work. It runs
 *   once before and once after the rebuild; the figure is their mean (both are printed), so that a
 *   noisy neighbour on the machine weighs on it as on the rebuild;
 * - the same rebuild on embedded PGlite (event store and read models each in an in-memory PGlite)
 *   over a smaller seed (~100,000 events), with its own reference.
 *
 * Seeding (timed into no figure): a fresh database with a random name (dropped at the end, also on
 * Ctrl-C; nothing is cached across runs). `generateWorkload` (the tests' generator: requests
 * arriving over a year and following the law's paths) gives 123,000 cases' commands in time order;
 * day by day, each case's commands of that day are decided with the domain's own `decide` against
 * its state folded in memory, and appended as one batch through `PostgresEventStore.append` with
 * the exact expected revision, by 16 concurrent workers on one store over a pool of 16 connections
 * (a case always goes to the same worker). Days run one after another, so the events of different
 * cases interleave in the store as in production and a case's events are spread over several
 * rebuild batches. The seeding connections run with `synchronous_commit = off`, then the events
 * table is VACUUM ANALYZEd. Commands the domain refuses (the generator sometimes asks for an
 * extension after the due date) are skipped, as a caseworker would be refused.
 *
 * Before figures are printed, the rebuilt tables are checked against the cases folded while
 * seeding (a row per case with its status, revision and registration number, a public status per
 * registered case, counters summing to the cases, an annual-facts row per case in its first year,
 * checkpoints at the events' count, nothing parked); a mismatch fails the bench.
 *
 * Run with `pnpm bench read-models` (about 4 minutes). Prints one JSON line per figure;
 * `scripts/bench.mjs` records them in docs/benchmarks.md. For a quick look, fewer cases:
 * RM_BENCH_CASES (default 123,000 ≈ 1,000,000 events), RM_BENCH_PGLITE_CASES (default 12,300 ≈
 * 100,000 events).
 */
import pg from 'pg';
import { pgDatabase, pgliteDatabase, PostgresEventStore } from '@disclosure/event-store';
import { openReadModels } from '@disclosure/read-models';
import { freshDatabase, fmt, log, rebuild, reference, SCHEMA, seed, verify, WORKERS, type Seeded } from './support/rebuildBench.js';

const PG_CASES = Number(process.env.RM_BENCH_CASES ?? 123_000);
const PGLITE_CASES = Number(process.env.RM_BENCH_PGLITE_CASES ?? 12_300);
const GOAL_RATE = 40_000;
const GOAL_RATIO = 0.3;

const round2 = (x: number) => Math.round(x * 100) / 100;

// ── PostgreSQL ───────────────────────────────────────────────────────────────────────────────

async function onPostgres(problems: string[]): Promise<void> {
  const fresh = await freshDatabase();
  const closers: (() => Promise<void>)[] = [];
  try {
    const seedDb = pgDatabase({ connectionString: fresh.url, max: WORKERS, options: '-c synchronous_commit=off' });
    let seeded: Seeded;
    try {
      seeded = await seed(await PostgresEventStore.open(seedDb, { schema: SCHEMA }), PG_CASES, 'PostgreSQL');
    } finally {
      await seedDb.close();
    }
    const admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      await admin.query(`VACUUM ANALYZE ${SCHEMA}.events`); // what autovacuum would have done by then
      log(`PostgreSQL: events table with its indexes ${(await admin.query<{ size: string }>(`SELECT pg_size_pretty(pg_total_relation_size('${SCHEMA}.events')) AS size`)).rows[0]!.size}`);
    } finally {
      await admin.end();
    }

    const store = PostgresEventStore.attach(pgDatabase({ connectionString: fresh.url, max: 4 }), { schema: SCHEMA });
    closers.push(() => store.close());
    const db = await openReadModels({ url: fresh.url });
    closers.push(() => db.destroy());

    const before = await reference(store, db, 'PostgreSQL');
    const rb = await rebuild(store, db, 'PostgreSQL');
    problems.push(...(await verify(db, seeded, rb.events, 'PostgreSQL')));
    const after = await reference(store, db, 'PostgreSQL');
    for (const ref of [before, after])
      if (ref.events !== seeded.events || ref.cases !== seeded.states.size) problems.push(`PostgreSQL reference: ${ref.events} events of ${ref.cases} cases, ${seeded.events} of ${seeded.states.size} appended`);
    const refRate = (before.rate + after.rate) / 2;
    const ratio = rb.rate / refRate;
    log(`PostgreSQL physical reference: mean ${fmt(refRate)} events/s (before the rebuild ${fmt(before.rate)}, after ${fmt(after.rate)})`);
    console.log(JSON.stringify({ bench: 'read-models.rebuild.postgres', value: Math.round(rb.rate), unit: 'events/s', compare: { 'physical-reference': Math.round(refRate), ratio: round2(ratio) } }));
    const missed = [rb.rate >= GOAL_RATE ? null : `below ${fmt(GOAL_RATE)} events/s`, ratio >= GOAL_RATIO ? null : `below ${GOAL_RATIO}× the physical reference`].filter((g) => g !== null);
    log(missed.length === 0 ? `goals met: ≥${fmt(GOAL_RATE)} events/s and ≥${GOAL_RATIO}× the physical reference` : `goals NOT met: ${missed.join('; ')}`);
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await fresh.drop();
  }
}

// ── PGlite ───────────────────────────────────────────────────────────────────────────────────

async function onPglite(problems: string[]): Promise<void> {
  const store = await PostgresEventStore.open(await pgliteDatabase(), { schema: SCHEMA });
  const db = await openReadModels();
  try {
    const seeded = await seed(store, PGLITE_CASES, 'PGlite');
    const before = await reference(store, db, 'PGlite');
    const rb = await rebuild(store, db, 'PGlite');
    problems.push(...(await verify(db, seeded, rb.events, 'PGlite')));
    const after = await reference(store, db, 'PGlite');
    for (const ref of [before, after])
      if (ref.events !== seeded.events || ref.cases !== seeded.states.size) problems.push(`PGlite reference: ${ref.events} events of ${ref.cases} cases, ${seeded.events} of ${seeded.states.size} appended`);
    const refRate = (before.rate + after.rate) / 2;
    log(`PGlite physical reference: mean ${fmt(refRate)} events/s (before the rebuild ${fmt(before.rate)}, after ${fmt(after.rate)})`);
    console.log(JSON.stringify({ bench: 'read-models.rebuild.pglite', value: Math.round(rb.rate), unit: 'events/s', compare: { 'physical-reference': Math.round(refRate), ratio: round2(rb.rate / refRate) } }));
  } finally {
    await db.destroy();
    await store.close();
  }
}

const problems: string[] = [];
const started = performance.now();
await onPostgres(problems);
await onPglite(problems);
log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (problems.length > 0) {
  console.error(`the rebuilt read models do not match the seeded cases:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
