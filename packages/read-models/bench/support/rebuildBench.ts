/** The parts of the rebuild bench: seeding generated cases, the physical reference, the timed rebuild, the check. */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, evolve, initialCaseState, isDomainError, type CaseCommand, type CaseState } from '@disclosure/domain';
import type { EventStore } from '@disclosure/event-store';
import { Projector, type ReadModelDatabase } from '@disclosure/read-models';
import { generateWorkload, toNewEvent } from '../../test/support/workload.js';
import { freshPostgres } from '../../test/support/databases.js';

export const WORKERS = 16;
export const REFERENCE_PAGE = 2_000;
export const SCHEMA = 'events';

export const calendars = builtinCalendars();
const ctx = { calendars };
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
export const log = (line: string) => console.log(line);

// ── seeding ──────────────────────────────────────────────────────────────────────────────────

export interface Seeded {
  readonly events: number;
  readonly appends: number;
  readonly refused: number;
  readonly ms: number;
  /** Each case as folded in memory, for checking the rebuilt tables. */
  readonly states: ReadonlyMap<string, CaseState>;
}

/**
 * Generates `cases` cases and appends their events to `store` day by day: each case's commands of
 * a day are decided in turn and appended as one batch by the case's worker, WORKERS at a time.
 */
export async function seed(store: EventStore, cases: number, label: string): Promise<Seeded> {
  const start = performance.now();
  const { commands } = generateWorkload({ cases, seed: 20251001, days: 365, tail: 30, agencies: ['demo', 'city-finance', 'city-planning', 'district-east', 'district-west', 'env-bureau'] });
  const states = new Map<string, CaseState>();
  const revisions = new Map<string, number>();
  const workerOf = new Map<string, number>();
  let events = 0;
  let appends = 0;
  let refused = 0;
  let lastReport = start;

  /** One worker's share of a day: its cases in order of first command, each with that day's commands. */
  const runDay = async (work: Map<string, CaseCommand[]>) => {
    for (const [caseId, list] of work) {
      let state = states.get(caseId) ?? initialCaseState();
      const batch = [];
      for (const command of list) {
        const result = decide(state, command, ctx);
        if (isDomainError(result)) {
          refused++;
          continue;
        }
        for (const e of result) {
          batch.push(toNewEvent(e, command));
          state = evolve(state, e);
        }
      }
      if (batch.length === 0) continue;
      const revision = revisions.get(caseId);
      const r = await store.append(caseId, batch, { expectedRevision: revision ?? 'no_stream' });
      revisions.set(caseId, r.nextExpectedRevision);
      states.set(caseId, state);
      events += batch.length;
      appends++;
    }
  };

  for (let i = 0; i < commands.length; ) {
    const day = commands[i]!.at.slice(0, 10);
    const perWorker = Array.from({ length: WORKERS }, () => new Map<string, CaseCommand[]>());
    for (; i < commands.length && commands[i]!.at.startsWith(day); i++) {
      const c = commands[i]!;
      let w = workerOf.get(c.caseId);
      if (w === undefined) workerOf.set(c.caseId, (w = workerOf.size % WORKERS));
      const work = perWorker[w]!;
      const list = work.get(c.caseId);
      if (list) list.push(c);
      else work.set(c.caseId, [c]);
    }
    await Promise.all(perWorker.map(runDay));
    const now = performance.now();
    if (now - lastReport > 15_000) {
      lastReport = now;
      log(`  ${label}: seeded ${fmt(events)} events (${day}), ${fmt((events * 1000) / (now - start))} events/s`);
    }
  }
  const ms = performance.now() - start;
  log(`${label}: seeded ${fmt(events)} events of ${fmt(states.size)} cases in ${fmt(appends)} appends (${fmt(refused)} refused commands skipped) in ${(ms / 1000).toFixed(1)} s`);
  return { events, appends, refused, ms, states };
}

// ── the physical reference ───────────────────────────────────────────────────────────────────

/**
 * The physical reference: readAll in pages of 2,000 → per case, its count of events and its last
 * type → one upsert per page (a row per case of the page, one statement) into `bench_reference`,
 * through the read models' own connection. Events per second.
 */
export async function reference(store: EventStore, db: Kysely<ReadModelDatabase>, label: string): Promise<{ rate: number; events: number; cases: number }> {
  const exec = (text: string, params: readonly unknown[] = []) => db.executeQuery<{ n: string }>(CompiledQuery.raw(text, [...params]));
  await exec(`DROP TABLE IF EXISTS bench_reference`);
  await exec(`CREATE TABLE bench_reference (stream_id text PRIMARY KEY, events integer NOT NULL, last_type text NOT NULL, last_position bigint NOT NULL)`);
  const upsert = `INSERT INTO bench_reference (stream_id, events, last_type, last_position)
    SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::bigint[])
    ON CONFLICT (stream_id) DO UPDATE SET events = bench_reference.events + excluded.events, last_type = excluded.last_type, last_position = excluded.last_position`;
  const start = performance.now();
  let events = 0;
  let from: bigint | undefined;
  for (;;) {
    const page = await store.readAll({ ...(from === undefined ? {} : { fromPosition: from }), limit: REFERENCE_PAGE });
    if (page.length === 0) break;
    const fold = new Map<string, { events: number; type: string; position: bigint }>();
    for (const e of page) {
      const f = fold.get(e.streamId);
      if (f) {
        f.events++;
        f.type = e.type;
        f.position = e.position;
      } else fold.set(e.streamId, { events: 1, type: e.type, position: e.position });
    }
    const ids: string[] = [];
    const counts: number[] = [];
    const types: string[] = [];
    const positions: string[] = [];
    for (const [id, f] of fold) {
      ids.push(id);
      counts.push(f.events);
      types.push(f.type);
      positions.push(f.position.toString());
    }
    await exec(upsert, [ids, counts, types, positions]);
    events += page.length;
    from = page[page.length - 1]!.position;
  }
  const ms = performance.now() - start;
  const cases = Number((await exec(`SELECT count(*) AS n FROM bench_reference`)).rows[0]!.n);
  await exec(`DROP TABLE bench_reference`);
  const rate = (events * 1000) / ms;
  log(`${label} physical reference (readAll ×${REFERENCE_PAGE} → fold → one upsert per page): ${fmt(events)} events, ${fmt(cases)} cases in ${(ms / 1000).toFixed(2)} s = ${fmt(rate)} events/s`);
  return { rate, events, cases };
}

// ── the rebuild ──────────────────────────────────────────────────────────────────────────────

export async function rebuild(store: EventStore, db: Kysely<ReadModelDatabase>, label: string): Promise<{ rate: number; events: number }> {
  const projector = new Projector({ store, db, calendars });
  const start = performance.now();
  let lastReport = start;
  const events = await projector.rebuild([], (done) => {
    const now = performance.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      log(`  ${label} rebuild: ${fmt(done)} events, ${fmt((done * 1000) / (now - start))} events/s`);
    }
  });
  const ms = performance.now() - start;
  const rate = (events * 1000) / ms;
  log(`${label} Projector.rebuild(): ${fmt(events)} events in ${(ms / 1000).toFixed(2)} s = ${fmt(rate)} events/s`);
  return { rate, events };
}

/** The rebuilt tables against the cases folded while seeding; returns what does not match. */
export async function verify(db: Kysely<ReadModelDatabase>, seeded: Seeded, rebuilt: number, label: string): Promise<string[]> {
  const problems: string[] = [];
  if (rebuilt !== seeded.events) problems.push(`rebuild projected ${rebuilt} events, ${seeded.events} were appended`);
  const rows = await db.selectFrom('cases').select(['case_id', 'status', 'revision', 'registration_number']).execute();
  if (rows.length !== seeded.states.size) problems.push(`${rows.length} case rows for ${seeded.states.size} cases`);
  let wrong = 0;
  for (const r of rows) {
    const s = seeded.states.get(r.case_id);
    if (!s || s.status !== r.status || s.eventCount - 1 !== r.revision || (s.registrationNumber ?? null) !== r.registration_number) wrong++;
  }
  if (wrong > 0) problems.push(`${wrong} case rows differ from the cases folded in memory`);
  const registered = [...seeded.states.values()].filter((s) => s.registrationNumber && s.accessCodeDigest).length;
  const pub = Number((await db.selectFrom('public_status').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  if (pub !== registered) problems.push(`${pub} public status rows for ${registered} registered cases`);
  const stats = await db.selectFrom('agency_stats').select([sql<string>`sum(received)`.as('received'), sql<string>`sum(open_cases)`.as('open')]).executeTakeFirstOrThrow();
  const open = Number((await db.selectFrom('cases').select(sql<string>`count(*)`.as('n')).where('is_open', '=', true).executeTakeFirstOrThrow()).n);
  if (Number(stats.received) !== seeded.states.size || Number(stats.open) !== open) problems.push(`agency_stats: received ${stats.received}, open ${stats.open}; cases ${seeded.states.size}, open ${open}`);
  const facts = await db.selectFrom('annual_facts').select([sql<string>`count(*)`.as('n'), sql<string>`count(DISTINCT case_id)`.as('cases'), sql<string>`count(*) FILTER (WHERE is_new)`.as('new')]).executeTakeFirstOrThrow();
  if (Number(facts.cases) !== seeded.states.size || Number(facts.new) !== seeded.states.size) problems.push(`annual_facts: ${facts.cases} cases, ${facts.new} new rows for ${seeded.states.size} cases`);
  const cps = await db.selectFrom('projection_checkpoints').select(['projection', 'events']).execute();
  if (cps.length !== 4 || cps.some((c) => Number(c.events) !== seeded.events)) problems.push(`checkpoints: ${cps.map((c) => `${c.projection}=${c.events}`).join(', ')}; ${seeded.events} events`);
  const parked = Number((await db.selectFrom('parked_events').select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
  if (parked > 0) problems.push(`${parked} parked events`);
  log(`${label} check: ${fmt(rows.length)} case rows, ${fmt(pub)} public status rows, ${fmt(Number(facts.n))} annual facts rows, ${fmt(open)} open: ${problems.length === 0 ? 'all match the seeded cases' : `${problems.length} PROBLEMS`}`);
  return problems.map((p) => `${label}: ${p}`);
}

/** A database of its own on the server (the tests' `freshPostgres`), also dropped on Ctrl-C or SIGTERM. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const fresh = await freshPostgres();
  const interrupted = (signal: NodeJS.Signals) => {
    void fresh.drop().finally(() => process.kill(process.pid, signal));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return {
    url: fresh.url,
    async drop() {
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      await fresh.drop();
    },
  };
}

