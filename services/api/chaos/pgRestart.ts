/**
 * `pnpm chaos`: PostgreSQL is restarted while a load runs against a started server (API + worker on
 * local PostgreSQL). While it is down the API must answer 503 problem+json (never hang, never 500),
 * it must recover by itself, and every case whose creation was acknowledged (201) must be there
 * afterwards, in the event store and in the read models. Not part of `pnpm test`: it restarts the
 * machine's PostgreSQL. Writes its findings to docs/reliability.md.
 *
 * CHAOS_MODE=immediate restarts it in PostgreSQL's immediate mode instead of the fast one: as a
 * crash, without a shutdown checkpoint, so the WAL the server had not yet written is lost — the
 * transactions the worker commits asynchronously (its rows and checkpoints, DERIVED_WRITES_COMMIT)
 * may go with it, and must be derived again from the log: the agency's counters then still equal the
 * cases in the event store (never counted twice, none missing).
 *
 * PG_CLUSTER (default `main`) names the cluster restarted, with DATABASE_URL pointing at it: a
 * cluster of its own (`pg_createcluster 15 chaos -p 5433 -- --auth=trust`) leaves other users of the
 * machine's PostgreSQL undisturbed.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import pg from 'pg';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const name = `chaos_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const url = Object.assign(new URL(BASE), { pathname: `/${name}` }).toString();
const port = 3000 + Math.floor(Math.random() * 1000) + 1000;
const api = `http://127.0.0.1:${port}`;
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: BASE });
  await c.connect();
  await c.query(sql);
  await c.end();
};
const version = execFileSync('bash', ['-c', 'ls /etc/postgresql | sort -V | tail -n 1']).toString().trim();
const cluster = process.env.PG_CLUSTER ?? 'main';
const mode = process.env.CHAOS_MODE === 'immediate' ? 'immediate' : 'fast';
// not execFileSync: the load must go on while the cluster is down
const pgctl = (action: string) => promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', '--mode', mode, version, cluster, action]);

await admin(`CREATE DATABASE ${name}`);
const server = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', 'src/start.ts'], {
  cwd: new URL('..', import.meta.url).pathname,
  env: { ...process.env, EVENT_STORE_URL: url, DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'error' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let banner = '';
server.stdout.on('data', (d: Buffer) => (banner += d.toString()));
let serverExit: number | string | null = null; // the server must outlive the restart
const exited = new Promise<void>((resolve) => server.once('exit', (code, signal) => ((serverExit = code ?? signal ?? 'exited'), resolve())));
for (let i = 0; !banner.includes('caseworker ') && i < 600; i++) await new Promise((r) => setTimeout(r, 100));
const token = /caseworker\s+(\S+)/.exec(banner)![1]!;

const tally = { acknowledged: [] as string[], unavailable: 0, otherErrors: new Map<string, number>(), requests: 0 };
const body = JSON.stringify({ channel: 'online', evidence: { confirmedByBothOn: '2026-11-20' }, applicant: { kind: 'natural-person', name: '压力测试' }, request: { description: '重启期间的申请' } });
const count = (key: string) => tally.otherErrors.set(key, (tally.otherErrors.get(key) ?? 0) + 1);
let running = true;
const worker = async () => {
  while (running) {
    tally.requests++;
    try {
      const res = await fetch(`${api}/v1/cases`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      const text = await res.text();
      if (res.status === 201) tally.acknowledged.push((JSON.parse(text) as { caseId: string }).caseId);
      else if (res.status === 503 && res.headers.get('content-type')?.startsWith('application/problem+json')) tally.unavailable++;
      else count(`${res.status} ${text.slice(0, 120)}`);
    } catch (e) {
      count(`transport: ${(e as Error).name}`);
    }
  }
};
const load = Promise.all(Array.from({ length: 8 }, worker));
/** The `cases` projection's checkpoint as the server has it now (null while it cannot be read). */
const projectedUpTo = async (): Promise<bigint | null> => {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await c.connect();
    const r = await c.query<{ position: string }>(`SELECT position::text FROM projection_checkpoints WHERE projection = 'cases'`);
    return r.rows[0] ? BigInt(r.rows[0].position) : null;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
};
await new Promise((r) => setTimeout(r, 2_500));
// the checkpoint the worker had committed (asynchronously) just before the crash; after it, the first one readable:
// lower means the crash took back projector transactions, which the worker then projected again
let seenBefore: bigint | null = null;
for (const until = Date.now() + 500; Date.now() < until; ) {
  const p = await projectedUpTo();
  if (p !== null && (seenBefore === null || p > seenBefore)) seenBefore = p;
}
const before = tally.acknowledged.length;
const restartedAt = Date.now();
await pgctl('restart');
const restartSeconds = (Date.now() - restartedAt) / 1000;
let foundAfter: bigint | null = null;
for (let i = 0; i < 300 && foundAfter === null; i++) foundAfter = await projectedUpTo();
let recoveredAfter = NaN;
for (let i = 0; i < 600; i++) {
  const n = tally.acknowledged.length;
  await new Promise((r) => setTimeout(r, 100));
  if (tally.acknowledged.length > n) {
    recoveredAfter = (Date.now() - restartedAt) / 1000;
    break;
  }
}
await new Promise((r) => setTimeout(r, 3_000));
running = false;
await load;
const c = new pg.Client({ connectionString: url });
await c.connect();
// until the worker has projected every event (its reconnection backoff may have grown while the server was down)
const projectedAll = async () => (await c.query<{ done: boolean }>(`SELECT coalesce((SELECT min(position) FROM projection_checkpoints WHERE projection IN ('cases', 'agency_stats')), -1) >= coalesce((SELECT max(position) FROM disclosure.events), -1) AS done`)).rows[0]!.done;
for (const until = Date.now() + 60_000; Date.now() < until && !(await projectedAll()); ) await new Promise((r) => setTimeout(r, 250));
await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
const inStore = new Set((await c.query<{ stream_id: string }>(`SELECT DISTINCT stream_id FROM disclosure.events`)).rows.map((r) => r.stream_id));
const inReadModel = new Set((await c.query<{ case_id: string }>(`SELECT case_id FROM cases`)).rows.map((r) => r.case_id));
// per agency: cases received in the log, counted in agency_stats, rows in cases — one snapshot
const perAgency = (await c.query<{ agency: string; logged: number; counted: number; rows: number }>(`
  WITH logged AS (SELECT data->>'agency' AS agency, count(*)::int AS n FROM disclosure.events WHERE type = 'RequestReceived' GROUP BY 1),
       rows AS (SELECT agency, count(*)::int AS n FROM cases GROUP BY 1)
  SELECT agency, coalesce(l.n, 0) AS logged, coalesce(s.received, 0)::int AS counted, coalesce(r.n, 0) AS rows
  FROM logged l FULL JOIN agency_stats s USING (agency) FULL JOIN rows r USING (agency)`)).rows;
await c.query('COMMIT');
await c.end();
const receivedInStore = perAgency.reduce((n, a) => n + a.logged, 0);
const countedReceived = perAgency.reduce((n, a) => n + a.counted, 0);
const agenciesOff = perAgency.filter((a) => a.logged !== a.counted || a.logged !== a.rows).length;
const lost = tally.acknowledged.filter((id) => !inStore.has(id));
const unprojected = tally.acknowledged.filter((id) => !inReadModel.has(id));
const survived = serverExit === null;
server.kill('SIGTERM');
await exited;
await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);

const result = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}`,
  requests: tally.requests,
  acknowledged: tally.acknowledged.length,
  acknowledgedBeforeRestart: before,
  answered503: tally.unavailable,
  otherErrors: Object.fromEntries(tally.otherErrors),
  restartTookSeconds: restartSeconds,
  firstAcknowledgedAfterRestartSeconds: recoveredAfter,
  lostAcknowledged: lost.length,
  notProjected: unprojected.length,
  receivedInStore,
  countedReceived,
  agenciesOff,
  projectorCheckpointBeforeCrash: seenBefore?.toString() ?? null,
  projectorCheckpointAfterRestart: foundAfter?.toString() ?? null,
  projectorTookBack: seenBefore !== null && foundAfter !== null && foundAfter < seenBefore,
  serverSurvived: survived,
};
console.log(JSON.stringify(result));
const doc = new URL('../../../docs/reliability.md', import.meta.url).pathname;
let text: string;
try {
  text = readFileSync(doc, 'utf8');
} catch {
  text = '';
}
const marker = mode === 'immediate' ? '<!-- chaos:pg-crash -->' : '<!-- chaos:pg-restart -->';
const section = `${marker}
## PostgreSQL ${mode === 'immediate' ? 'crashed (immediate mode) and restarted' : 'restarted'} under load (\`${mode === 'immediate' ? 'CHAOS_MODE=immediate ' : ''}pnpm chaos\`)

${result.date}, ${result.machine}. Eight clients create cases against \`pnpm start\` on local
PostgreSQL (events and read models); after 3 s the PostgreSQL cluster is restarted
(\`pg_ctlcluster --mode ${mode} … ${cluster} restart\`, ${result.restartTookSeconds.toFixed(1)} s), the load goes on for 3 s more.${mode === 'immediate' ? ' Immediate mode stops the server as a crash would: no shutdown checkpoint, the WAL not yet written lost, recovery at start.' : ''}

| figure | value |
|---|---|
| requests | ${result.requests} |
| acknowledged (201) | ${result.acknowledged} (${result.acknowledgedBeforeRestart} before the restart; the event store may hold a few more, creations committed whose answer the restart cut off) |
| answered 503 problem+json while the store was down | ${result.answered503} |
| any other answer | ${Object.keys(result.otherErrors).length ? Object.entries(result.otherErrors).map(([k, v]) => `${v}× ${k}`).join('; ') : 'none'} |
| first acknowledged creation after the restart began | ${Number.isNaN(result.firstAcknowledgedAfterRestartSeconds) ? 'never' : `${result.firstAcknowledgedAfterRestartSeconds.toFixed(1)} s`} |
| acknowledged cases missing from the event store | ${result.lostAcknowledged} |
| acknowledged cases missing from the read models afterwards | ${result.notProjected} |
| cases received, in the event store / counted in \`agency_stats\` | ${result.receivedInStore} / ${result.countedReceived} (agencies whose log, counters and \`cases\` rows differ: ${result.agenciesOff}) |
| the \`cases\` projection's checkpoint just before / first read after | ${result.projectorCheckpointBeforeCrash ?? '?'} / ${result.projectorCheckpointAfterRestart ?? '?'}: ${result.projectorTookBack ? 'the restart took back projector transactions, projected again since' : 'nothing taken back'} |
| the server process survived the restart | ${result.serverSurvived ? 'yes' : 'no: it exited (' + String(serverExit) + ')'} |
${marker}`;
const pattern = new RegExp(`${marker}[\\s\\S]*${marker}`);
text = pattern.test(text) ? text.replace(pattern, section) : `${text || '# Reliability\n\nWhat breaks, what we checked, and what happened.\n'}\n${section}\n`;
writeFileSync(doc, text);
process.exit(result.serverSurvived && result.lostAcknowledged === 0 && result.notProjected === 0 && result.agenciesOff === 0 && !Number.isNaN(result.firstAcknowledgedAfterRestartSeconds) ? 0 : 1);
