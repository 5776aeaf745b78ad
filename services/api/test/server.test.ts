import t from 'tap';
import type { AddressInfo } from 'node:net';
import { testApp, receiveBody } from './support/testApp.js';
import { at } from './support/http.js';

/** The API on a real socket (port 0), and a fetch against it. */
async function listening() {
  const app = await testApp();
  app.setNow(at('2025-10-09'));
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.app.server.address() as AddressInfo;
  const token = await app.token('caseworker');
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
  return { app, call };
}

t.test('over a socket: create a case, then read it back', async (t) => {
  const { app, call } = await listening();
  t.teardown(() => app.close());
  const created = await call('/v1/cases', { method: 'POST', body: JSON.stringify(receiveBody('2025-10-09')) });
  t.equal(created.status, 201);
  t.equal(created.headers.get('etag'), '"0"');
  const location = created.headers.get('location')!;
  t.match(location, /^\/v1\/cases\/[0-9a-f-]{36}$/);
  t.match(created.headers.get('content-type'), /^application\/json/);
  const body = (await created.json()) as { caseId: string };

  const read = await call(location);
  t.equal(read.status, 200);
  t.equal(read.headers.get('etag'), '"0"');
  const c = (await read.json()) as Record<string, unknown>;
  t.match(c, { caseId: body.caseId, status: 'received', receivedOn: '2025-10-09', deadline: { dueDate: '2025-11-05' } });
  t.match(c.applicant, { name: '王小明' }, 'UTF-8 both ways');
});

t.test('over a socket: refusals are problem+json', async (t) => {
  const { app, call } = await listening();
  t.teardown(() => app.close());
  const invalid = await call('/v1/cases', { method: 'POST', body: JSON.stringify({ channel: 'pigeon' }) });
  t.equal(invalid.status, 400);
  t.match(invalid.headers.get('content-type'), /^application\/problem\+json/);
  const problem = (await invalid.json()) as { type: string; status: number; fields: { path: string }[] };
  t.equal(problem.type, 'https://disclosure-engine.dev/problems/validation-failed');
  t.equal(problem.status, 400);
  t.ok(problem.fields.some((f) => f.path === 'body.channel'), 'the bad field is named');

  const broken = await call('/v1/cases', { method: 'POST', body: '{"channel":' });
  t.equal(broken.status, 400);
  t.equal(((await broken.json()) as { type: string }).type, 'https://disclosure-engine.dev/problems/malformed-json');

  const badUrl = await call('/v1/cases/%ZZ');
  t.equal(badUrl.status, 400);
  t.match(badUrl.headers.get('content-type'), /^application\/problem\+json/, 'even a URL the router cannot decode');

  const noToken = await fetch(new URL('/v1/cases', invalid.url));
  t.equal(noToken.status, 401);
  t.match(noToken.headers.get('content-type'), /^application\/problem\+json/);
});

t.test('closing the server lets a request in flight finish', async (t) => {
  const { app, call } = await listening();
  // hold the request inside the handler (at its append) until the server has begun to close
  const store = app.store as { append: typeof app.store.append };
  const append = store.append;
  let entered!: () => void;
  const inHandler = new Promise<void>((resolve) => (entered = resolve));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  store.append = async (...args) => {
    entered();
    await held;
    return append.apply(app.store, args);
  };

  const inFlight = call('/v1/cases', { method: 'POST', body: JSON.stringify(receiveBody('2025-10-09')) });
  await inHandler;
  let closed = false;
  const closeStarted = Date.now();
  const closing = app.app.close().then(() => (closed = true));
  await new Promise((r) => setTimeout(r, 100));
  t.notOk(closed, 'the server waits for the request');
  release();
  const res = await inFlight;
  t.equal(res.status, 201, 'the request completes');
  const body = (await res.json()) as { caseId: string };
  await closing;
  t.ok(closed, 'then the server is closed');
  t.ok(Date.now() - closeStarted < 15_000, 'promptly: the keep-alive connection does not hold the close for its 72 s timeout');
  t.equal((await app.store.read(body.caseId)).length, 1, 'and what it answered was stored');
  await app.close();
});
