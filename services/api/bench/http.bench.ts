/**
 * The HTTP API under load (issue #5): a started server — `src/start.ts`, the composition `pnpm
 * start` runs (API and worker in one process) — loaded over loopback by autocannon from a process
 * of its own, against the physical reference measured in the same run. In the same POST rounds on
 * PostgreSQL, the other deployment: the API alone (WORKER=off) with a `pnpm worker` process
 * (`src/workerMain.ts`) beside it (`two-processes`, its CPU both processes'):
 *
 * - `POST /v1/cases` (receive a request, 接收): a caseworker's valid JWT (the dev secret, as
 *   `pnpm start` prints), a registered-post request of ~450 bytes of JSON with Chinese text, every
 *   request a new case; events and read models on the local PostgreSQL server, in a fresh database
 *   (dropped at the end, also on Ctrl-C);
 * - `GET /v1/cases/{id}` over cases created first (SEED_CASES), each connection cycling through
 *   them in a shuffled order;
 * - the reference: a bare fastify app (`support/referenceServer.ts`, also a process of its own)
 *   whose POST does one `pg` INSERT of the same body into a jsonb table and answers 201, and whose
 *   GET does one `pg` SELECT of such a row by its id (SEED_CASES of them) and answers 200 with it;
 * - the same server on its default stores, embedded PGlite in a (temporary) data folder.
 *
 * Ours and the reference run in interleaved rounds (ours, reference, ours, …) so that a noisy
 * neighbour hits both alike: a warm-up of each, then ROUNDS rounds of ROUND_S seconds, the median
 * round is the figure (p99 is the median of the rounds' p99s). After every run the bench waits for
 * the worker to project what was created, so one run's backlog does not weigh on the next, and says
 * how far behind the worker was when the run ended. Every response must be 2xx; at the end the
 * read models must hold every acknowledged case (and no more than the runs could have left in
 * flight): otherwise the bench fails.
 *
 * Run with `pnpm bench api.http` (about 5 minutes; `pnpm bench http` also runs audit.bench.ts, whose
 * figure names hold `http`). Prints one JSON line per figure; `scripts/bench.mjs` records them in
 * docs/benchmarks.md. The other lines give per run the server's CPU per request
 * and that of the PostgreSQL backends connected to its database (from /proc; the reference has a
 * database of its own for that).
 *
 * Settings (environment):
 * - HTTP_BENCH_CONNECTIONS (32), HTTP_BENCH_ROUNDS (3), HTTP_BENCH_ROUND_S (10);
 * - HTTP_BENCH_LOG_LEVEL: the server's LOG_LEVEL (default info, as `pnpm start`); its log goes to a
 *   file, kept with HTTP_BENCH_KEEP=1 and whenever the bench fails;
 * - HTTP_BENCH_ONLY: `post`, `get` or `pglite`, one part only (no figures printed);
 * - HTTP_BENCH_PROFILE=1: our server runs with `node --cpu-prof`, and the bench prints where its CPU
 *   time went (self time by package, by calling package and by function; total time by function);
 * - HTTP_BENCH_SERVER=<script>: another composition in place of `src/start.ts` (an experiment; the
 *   same environment, and it must print `listening on <url>`);
 * - HTTP_BENCH_COMPARE=<script>: another composition (e.g. an older checkout's
 *   `services/api/src/start.ts`) on a database of its own, measured as `compare` in the same
 *   PostgreSQL rounds as ours, interleaved: an A/B in one run (in the text lines, not the figures).
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEV_SECRET, DEMO_AGENCY, issueToken } from '@disclosure/api';
import { summariseProfiles } from './support/cpuProfile.js';
import { runLoad, type LoadRequest, type LoadResult, type LoadSpec } from './support/load.js';
import { backendsCpuMs, cpuBetween, processCpuMs } from './support/procStat.js';
import { cleanEnv, startServer, type ServerProcess } from './support/servers.js';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CONNECTIONS = Number(process.env.HTTP_BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.HTTP_BENCH_ROUNDS ?? 3);
const ROUND_S = Number(process.env.HTTP_BENCH_ROUND_S ?? 10);
const WARM_UP_S = 5;
const SEED_CASES = 1_000;
const LOG_LEVEL = process.env.HTTP_BENCH_LOG_LEVEL ?? 'info';
const ONLY = process.env.HTTP_BENCH_ONLY as 'post' | 'get' | 'pglite' | undefined;
const PROFILE = process.env.HTTP_BENCH_PROFILE === '1';
const SERVER_SCRIPT = process.env.HTTP_BENCH_SERVER ?? 'src/start.ts';
const COMPARE_SCRIPT = process.env.HTTP_BENCH_COMPARE;
const GOALS = { postRate: 2_000, postP99: 30, getRate: 5_000, ratio: 0.6 };

// ── output ───────────────────────────────────────────────────────────────────────────────────

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');
const round2 = (n: number) => Math.round(n * 100) / 100;
const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(', ');
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function figure(bench: string, value: number, unit: string, compare?: Record<string, number | string>): void {
  console.log(JSON.stringify({ bench, value, unit, ...(compare ? { compare } : {}) }));
}

// ── what is sent ─────────────────────────────────────────────────────────────────────────────

/** A registered-post request signed for yesterday: what a caseworker types in from a letter (条例 第31条). */
function receiveBody(): string {
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    channel: 'registered-post',
    evidence: { signedForOn: yesterday },
    applicant: { kind: 'natural-person', name: '王小明', idNumber: '110101199001011234', phone: '13912345678', email: 'xiaoming@example.cn', address: '北京市朝阳区建国路88号3单元502室' },
    request: { description: '申请公开2024年本区征地补偿标准文件，包括区政府的批复、补偿款拨付明细及听证会记录。', writtenDownFromOralRequest: false },
  });
}

const BODY = receiveBody();

function shuffled<T>(xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

// ── the fresh database ───────────────────────────────────────────────────────────────────────

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

interface FreshDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A database of its own on the local server (ours: events and read models, as one deployment would have). */
async function freshDatabase(kind: string): Promise<FreshDatabase> {
  const name = `bench_http_${kind}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(BASE_URL), { pathname: `/${name}` }).toString();
  return { name, url, drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// ── the servers ──────────────────────────────────────────────────────────────────────────────

interface Context {
  readonly tmpDir: string;
  readonly token: string;
  readonly servers: ServerProcess[];
}

/** Our server (`src/start.ts`) on the given stores; profiled with HTTP_BENCH_PROFILE=1. */
async function startOurs(ctx: Context, name: string, stores: Record<string, string>, script = SERVER_SCRIPT): Promise<ServerProcess> {
  const nodeArgs = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ctx.tmpDir, 'profiles', name)}`] : [];
  const server = await startServer({ name, script, env: cleanEnv({ ...stores, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL }), logDir: ctx.tmpDir, nodeArgs });
  ctx.servers.push(server);
  return server;
}

/** Our API (`src/start.ts`, WORKER=off) and a worker process (`src/workerMain.ts`) beside it, as one server whose CPU is both processes'. */
async function startOursWithWorker(ctx: Context, name: string, stores: Record<string, string>): Promise<ServerProcess> {
  const api = await startOurs(ctx, name, { ...stores, WORKER: 'off' });
  const worker = await startServer({ name: `${name}-worker`, script: 'src/workerMain.ts', runsAs: 'worker', env: cleanEnv({ ...stores, LOG_LEVEL }), logDir: ctx.tmpDir, ready: /"msg":"worker started"/ });
  ctx.servers.push(worker);
  return Object.assign(Object.create(api) as ServerProcess, { pids: [api.pid, worker.pid] });
}

/** The processes whose CPU is the server's. */
const pidsOf = (server: ServerProcess): readonly number[] => (server as ServerProcess & { pids?: readonly number[] }).pids ?? [server.pid];
const serverCpuMs = (server: ServerProcess): number => pidsOf(server).reduce((sum, pid) => sum + processCpuMs(pid), 0);

async function startReference(ctx: Context, databaseUrl: string): Promise<ServerProcess> {
  const server = await startServer({ name: 'reference', script: 'bench/support/referenceServer.ts', env: cleanEnv({ DATABASE_URL: databaseUrl, PORT: '0' }), logDir: ctx.tmpDir });
  ctx.servers.push(server);
  return server;
}

/** Our server's worker state and read models, from /metrics. */
async function serverMetrics(server: ServerProcess): Promise<{ lagEvents: number; openCases: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return { lagEvents: value(/^disclosure_projector_lag_events (\S+)$/m), openCases: value(new RegExp(`^disclosure_open_cases\\{agency="${DEMO_AGENCY.id}"\\} (\\S+)$`, 'm')) };
}

/** Waits until the worker has projected everything; resolves to how far behind it was at first. */
async function settle(server: ServerProcess, timeoutMs = 180_000): Promise<number> {
  const first = (await serverMetrics(server)).lagEvents;
  const deadline = Date.now() + timeoutMs;
  for (let lag = first; lag !== 0; lag = (await serverMetrics(server)).lagEvents) {
    if (Date.now() > deadline) throw new Error(`${server.name}: the worker is still ${lag} events behind after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return first;
}

/** Creates at least `n` cases through the API (16 at a time), checking every answer; resolves to their ids. */
async function seedCases(server: ServerProcess, token: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  const create = async () => {
    const res = await fetch(`${server.url}/v1/cases`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: BODY });
    const body = (await res.json()) as { caseId?: string; status?: string; receivedOn?: string; deadline?: { dueDate?: string } };
    if (res.status !== 201 || body.status !== 'received' || body.receivedOn !== (JSON.parse(BODY) as { evidence: { signedForOn: string } }).evidence.signedForOn || !body.deadline?.dueDate)
      throw new Error(`${server.name}: POST /v1/cases answered ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
    ids.push(body.caseId!);
  };
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (ids.length < n) await create();
  }));
  return ids;
}

/** Creates `n` rows in the reference (16 at a time); resolves to their ids. */
async function seedReference(server: ServerProcess, n: number): Promise<string[]> {
  const ids: string[] = [];
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (ids.length < n) {
      const res = await fetch(`${server.url}/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      if (res.status !== 201) throw new Error(`reference: POST /v1/cases answered ${res.status}`);
      ids.push(((await res.json()) as { id: string }).id);
    }
  }));
  return ids;
}

// ── the runs ─────────────────────────────────────────────────────────────────────────────────

/** What one subject sends, to which server. */
interface Subject {
  readonly name: string;
  readonly server: ServerProcess;
  readonly requests: readonly LoadRequest[];
  /** Ours: wait for the worker after a run. */
  readonly projects: boolean;
  /** Its database on the PostgreSQL server, whose backends' CPU is measured too (none for PGlite). */
  readonly database?: string;
}

interface Run extends LoadResult {
  readonly serverCpuPerRequest: number;
  readonly postgresCpuPerRequest: number;
  /** Events the worker had not projected when the run ended (ours). */
  readonly lagAtEnd: number;
}

interface Summary {
  readonly name: string;
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly runs: readonly Run[];
  /** 2xx responses over all runs, warm-up included. */
  readonly acknowledged: number;
}

const failures: string[] = [];

/** One load run against a subject, with the CPU its server and PostgreSQL spent on it. */
async function runOnce(ctx: Context, subject: Subject, seconds: number): Promise<Run> {
  const spec: LoadSpec = { url: subject.server.url, connections: CONNECTIONS, seconds, headers: { authorization: `Bearer ${ctx.token}`, 'content-type': 'application/json' }, requests: subject.requests };
  const cpu0 = serverCpuMs(subject.server);
  const backends = subject.database ? backendsCpuMs(subject.database) : undefined;
  const r = await runLoad(spec, ctx.tmpDir);
  const serverCpu = serverCpuMs(subject.server) - cpu0;
  const postgresCpu = backends ? cpuBetween(backends, backendsCpuMs(subject.database!)) : NaN;
  if (r.non2xx > 0 || r.errors > 0) failures.push(`${subject.name}: ${r.non2xx} non-2xx answers, ${r.errors} errors (${r.timeouts} timeouts); status codes ${JSON.stringify(r.statusCodes)}`);
  const lagAtEnd = subject.projects ? await settle(subject.server) : 0;
  return { ...r, serverCpuPerRequest: (serverCpu * 1000) / r.ok, postgresCpuPerRequest: (postgresCpu * 1000) / r.ok, lagAtEnd };
}

function describe(run: Run): string {
  const postgres = Number.isNaN(run.postgresCpuPerRequest) ? '' : `, postgres CPU ${fmt(run.postgresCpuPerRequest)} µs/req`;
  return `${fmt(run.rate)}/s, p50 ${run.p50} ms, p99 ${run.p99} ms, server CPU ${fmt(run.serverCpuPerRequest)} µs/req${postgres}${run.lagAtEnd ? `, worker ${fmt(run.lagAtEnd)} events behind at the end` : ''}`;
}

/** Warms each subject up, then runs ROUNDS interleaved rounds; per subject, the median round. */
async function compareRounds(ctx: Context, label: string, subjects: readonly Subject[]): Promise<Map<string, Summary>> {
  const runs = new Map(subjects.map((s) => [s.name, [] as Run[]]));
  const acknowledged = new Map(subjects.map((s) => [s.name, 0]));
  const record = (s: Subject, run: Run) => acknowledged.set(s.name, acknowledged.get(s.name)! + run.ok);
  for (const s of subjects) {
    const warm = await runOnce(ctx, s, WARM_UP_S);
    record(s, warm);
    console.log(`${label} · ${s.name}: warm-up ${describe(warm)}`);
  }
  for (let round = 1; round <= ROUNDS; round++)
    for (const s of subjects) {
      const run = await runOnce(ctx, s, ROUND_S);
      record(s, run);
      runs.get(s.name)!.push(run);
      console.log(`${label} · ${s.name}: round ${round} ${describe(run)} (load average ${loadAverage()})`);
    }
  const out = new Map<string, Summary>();
  for (const s of subjects) {
    const rs = runs.get(s.name)!;
    const summary = { name: s.name, rate: median(rs.map((r) => r.rate)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), runs: rs, acknowledged: acknowledged.get(s.name)! };
    out.set(s.name, summary);
    console.log(`${label} · ${s.name}: median ${fmt(summary.rate)}/s (rounds ${rs.map((r) => fmt(r.rate)).join(', ')}), p50 ${summary.p50} ms, p99 ${summary.p99} ms, server CPU ${fmt(median(rs.map((r) => r.serverCpuPerRequest)))} µs/req`);
  }
  return out;
}

const postRequests: readonly LoadRequest[] = [{ method: 'POST', path: '/v1/cases', body: BODY }];
const getRequests = (ids: readonly string[]): LoadRequest[] => shuffled(ids).map((id) => ({ method: 'GET', path: `/v1/cases/${id}` }));

/** The read models hold every case acknowledged, and at most what the runs could have left in flight besides. */
async function verifyCases(server: ServerProcess, acknowledged: number, runs: number): Promise<void> {
  await settle(server);
  const { openCases } = await serverMetrics(server);
  if (!(openCases >= acknowledged && openCases <= acknowledged + CONNECTIONS * runs))
    failures.push(`${server.name}: ${openCases} cases in the read models, ${acknowledged} acknowledged (up to ${CONNECTIONS * runs} more may have been in flight)`);
  else console.log(`${server.name}: ${fmt(openCases)} cases in the read models, ${fmt(acknowledged)} acknowledged`);
}

/** A server and its database on the PostgreSQL server (none for PGlite). */
interface Target {
  readonly server: ServerProcess;
  readonly database?: string;
}

/** One of our servers, named in the output. */
interface OurTarget extends Target {
  readonly label: string;
}

/** What {@link measureServer} measures: our server (and HTTP_BENCH_COMPARE's), others only POSTed to, and the reference. */
interface Setup {
  readonly ours: readonly OurTarget[];
  /** Measured in the POST rounds only (`pnpm start`'s one process beside the two-process deployment). */
  readonly postOnly?: readonly OurTarget[];
  readonly reference?: Target;
}

/** Our servers: seed each, POST rounds (with the reference when given), GET rounds, the check. */
async function measureServer(ctx: Context, { ours, postOnly = [], reference }: Setup) {
  const seeded = new Map<string, string[]>();
  for (const o of [...ours, ...postOnly]) {
    seeded.set(o.label, await seedCases(o.server, ctx.token, SEED_CASES));
    await settle(o.server);
  }
  const doPost = ONLY === undefined || ONLY === 'post' || ONLY === 'pglite';
  const doGet = ONLY === undefined || ONLY === 'get' || ONLY === 'pglite';
  const posts: Subject[] = [...[...ours, ...postOnly].map((o) => ({ name: o.label, ...o, requests: postRequests, projects: true })), ...(reference ? [{ name: 'reference', ...reference, requests: postRequests, projects: false }] : [])];
  const post = doPost ? await compareRounds(ctx, 'POST /v1/cases', posts) : undefined;
  const referenceGet = doGet && reference ? [{ name: 'reference', ...reference, requests: getRequests(await seedReference(reference.server, SEED_CASES)), projects: false }] : [];
  const get = doGet ? await compareRounds(ctx, 'GET /v1/cases/{id}', [...ours.map((o) => ({ name: o.label, ...o, requests: getRequests(seeded.get(o.label)!), projects: false })), ...referenceGet]) : undefined;
  for (const o of [...ours, ...postOnly]) await verifyCases(o.server, seeded.get(o.label)!.length + (post?.get(o.label)?.acknowledged ?? 0), doPost ? ROUNDS + 1 : 0);
  return { post, get };
}

/** HTTP_BENCH_COMPARE's composition on a database of its own, measured in the same rounds as ours. */
async function startCompare(ctx: Context, databases: FreshDatabase[]): Promise<OurTarget[]> {
  if (!COMPARE_SCRIPT) return [];
  const db = await freshDatabase('cmp');
  databases.push(db);
  const server = await startOurs(ctx, 'api-compare', { EVENT_STORE_URL: db.url, DATABASE_URL: db.url }, COMPARE_SCRIPT);
  console.log(`compare: ${COMPARE_SCRIPT} at ${server.url} (pid ${server.pid}) on database ${db.name}`);
  return [{ label: 'compare', server, database: db.name }];
}

async function onPostgres(ctx: Context) {
  const databases: FreshDatabase[] = [];
  const dropAll = () => Promise.all(databases.map((d) => d.drop()));
  const interrupted = () => void dropAll().finally(() => process.exit(130));
  process.once('SIGINT', interrupted);
  try {
    const mine = await freshDatabase('api');
    databases.push(mine);
    const single = await freshDatabase('two');
    databases.push(single);
    const theirs = await freshDatabase('ref');
    databases.push(theirs);
    const ours = await startOurs(ctx, 'api-postgres', { EVENT_STORE_URL: mine.url, DATABASE_URL: mine.url });
    const twoProcesses = ONLY === 'get' ? undefined : await startOursWithWorker(ctx, 'api-two-processes', { EVENT_STORE_URL: single.url, DATABASE_URL: single.url });
    const reference = await startReference(ctx, theirs.url);
    console.log(`PostgreSQL: our server ${ours.url} (pid ${ours.pid}, log ${ours.logFile}) on database ${mine.name}; API and worker processes ${twoProcesses?.url ?? '-'} (pids ${twoProcesses ? pidsOf(twoProcesses).join(', ') : '-'}) on ${single.name}; reference ${reference.url} on ${theirs.name}; ${CONNECTIONS} connections`);
    const compare = await startCompare(ctx, databases);
    return await measureServer(ctx, {
      ours: [{ label: 'ours', server: ours, database: mine.name }, ...compare],
      postOnly: twoProcesses ? [{ label: 'two-processes', server: twoProcesses, database: single.name }] : [],
      reference: { server: reference, database: theirs.name },
    });
  } finally {
    await Promise.all(ctx.servers.map((s) => s.stop()));
    process.off('SIGINT', interrupted);
    await dropAll();
  }
}

async function onPglite(ctx: Context) {
  const ours = await startOurs(ctx, 'api-pglite', { DATA_DIR: path.join(ctx.tmpDir, 'data') });
  try {
    console.log(`PGlite: our server ${ours.url} (pid ${ours.pid}) on embedded PGlite in ${path.join(ctx.tmpDir, 'data')}`);
    return await measureServer(ctx, { ours: [{ label: 'ours-pglite', server: ours }] });
  } finally {
    await ours.stop();
  }
}

// ── figures and goals ────────────────────────────────────────────────────────────────────────

function report(pgPost: Map<string, Summary>, pgGet: Map<string, Summary>, litePost: Map<string, Summary>, liteGet: Map<string, Summary>): void {
  const ours = pgPost.get('ours')!;
  const ref = pgPost.get('reference')!;
  const two = pgPost.get('two-processes')!;
  const get = pgGet.get('ours')!;
  const refGet = pgGet.get('reference')!;
  const lp = litePost.get('ours-pglite')!;
  const lg = liteGet.get('ours-pglite')!;
  const ratio = round2(ours.rate / ref.rate);
  figure('api.http.post-cases', Math.round(ours.rate), 'req/s', { reference: Math.round(ref.rate), ratio, 'p99-ms': ours.p99, 'reference-p99-ms': ref.p99, 'two-processes': Math.round(two.rate), 'two-processes-p99-ms': two.p99 });
  figure('api.http.post-cases.p99', ours.p99, 'ms', { 'p50-ms': ours.p50, reference: ref.p99 });
  figure('api.http.get-case', Math.round(get.rate), 'req/s', { reference: Math.round(refGet.rate), ratio: round2(get.rate / refGet.rate), 'p50-ms': get.p50, 'p99-ms': get.p99, 'reference-p99-ms': refGet.p99 });
  figure('api.http.post-cases.pglite', Math.round(lp.rate), 'req/s', { 'p50-ms': lp.p50, 'p99-ms': lp.p99, postgres: Math.round(ours.rate) });
  figure('api.http.get-case.pglite', Math.round(lg.rate), 'req/s', { 'p50-ms': lg.p50, 'p99-ms': lg.p99, postgres: Math.round(get.rate) });
  const missed = [
    ours.rate >= GOALS.postRate ? null : `POST /v1/cases ${fmt(ours.rate)}/s, below ${fmt(GOALS.postRate)}/s`,
    ours.p99 < GOALS.postP99 ? null : `POST /v1/cases p99 ${ours.p99} ms, not below ${GOALS.postP99} ms`,
    get.rate >= GOALS.getRate ? null : `GET /v1/cases/{id} ${fmt(get.rate)}/s, below ${fmt(GOALS.getRate)}/s`,
    ratio >= GOALS.ratio ? null : `${ratio}× the reference, below ${GOALS.ratio}×`,
  ].filter((m) => m !== null);
  console.log(missed.length === 0 ? `goals met: POST ≥ ${fmt(GOALS.postRate)}/s with p99 < ${GOALS.postP99} ms, GET ≥ ${fmt(GOALS.getRate)}/s, ≥ ${GOALS.ratio}× the reference` : `goals NOT met: ${missed.join('; ')}`);
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

const started = performance.now();
const ctx: Context = {
  tmpDir: await mkdtemp(path.join(os.tmpdir(), 'bench-http-')),
  token: await issueToken(DEV_SECRET, { sub: 'bench-caseworker', agency: DEMO_AGENCY.id, roles: ['caseworker'], name: '压测办理员' }),
  servers: [],
};
try {
  console.log(`${os.cpus().length} cores, load average ${loadAverage()}; ${ROUNDS} rounds of ${ROUND_S} s after a ${WARM_UP_S} s warm-up, ${CONNECTIONS} connections, server LOG_LEVEL ${LOG_LEVEL}`);
  const pgResult = ONLY === 'pglite' ? undefined : await onPostgres(ctx);
  const liteResult = ONLY === undefined || ONLY === 'pglite' ? await onPglite(ctx) : undefined;
  if (failures.length > 0) throw new Error(`wrong answers:\n  ${failures.join('\n  ')}`);
  if (ONLY === undefined) report(pgResult!.post!, pgResult!.get!, liteResult!.post!, liteResult!.get!);
  if (PROFILE) for (const line of summariseProfiles(path.join(ctx.tmpDir, 'profiles', ONLY === 'pglite' ? 'api-pglite' : 'api-postgres'))) console.log(line);
  console.log(`load average at the end ${loadAverage()}; bench time ${Math.round((performance.now() - started) / 1000)} s`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  await Promise.all(ctx.servers.map((s) => s.stop()));
  if (process.env.HTTP_BENCH_KEEP || process.exitCode) console.log(`the servers' logs are kept in ${ctx.tmpDir}`);
  else await rm(ctx.tmpDir, { recursive: true, force: true });
}
