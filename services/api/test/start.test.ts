import t, { type Test } from 'tap';
import { amendCalendarStream, loadCalendarBook } from '@disclosure/api';
import { openEventStore } from '@disclosure/event-store';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const apiDir = fileURLToPath(new URL('..', import.meta.url));

t.test('pnpm start on a fresh data folder: ready, its printed token works, SIGTERM stops it cleanly', async (t) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'disclosure-start-')), 'data');
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const { NODE_OPTIONS: _ignored, JWT_SECRET: _s, JWKS_URL: _j, EVENT_STORE_URL: _e, DATABASE_URL: _d, WORKER: _w, ...env } = process.env;
  const child = startProcess('src/start.ts', { ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
  await child.waitFor(/admin\s+\S+\.\S+\.\S+/);
  const out = child.output();
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  const token = /caseworker\s+(\S+\.\S+\.\S+)/.exec(out)?.[1];
  t.ok(url && token, `it printed the URL and dev tokens:\n${out}`);
  t.ok(existsSync(join(dataDir, 'events')) && existsSync(join(dataDir, 'read-models')), 'the data folder was created with both stores');
  const ready = await fetch(`${url}/health/ready`);
  t.equal(ready.status, 200);
  t.match(await ready.json(), { status: 'ready', eventStore: 'up', readModels: 'up' });
  const created = await fetch(`${url}/v1/cases`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ channel: 'in-person', evidence: { handedInOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '预算' } }),
  });
  t.equal(created.status, 201, 'the printed caseworker token is accepted');
  t.equal((await fetch(`${url}/v1/cases`, { headers: { authorization: 'Bearer not.a.token' } })).status, 401);
  t.equal(await child.stop(), 0, 'SIGTERM drains and exits 0');
});

t.test('WORKER=off: the API alone on PostgreSQL; a `pnpm worker` beside it projects what it received', async (t) => {
  const url = await freshDatabase(t, 'start_split');
  const { NODE_OPTIONS: _ignored, JWT_SECRET: _s, JWKS_URL: _j, WORKER: _w, ...env } = process.env;
  const stores = { ...env, EVENT_STORE_URL: url, DATABASE_URL: url, LOG_LEVEL: 'info' };
  const api = startProcess('src/start.ts', { ...stores, PORT: '0', WORKER: 'off' });
  t.teardown(() => api.stop());
  await api.waitFor(/admin\s+\S+\.\S+\.\S+/);
  const origin = /listening on (http:\/\/\S+)/.exec(api.output())?.[1];
  const token = /caseworker\s+(\S+\.\S+\.\S+)/.exec(api.output())?.[1];
  t.match(api.output(), /API only, WORKER=off/, 'it says it runs no worker');
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${origin}/v1/cases`, { method: 'POST', headers, body: JSON.stringify({ channel: 'in-person', evidence: { handedInOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '预算' } }) });
  t.equal(created.status, 201);
  const { caseId } = (await created.json()) as { caseId: string };
  const listed = async () => ((await (await fetch(`${origin}/v1/cases`, { headers })).json()) as { items: { caseId: string }[] }).items.some((i) => i.caseId === caseId);
  const lag = async () => Number(/^disclosure_projector_lag_events (\S+)$/m.exec(await (await fetch(`${origin}/metrics`)).text())?.[1]);
  await new Promise((r) => setTimeout(r, 1_500));
  t.equal(await listed(), false, 'no worker in the API process: the case is not in the read models');
  t.ok((await lag()) >= 1, '/metrics shows the events waiting for a worker');
  const worker = startProcess('src/workerMain.ts', stores);
  t.teardown(() => worker.stop());
  for (let i = 0; i < 300 && !(await listed()); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await listed(), true, 'the worker process projected it');
  t.equal(await lag(), 0);
  t.equal(await worker.stop(), 0, 'the worker stops cleanly on SIGTERM');
  t.equal(await api.stop(), 0, 'the API stops cleanly on SIGTERM');
});

t.test('pnpm start on PostgreSQL: the worker in a thread of the process projects what the API receives; the API learns a calendar amendment recorded elsewhere; SIGTERM stops both', async (t) => {
  const url = await freshDatabase(t, 'start_thread');
  const { NODE_OPTIONS: _ignored, JWT_SECRET: _s, JWKS_URL: _j, WORKER: _w, ...env } = process.env;
  // with node options a thread refuses (V8's heap sizes): the thread takes only what it can
  const server = startProcess('src/start.ts', { ...env, EVENT_STORE_URL: url, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'info' }, ['--max-semi-space-size=64', '--max-old-space-size=2048']);
  t.teardown(() => server.stop());
  await server.waitFor(/admin\s+\S+\.\S+\.\S+/);
  const origin = /listening on (http:\/\/\S+)/.exec(server.output())?.[1];
  const token = (role: string) => new RegExp(`${role}\\s+(\\S+\\.\\S+\\.\\S+)`).exec(server.output())?.[1];
  t.match(server.output(), /worker in a thread of its own/, 'it says where its worker runs');
  const headers = { authorization: `Bearer ${token('caseworker')}`, 'content-type': 'application/json' };
  const created = await fetch(`${origin}/v1/cases`, { method: 'POST', headers, body: JSON.stringify({ channel: 'in-person', evidence: { handedInOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '预算' } }) });
  t.equal(created.status, 201);
  const { caseId } = (await created.json()) as { caseId: string };
  const listed = async () => ((await (await fetch(`${origin}/v1/cases`, { headers })).json()) as { items: { caseId: string }[] }).items.some((i) => i.caseId === caseId);
  for (let i = 0; i < 300 && !(await listed()); i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await listed(), true, 'the worker projected it');
  const lines = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { pid: number; name?: string; msg: string; thread?: boolean });
  const started = lines.find((l) => l.name === 'worker' && l.msg === 'worker started');
  t.match(started, { thread: true, pid: lines.find((l) => l.msg.startsWith('Server listening'))!.pid }, 'in a thread of the API’s process');
  t.ok(server.output().indexOf('"worker started"') < server.output().indexOf('Disclosure Engine listening'), 'started before the process said it listens');

  // an amendment recorded by another process (here the test's own store): the API counts with it without a restart
  const store = await openEventStore({ url });
  t.teardown(() => store.close());
  const amendment = { source: '2027年节假日安排 (test)', years: [{ year: 2027, holidays: [{ date: '2027-01-01', name: '元旦' }], workingDays: [] }] };
  const recorded = await amendCalendarStream(store, await loadCalendarBook(store), 'CN', amendment, { actor: 'admin-elsewhere', agency: 'demo', role: 'admin', correlationId: 'start-test', causationId: null, occurredAt: new Date().toISOString() });
  t.equal(recorded.appended, true);
  const admin = { authorization: `Bearer ${token('admin')}` };
  const version = async () => ((await (await fetch(`${origin}/v1/admin/calendars/CN`, { headers: admin })).json()) as { version: string }).version;
  for (let i = 0; i < 200 && (await version()) !== recorded.version; i++) await new Promise((r) => setTimeout(r, 100));
  t.equal(await version(), recorded.version, 'the API’s calendars have the amendment');

  t.equal(await server.stop(), 0, 'SIGTERM drains the API, stops the thread and exits 0');
  t.match(server.output(), /"name":"worker".*"msg":"worker stopping"/, 'the worker was asked to stop');
  t.match(server.output(), /"signal":"SIGTERM","msg":"shutting down: draining requests"/, 'the API’s log, gathered into larger writes, is written out at exit');
});

t.test('SIGTERM while it is still starting ends it at once, through exit (code 143)', async (t) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'disclosure-start-')), 'data');
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const { NODE_OPTIONS: _ignored, JWT_SECRET: _s, JWKS_URL: _j, EVENT_STORE_URL: _e, DATABASE_URL: _d, WORKER: _w, ...env } = process.env;
  const child = startProcess('src/start.ts', { ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
  // the event store's folder is made first thing; the migrations and the rest take a while longer
  for (let i = 0; i < 600 && !existsSync(join(dataDir, 'events')); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(existsSync(join(dataDir, 'events')), 'it began opening its stores');
  t.equal(await child.stop(), 143, 'SIGTERM: it ended by exit (where pino writes what it gathered), with the code a SIGTERM gives');
  t.notMatch(child.output(), /listening on/, 'before it listened');
});

t.test('WORKER=off on the embedded stores is refused at start, naming why', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'disclosure-start-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const { NODE_OPTIONS: _ignored, EVENT_STORE_URL: _e, DATABASE_URL: _d, ...env } = process.env;
  for (const [value, message] of [['off', /WORKER=off needs EVENT_STORE_URL and DATABASE_URL/], ['no', /WORKER no is neither on nor off/]] as const) {
    const child = startProcess('src/start.ts', { ...env, DATA_DIR: dataDir, PORT: '0', WORKER: value });
    t.not(await child.exited, 0, `WORKER=${value}: it does not start`);
    t.match(child.output(), message);
  }
});

/** A database of its own on the test server (dropped at the test's end); answers its URL. */
async function freshDatabase(t: Test, prefix: string): Promise<string> {
  const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });
  return Object.assign(new URL(base), { pathname: `/${name}` }).toString();
}

/** A process of this package (`node [options] --import tsx <script>`), its output collected. */
function startProcess(script: string, env: NodeJS.ProcessEnv, nodeOptions: readonly string[] = []) {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', '--conditions=@disclosure/source', script], { cwd: apiDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    exited,
    output: () => out,
    async waitFor(pattern: RegExp) {
      for (let i = 0; i < 1200 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      if (!pattern.test(out)) throw new Error(`${script} never printed ${pattern}:\n${out}`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
