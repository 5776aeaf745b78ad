/**
 * The deadline clock's sweep over 100,000 open cases (issue #6), on the local PostgreSQL server:
 * how many open cases per second a sweep gets through, and how long it takes.
 *
 * - `clock.sweep.catch-up`: the first sweep over a store nobody swept before: every case late or
 *   within 5 working days gets its alert (about a third of them: a backlog, the worst day).
 * - `clock.sweep.daily`: the next working day's sweep after that one was projected: only the cases
 *   that crossed a threshold (5 or 1 working days left, or the due date) overnight get an alert.
 * - `clock.sweep.idle`: the same day swept again: nothing to record, every candidate settled from
 *   its read-model row without reading a stream.
 * - `clock.recompute`: a 2027 notice loaded (synthetic: New Year 01-01…01-03 off): the open cases
 *   whose due date runs into 2027 get `DeadlineRecomputed` (the sweep over every open case, the
 *   streams of those that moved, one append each).
 * - `compare`: the same question answered by reading every case's stream and deciding on it
 *   (`read-every-stream`, measured on a sample of 10,000 cases), in cases/s; `ratio` = ours ÷ it.
 *   The naive sweep appends nothing; it only finds out.
 *
 * Seeding (timed into no figure): a fresh database with a random name (dropped at the end, also on
 * Ctrl-C). 100,000 requests received on the 24 working days up to Thu 2026-12-10 (the sweep's
 * day), each received and registered through the domain's `decide` and appended as one 2-event
 * batch by 16 concurrent writers (`synchronous_commit = off` for the seeding connections only);
 * then the read models are rebuilt by the projector. The timed sweeps run `DeadlineClock` as the
 * worker does (16 cases loaded and appended at once, on a pool of 16 connections), and each is
 * checked: the events appended must be exactly those the domain decides for the cases folded in
 * memory, and a second run must append nothing; a mismatch fails the bench.
 *
 * Run with `pnpm bench clock` (about 2 minutes). CLOCK_BENCH_CASES changes the number of cases.
 * Prints one JSON line per figure; `scripts/bench.mjs` records them in docs/benchmarks.md.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { amendCalendar, builtinCalendars, type IsoDate } from '@disclosure/calendar';
import { decide, deadlineAlerts, deadlineRecomputation, DEFAULT_ALERT_THRESHOLDS, evolve, foldCase, initialCaseState, isDomainError, parseCaseEvent, type CaseCommand, type CaseEvent, type CaseState } from '@disclosure/domain';
import { pgDatabase, PostgresEventStore, type EventStore } from '@disclosure/event-store';
import { openReadModels, Projector, type ReadModelDatabase } from '@disclosure/read-models';
import { sql, type Kysely } from 'kysely';
import { amendCalendarStream, CalendarBook, DeadlineClock } from '../src/index.js';

const URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CASES = Number(process.env.CLOCK_BENCH_CASES ?? 100_000);
const WRITERS = 16;
const SAMPLE = Math.min(10_000, CASES);
const TODAY = '2026-12-10';
const NEXT_DAY = '2026-12-11';
const at = (day: IsoDate) => `${day}T02:00:00Z`; // 10:00 in Beijing
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (line: string) => console.log(line);
const figure = (bench: string, value: number, unit: string, compare?: Record<string, number>) => console.log(JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit, ...(compare ? { compare } : {}) }));
const NOTICE_2027 = { source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic, New Year only)', years: [{ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'].map((date) => ({ date, name: '元旦' })), workingDays: [] }] };

const calendars = builtinCalendars();
const cn = calendars.current('CN');

// ── a database of its own ────────────────────────────────────────────────────────────────────

const dbName = `clock_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const dbUrl = (() => {
  const u = new globalThis.URL(URL);
  u.pathname = `/${dbName}`;
  return u.toString();
})();

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let dropped = false;
const drop = async () => {
  if (dropped) return;
  dropped = true;
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
};
process.on('SIGINT', () => void drop().finally(() => process.exit(130)));

// ── seeding ──────────────────────────────────────────────────────────────────────────────────

/** The working days up to `day` (inclusive), the last `n` of them. */
function lastWorkingDays(day: IsoDate, n: number): IsoDate[] {
  const out: IsoDate[] = [];
  for (let k = 0; out.length < n; k++) {
    const d = cn.addWorkingDays(day, -k).date;
    if (k === 0 && !cn.isWorkingDay(day)) continue;
    out.unshift(d);
  }
  return out;
}

const actor = { id: 'cw-bench', role: 'caseworker', agency: 'demo' } as const;

/** A received and registered request: its two events, decided by the domain, and its folded state. */
function newCase(caseId: string, day: IsoDate, n: number): { events: CaseEvent[]; state: CaseState } {
  const commands = [
    { type: 'receiveRequest', caseId, at: at(day), actor, data: { jurisdiction: 'CN', channel: 'online', evidence: { confirmedByBothOn: day }, applicant: { kind: 'natural-person', name: `申请人${n}` }, request: { description: `关于${day}的政府信息公开申请 ${n}`, writtenDownFromOralRequest: false } } },
    { type: 'registerRequest', caseId, at: at(day), actor, data: { registrationNumber: `demo-2026-${n}`, accessCodeDigest: 'e'.repeat(64) } },
  ] as unknown as CaseCommand[];
  let state = initialCaseState();
  const events: CaseEvent[] = [];
  for (const c of commands) {
    const decided = decide(state, c, { calendars });
    if (isDomainError(decided)) throw decided;
    for (const e of decided) {
      events.push(e);
      state = evolve(state, e);
    }
  }
  return { events, state };
}

async function seed(store: EventStore): Promise<Map<string, CaseState>> {
  const days = lastWorkingDays(TODAY, 24);
  const states = new Map<string, CaseState>();
  let next = 0;
  const started = performance.now();
  const writer = async () => {
    for (let n = next++; n < CASES; n = next++) {
      const caseId = randomUUID();
      const day = days[n % days.length]!;
      const { events, state } = newCase(caseId, day, n + 1);
      await store.append(caseId, events.map((e) => ({ id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata: { actor: actor.id, agency: actor.agency, role: actor.role, correlationId: caseId, causationId: null, occurredAt: at(day) } })), { expectedRevision: 'no_stream' });
      states.set(caseId, state);
      if (n % 20_000 === 0 && n > 0) log(`  seeded ${fmt(n)} cases (${fmt(n / ((performance.now() - started) / 1000))}/s)`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  log(`seeded ${fmt(CASES)} cases (${fmt(CASES * 2)} events) received ${days[0]}…${days.at(-1)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return states;
}

async function catchUp(projector: Projector): Promise<void> {
  for (;;) if ((await projector.step(5_000)).caughtUp) return;
}

// ── what the domain says should be recorded, from the states folded in memory ─────────────────

function expectedEvents(states: Map<string, CaseState>, decideOn: (state: CaseState) => readonly CaseEvent[]): Map<string, CaseEvent[]> {
  const out = new Map<string, CaseEvent[]>();
  for (const [caseId, state] of states) {
    const events = decideOn(state);
    if (events.length) out.set(caseId, [...events]);
  }
  return out;
}

/** Folds the stored events into the in-memory states and checks they are exactly the expected ones. */
async function check(store: EventStore, states: Map<string, CaseState>, expected: Map<string, CaseEvent[]>, what: string): Promise<void> {
  const work = [...expected];
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const [caseId, events] = work[i]!;
      const stored = await store.read(caseId, { from: states.get(caseId)!.eventCount });
      const got = JSON.stringify(stored.map((e) => ({ type: e.type, data: e.data })));
      const want = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data })));
      if (got !== want) throw new Error(`${what}: case ${caseId} has ${got}; expected ${want}`);
      states.set(caseId, foldCase(stored.map((e) => parseCaseEvent(e)), states.get(caseId)!));
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, lane));
  log(`  checked: ${fmt(work.length)} cases have exactly the events the domain decides`);
}

async function casesWithAlerts(db: Kysely<ReadModelDatabase>): Promise<number> {
  const r = await sql<{ n: string }>`SELECT count(*) AS n FROM cases WHERE jsonb_array_length(alerts) > 0`.execute(db);
  return Number(r.rows[0]!.n);
}

// ── the naive reference: read every stream, decide on it ─────────────────────────────────────

async function readEveryStream(store: EventStore, caseIds: readonly string[], today: IsoDate): Promise<number> {
  const started = performance.now();
  let next = 0;
  let due = 0;
  const lane = async () => {
    for (let i = next++; i < caseIds.length; i = next++) {
      const state = foldCase((await store.read(caseIds[i]!)).map((e) => parseCaseEvent(e)), initialCaseState());
      if (deadlineAlerts(state, today, DEFAULT_ALERT_THRESHOLDS, { calendars }).length) due++;
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, lane));
  const seconds = (performance.now() - started) / 1000;
  log(`  read-every-stream: ${fmt(caseIds.length)} streams read and decided in ${seconds.toFixed(2)} s (${fmt(due)} with an alert due)`);
  return caseIds.length / seconds;
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  try {
    const seeding = await PostgresEventStore.open(pgDatabase({ connectionString: dbUrl, max: WRITERS, options: '-c synchronous_commit=off' }), { schema: 'events' });
    const states = await seed(seeding);
    await seeding.close();
    const vacuum = new pg.Client({ connectionString: dbUrl });
    await vacuum.connect();
    await vacuum.query('VACUUM ANALYZE events.events');
    await vacuum.end();

    const store = await PostgresEventStore.open(pgDatabase({ connectionString: dbUrl, max: WRITERS }), { schema: 'events' });
    const db = await openReadModels({ url: dbUrl, poolSize: 4 });
    const book = new CalendarBook();
    const projector = new Projector({ store, db, calendars: book, onOtherEvent: (e) => book.apply(e) });
    let t0 = performance.now();
    await catchUp(projector);
    log(`read models projected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const clockOn = (day: IsoDate) => new DeadlineClock({ store, db, calendars: book, now: () => new Date(at(day)), concurrency: WRITERS });
    const timed = async (name: string, day: IsoDate, expected: Map<string, CaseEvent[]>) => {
      t0 = performance.now();
      const r = await clockOn(day).sweep();
      const seconds = (performance.now() - t0) / 1000;
      const want = [...expected.values()].reduce((n, e) => n + e.length, 0);
      log(`${name}: ${fmt(r.examined)} candidates of ${fmt(CASES)} open cases, ${fmt(r.loaded)} streams read, ${fmt(r.appended)} alerts recorded in ${seconds.toFixed(2)} s`);
      if (r.appended !== want || r.contended !== 0) throw new Error(`${name}: recorded ${r.appended} alerts (${r.contended} contended); the domain decides ${want}`);
      await check(store, states, expected, name);
      await catchUp(projector);
      return { r, seconds };
    };
    const alertsOn = (day: IsoDate) => expectedEvents(states, (s) => deadlineAlerts(s, day, DEFAULT_ALERT_THRESHOLDS, { calendars: book }));

    const sample = [...states.keys()].slice(0, SAMPLE);
    const naive = await readEveryStream(store, sample, TODAY);

    const first = await timed('catch-up sweep', TODAY, alertsOn(TODAY));
    figure('clock.sweep.catch-up', CASES / first.seconds, 'cases/s', { seconds: first.seconds, cases: CASES, alerts: first.r.appended, 'read-every-stream': naive, ratio: CASES / first.seconds / naive });
    const idle = await timed('idle sweep (same day again)', TODAY, new Map());
    if (idle.r.loaded !== 0) throw new Error(`the idle sweep read ${idle.r.loaded} streams; the read models should have settled every case`);
    figure('clock.sweep.idle', CASES / idle.seconds, 'cases/s', { seconds: idle.seconds, cases: CASES, 'read-every-stream': naive, ratio: CASES / idle.seconds / naive });
    const daily = await timed('daily sweep (next working day)', NEXT_DAY, alertsOn(NEXT_DAY));
    figure('clock.sweep.daily', CASES / daily.seconds, 'cases/s', { seconds: daily.seconds, cases: CASES, alerts: daily.r.appended, 'read-every-stream': naive, ratio: CASES / daily.seconds / naive });
    figure('clock.sweep.daily.seconds', daily.seconds, 's', { cases: CASES });
    log(`  cases with an alert in the read models: ${fmt(await casesWithAlerts(db))}`);

    // the 2027 notice: loaded, then every open case running into 2027 recomputed
    const context = { actor: 'bench', agency: 'demo', role: 'admin', correlationId: randomUUID(), causationId: null, occurredAt: at(NEXT_DAY) };
    const amended = amendCalendar(cn, NOTICE_2027);
    const change = { calendarId: 'CN', previousVersion: cn.version, version: amended.version, reason: NOTICE_2027.source, inForceFrom: NEXT_DAY };
    const expectedRecomputed = expectedEvents(states, (s) => deadlineRecomputation(s, change, NEXT_DAY, { calendars: calendars.with(amended, NEXT_DAY) }));
    await amendCalendarStream(store, book, 'CN', NOTICE_2027, context);
    await catchUp(projector);
    t0 = performance.now();
    const recomputed = await clockOn(NEXT_DAY).recomputePending();
    const seconds = (performance.now() - t0) / 1000;
    log(`recomputation: ${fmt(recomputed)} open cases got DeadlineRecomputed in ${seconds.toFixed(2)} s`);
    if (recomputed !== expectedRecomputed.size) throw new Error(`recomputed ${recomputed} cases; the domain decides ${expectedRecomputed.size}`);
    await check(store, states, expectedRecomputed, 'recomputation');
    if ((await clockOn(NEXT_DAY).recompute(change)) !== 0) throw new Error('a second recomputation recorded events');
    figure('clock.recompute', CASES / seconds, 'cases/s', { seconds, cases: CASES, recomputed });

    await db.destroy();
    await store.close();
  } finally {
    await drop();
  }
}

main().catch(async (e) => {
  console.error(e);
  await drop().catch(() => {});
  process.exit(1);
});
