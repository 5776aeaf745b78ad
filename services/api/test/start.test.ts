import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const apiDir = fileURLToPath(new URL('..', import.meta.url));

t.test('pnpm start on a fresh data folder: ready, its printed token works, SIGTERM stops it cleanly', async (t) => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'disclosure-start-')), 'data');
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const { NODE_OPTIONS: _ignored, JWT_SECRET: _s, JWKS_URL: _j, EVENT_STORE_URL: _e, DATABASE_URL: _d, ...env } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', 'src/start.ts'], { cwd: apiDir, env: { ...env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  for (let i = 0; i < 1200 && !/admin\s+\S+\.\S+\.\S+/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
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
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM drains and exits 0');
});
