import t from 'tap';
import { testApp, receiveBody } from './support/testApp.js';
import { allEvents, at, Caller, callerAs } from './support/http.js';
import { intakeBody, partlyDisclosed } from './support/factories.js';

/** Personal data no log line may hold (DESIGN.md § HTTP conventions: applicant personal data is redacted). */
const APPLICANT = {
  kind: 'natural-person',
  name: '慕容复测试名',
  idNumber: '530102199912319876',
  phone: '+86-139-7777-4321',
  email: 'murong.distinct.7731@example.cn',
  address: '云南省昆明市保密巷777号燕子坞',
};
const SECRETS = Object.entries(APPLICANT).filter(([k]) => k !== 'kind');

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly reqId?: string;
  readonly correlationId?: string;
  readonly req?: { url?: string };
  readonly res?: { statusCode?: number };
  readonly err?: unknown;
}

t.test('a whole case over HTTP leaves no applicant data in the logs, and every request line has its request id', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  const rv = await callerAs(app, 'reviewer');
  const integrator = await callerAs(app, 'integrator', 'portal');
  const anon = new Caller(app.app, undefined);
  app.setNow(at('2025-10-09'));

  const created = await cw.post('/v1/cases', receiveBody('2025-10-09', { applicant: APPLICANT }), { 'idempotency-key': 'log-1' });
  t.equal(created.statusCode, 201);
  const caseId = created.json().caseId as string;
  t.equal((await cw.post('/v1/cases', receiveBody('2025-10-09', { applicant: APPLICANT }), { 'idempotency-key': 'log-1' })).statusCode, 201, 'a replay');
  const { registrationNumber, accessCode } = (await cw.command(caseId, 'registerRequest', {})).json();
  await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1' } });
  await app.project();
  // what a caseworker types to find the file: the applicant's name, id number, phone
  for (const q of [APPLICANT.name, APPLICANT.idNumber, APPLICANT.phone, APPLICANT.email]) {
    const found = await cw.get(`/v1/cases?q=${encodeURIComponent(q)}`);
    t.equal(found.statusCode, 200);
    t.same(found.json().items.map((i: { caseId: string }) => i.caseId), q === APPLICANT.name ? [caseId] : [], `search by ${q === APPLICANT.name ? 'name' : 'other fields'}`);
  }
  await cw.get(`/v1/cases/${caseId}`);
  await cw.get(`/v1/cases/${caseId}/deadline`);
  await cw.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: `答复${APPLICANT.name}：部分公开` });
  await rv.command(caseId, 'approveReply', {});
  await cw.command(caseId, 'issueReply', { delivery: 'email' });
  await app.project();
  t.equal((await anon.get(`/v1/public/status?registrationNumber=${registrationNumber}&accessCode=${accessCode}`)).statusCode, 200);
  t.equal((await anon.post('/v1/public/rating', { registrationNumber, accessCode, rating: 'satisfied' })).statusCode, 202);
  t.equal((await integrator.post('/v1/intake', intakeBody('LOG-REF-1', '2025-10-09', { applicant: APPLICANT }))).statusCode, 201);
  // refused requests that carry the applicant's data
  t.equal((await cw.post('/v1/cases', { ...receiveBody('2025-10-09', { applicant: { ...APPLICANT, extra: APPLICANT.address } }) })).statusCode, 400);
  t.equal((await cw.post('/v1/cases', `{"applicant":${JSON.stringify(APPLICANT)}`, { 'content-type': 'application/json' })).statusCode, 400);
  t.equal((await integrator.post('/v1/intake', { ...intakeBody('LOG-REF-2', '2025-10-09', { applicant: { ...APPLICANT, name: `${APPLICANT.name}\u0000` } }) })).statusCode, 400);

  // a store that fails the way pg and PGlite do: the error carries the statement's parameters (the event, with the applicant in it)
  const store = app.store as { append: typeof app.store.append };
  const append = store.append;
  store.append = async (stream, events) => {
    const e = Object.assign(new Error('duplicate key value violates unique constraint "events_pkey"'), {
      code: '23505',
      detail: `Key (data)=(${JSON.stringify(events[0]?.data)}) already exists.`,
      where: `JSON data, line 1: ${JSON.stringify(events[0]?.data).slice(0, 200)}`,
      params: [stream, JSON.stringify(events)],
    });
    throw e;
  };
  const failed = await cw.post('/v1/cases', receiveBody('2025-10-09', { applicant: APPLICANT }), { 'x-request-id': 'store-failure-1' });
  store.append = append;
  t.equal(failed.statusCode, 500);
  t.equal(failed.json().type, 'https://disclosure-engine.dev/problems/internal');
  t.notOk(failed.body.includes(APPLICANT.name), 'the 500 problem says nothing of the data');

  const text = app.logs.join('\n');
  for (const [field, value] of SECRETS) t.notOk(text.includes(value), `no log line holds the applicant's ${field}`);
  t.notOk(text.includes(encodeURIComponent(APPLICANT.name)), 'nor the name as it appears in a URL');
  t.notOk(text.includes(accessCode), 'nor the access code that opens the public status page');
  t.notOk(text.includes(cw.token!), 'nor a bearer token');

  const lines = app.logs.map((l) => JSON.parse(l) as LogLine);
  const requestLines = lines.filter((l) => l.req || l.res);
  t.ok(requestLines.length >= 20, `a line for each of the 20 requests (${requestLines.length})`);
  t.ok(requestLines.every((l) => typeof l.reqId === 'string' && l.reqId.length > 0), 'every request line has a request id');
  const completed = lines.filter((l) => l.msg === 'request completed');
  t.equal(new Set(completed.map((l) => l.reqId)).size, completed.length, 'one id per request');
  const errorLine = lines.find((l) => l.level >= 50 && l.reqId === 'store-failure-1');
  t.ok(errorLine, 'the failure is logged, with the request id the client sent');
  t.match(errorLine?.err, { message: /duplicate key/, code: '23505' }, 'with what went wrong');
});

t.test('a refused request’s log line carries its request id', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  const res = await cw.post('/v1/cases', { channel: 'pigeon' }, { 'x-request-id': 'req-refused-42' });
  t.equal(res.statusCode, 400);
  const lines = app.logs.map((l) => JSON.parse(l) as LogLine).filter((l) => l.reqId === 'req-refused-42');
  const requestLines = lines.filter((l) => l.req || l.res);
  t.equal(requestLines.length, 1, 'one line per request, written when it is answered');
  t.match(requestLines[0], { msg: 'request completed', req: { url: '/v1/cases' }, res: { statusCode: 400 } }, 'with its id, route and status');

  const generated = await cw.get('/v1/cases/not-a-uuid');
  t.equal(generated.statusCode, 400);
  const line = app.logs.map((l) => JSON.parse(l) as LogLine).find((l) => l.res?.statusCode === 400 && l.reqId !== 'req-refused-42');
  t.match(line?.reqId, /^[0-9a-f-]{36}$/, 'without one from the client, the server makes one');
  t.equal((await cw.get('/v1/cases', { 'x-request-id': 'bad id with spaces' })).statusCode, 200);
  t.notOk(app.logs.some((l) => l.includes('bad id with spaces')), 'a request id that is not a plain token is not taken over');
});

t.test('x-correlation-id from the client is the correlationId of the events it causes, and is in the logs', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  app.setNow(at('2025-10-09'));
  const cw = await callerAs(app, 'caseworker');
  const integrator = await callerAs(app, 'integrator', 'portal');

  const created = await cw.post('/v1/cases', receiveBody('2025-10-09'), { 'x-correlation-id': 'corr-create-1' });
  const caseId = created.json().caseId as string;
  await cw.command(caseId, 'registerRequest', {}, { 'x-correlation-id': 'corr-register-1' });
  await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1' } }, { 'x-correlation-id': 'corr-assign-1' });
  const intake = await integrator.post('/v1/intake', intakeBody('CORR-REF-1', '2025-10-09'), { 'x-correlation-id': 'portal-msg-777' });
  t.equal(intake.statusCode, 201);
  const plain = await cw.post('/v1/cases', receiveBody('2025-10-09'), { 'x-request-id': 'req-plain-1' });

  const events = await allEvents(app);
  const correlation = (streamId: string) => events.filter((e) => e.streamId === streamId).map((e) => e.metadata.correlationId);
  t.same(correlation(caseId), ['corr-create-1', 'corr-register-1', 'corr-assign-1'], 'creation and commands');
  t.same(correlation(intake.json().caseId), ['portal-msg-777'], 'intake from another system keeps that system’s correlation id');
  t.same(correlation(plain.json().caseId), ['req-plain-1'], 'without one, the request id is the correlation id');

  const lines = app.logs.map((l) => JSON.parse(l) as LogLine);
  t.ok(lines.some((l) => l.correlationId === 'portal-msg-777' && l.res?.statusCode === 201), 'the request’s log lines carry the correlation id');
  t.ok(lines.some((l) => l.correlationId === 'req-plain-1'), 'the request id stands in for it when none was given');
});

t.test('an applicant is redacted whole wherever a line holds it, top level or one level down, and so is an access code', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  app.app.log.info({ command: { type: 'receiveRequest', applicant: APPLICANT, accessCode: 'ABCDEFGH23' }, applicant: APPLICANT, caseId: 'c-1' }, 'a line holding an applicant');
  const line = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'a line holding an applicant');
  t.same(line?.command, { type: 'receiveRequest', applicant: '[redacted]', accessCode: '[redacted]' }, 'nested: the whole applicant, the access code');
  t.equal(line?.applicant, '[redacted]', 'top level');
  t.equal(line?.caseId, 'c-1', 'the rest of the line is kept');
});
