import t from 'tap';
import { CaseService, DEFAULT_CASE_CACHE_SIZE, deploymentConfig } from '@disclosure/api';
import type { ReadStreamOptions } from '@disclosure/event-store';
import { testApp, receiveBody } from './support/testApp.js';
import { assertProblem, at, callerAs, Caller, ok } from './support/http.js';
import { registeredCase } from './support/cases.js';
import { storeWith } from './support/storeWith.js';

/*
 * The folded cases an API process keeps (CaseService): a case held is read on from its revision,
 * never answered stale — also when another process changed it — and the cache stays within its size.
 */

const app = await testApp();
t.teardown(() => app.close());
app.setNow(at('2025-10-09'));
const cw = await callerAs(app, 'caseworker');

/** A CaseService on the app's store that records, per read, the revision it asked from (undefined: the whole stream). */
function countedService(cacheSize?: number) {
  const reads: { caseId: string; from: number | undefined }[] = [];
  const store = storeWith(app.store, {
    read: (streamId: string, options?: ReadStreamOptions) => {
      reads.push({ caseId: streamId, from: options?.from });
      return app.store.read(streamId, options);
    },
  });
  return { service: new CaseService(store, app.calendars, cacheSize === undefined ? {} : { cacheSize }), reads };
}

t.test('a case held is read on from its revision; one changed elsewhere is answered as changed', async (t) => {
  const caseId = await registeredCase(app, cw, '2025-10-09');
  const { service, reads } = countedService();
  t.equal((await service.load(caseId, 'demo')).revision, 1, 'first load: the whole stream');
  const held = await service.load(caseId, 'demo');
  t.equal(held.revision, 1);
  t.same(reads, [{ caseId, from: undefined }, { caseId, from: 1 }], 'the second asks only from revision 1, the last it holds');

  ok(t, await cw.command(caseId, 'assignCase', { assignee: { id: 'cw-b', name: '张三' } }), 'assigned through the API, not this service');
  const after = await service.load(caseId, 'demo');
  t.match(after, { revision: 2, state: { assignee: { id: 'cw-b' } } }, 'the assignment is there');
  t.equal(after.events.length, 3, 'with every event of the stream');
  t.same(reads.at(-1), { caseId, from: 1 });

  reads.length = 0;
  await t.rejects(service.load(caseId, 'other'), { name: 'HttpProblem', code: 'not-found' }, 'another agency: 404');
  t.same(reads, [], 'without reading the stream');
});

t.test('at most cacheSize cases are held, the least recently used going first; 0 holds none', async (t) => {
  const [a, b, c] = [await registeredCase(app, cw, '2025-10-09'), await registeredCase(app, cw, '2025-10-09'), await registeredCase(app, cw, '2025-10-09')];
  const { service, reads } = countedService(2);
  for (const id of [a, a, b, c, a, c]) await service.load(id, 'demo');
  t.same(
    reads.map((r) => [r.caseId, r.from]),
    [
      [a, undefined],
      [a, 1],
      [b, undefined],
      [c, undefined], // a was used before b: a goes
      [a, undefined],
      [c, 1],
    ],
  );

  const none = countedService(0);
  for (const id of [a, a]) await none.service.load(id, 'demo');
  t.same(
    none.reads.map((r) => r.from),
    [undefined, undefined],
    'no cache: every load reads the whole stream',
  );
});

t.test('two API processes on the same stores: each answers and decides on what the other appended', async (t) => {
  const other = new Caller(await app.anotherApi(), await app.token('caseworker'));
  const caseId = await registeredCase(app, cw, '2025-10-09'); // this process holds it at revision 1
  t.equal(ok(t, await cw.get(`/v1/cases/${caseId}`), 'read here').revision, 1);
  const assigned = await other.command(caseId, 'assignCase', { assignee: { id: 'cw-b', name: '张三' } });
  t.equal(assigned.statusCode, 200, assigned.body);
  t.match(ok(t, await cw.get(`/v1/cases/${caseId}`), 'read here again'), { revision: 2, assignee: { id: 'cw-b' } }, 'the other process’s assignment');
  const reassigned = await cw.command(caseId, 'assignCase', { assignee: { id: 'cw-c', name: '李四' } }, { 'if-match': '"2"' });
  t.equal(reassigned.statusCode, 200, 'decided here on revision 2');
  t.match(ok(t, await other.get(`/v1/cases/${caseId}`), 'and read there'), { revision: 3, assignee: { id: 'cw-c' } });
  assertProblem(t, await other.command(caseId, 'assignCase', { assignee: { id: 'cw-d', name: '王五' } }, { 'if-match': '"2"' }), 'precondition-failed', 'there, with the revision it saw before');
});

t.test('a case held is shown as of today: read again the next day, unchanged, its working days left move on', async (t) => {
  const caseId = await registeredCase(app, cw, '2025-10-09');
  const first = ok(t, await cw.get(`/v1/cases/${caseId}`), 'on the day').deadline;
  // received Thursday 9 October 2025 by post: day 1 is Friday the 10th, Saturday the 11th is a 调休 working day, day 20 is 5 November
  t.match(first, { dueDate: '2025-11-05', workingDaysLeft: 20 });
  app.setNow(at('2025-10-11'));
  t.teardown(() => app.setNow(at('2025-10-09')));
  const next = ok(t, await cw.get(`/v1/cases/${caseId}`), 'two working days later, the 11th a Saturday worked');
  t.match(next, { revision: 1, deadline: { dueDate: '2025-11-05', workingDaysLeft: 18 } });
});

t.test('a held case whose stream lost or replaced its last event (a restore, a failover) is read whole again', async (t) => {
  const other = new Caller(await app.anotherApi(), await app.token('caseworker'));
  const lost = await registeredCase(app, cw, '2025-10-09');
  ok(t, await cw.command(lost, 'assignCase', { assignee: { id: 'cw-b', name: '张三' } }), 'assign'); // held here at revision 2
  t.equal(ok(t, await cw.get(`/v1/cases/${lost}`), 'read').revision, 2);
  await app.eventsSql.query('DELETE FROM disclosure.events WHERE stream_id = $1 AND revision = 2', [lost]);
  t.match(ok(t, await cw.get(`/v1/cases/${lost}`), 'read after the loss'), { revision: 1, assignee: null }, 'what the stream holds now, not the fold held');
  ok(t, await cw.command(lost, 'assignCase', { assignee: { id: 'cw-c', name: '李四' } }, { 'if-match': '"1"' }), 'and a command decided on it is stored');

  const replaced = await registeredCase(app, cw, '2025-10-09');
  ok(t, await cw.command(replaced, 'assignCase', { assignee: { id: 'cw-b', name: '张三' } }), 'assign'); // held here at revision 2
  await app.eventsSql.query('DELETE FROM disclosure.events WHERE stream_id = $1 AND revision = 2', [replaced]);
  ok(t, await other.command(replaced, 'consultThirdParty', { consultationId: 'c1', party: '某公司', question: '是否同意公开' }, { 'if-match': '"1"' }), 'another process appends a different revision 2');
  ok(t, await other.command(replaced, 'assignCase', { assignee: { id: 'cw-d', name: '王五' } }), 'and a revision 3');
  const shown = ok(t, await cw.get(`/v1/cases/${replaced}`), 'read here');
  t.match(shown, { revision: 3, assignee: { id: 'cw-d' }, consultations: [{ consultationId: 'c1' }] }, 'as the stream holds it');
  t.same(shown, ok(t, await other.get(`/v1/cases/${replaced}`), 'read there'), 'the same as the other process shows');
  assertProblem(t, await cw.command(replaced, 'assignCase', { assignee: { id: 'cw-e', name: '赵六' } }, { 'if-match': '"2"' }), 'precondition-failed', 'a command with the revision 2 this process held is stale');
});

t.test('a new case is held once read, not when created; a command on a held case holds what it appended', async (t) => {
  const { service, reads } = countedService();
  const caseId = 'case-cache-new';
  const actor = { id: 'cw-1', agency: 'demo', name: 'cw' };
  const created = await service.execute({ type: 'receiveRequest', caseId, at: at('2025-10-09'), actor, data: { ...receiveBody('2025-10-09'), jurisdiction: 'CN' } } as never, { role: 'caseworker', correlationId: 'c-1' });
  t.equal(created.revision, 0);
  t.same(reads, [], 'created without a read');
  const first = await service.load(caseId, 'demo');
  t.equal(await service.load(caseId, 'demo'), first, 'then the same fold answered');
  const registered = await service.execute({ type: 'registerRequest', caseId, at: at('2025-10-09'), actor, data: { registrationNumber: 'demo-2025-900', accessCodeDigest: '0'.repeat(64) } } as never, { role: 'caseworker', correlationId: 'c-2' });
  t.equal(registered.revision, 1);
  t.match(await service.load(caseId, 'demo'), { revision: 1, state: { registrationNumber: 'demo-2025-900' } });
  t.same(
    reads.map((r) => r.from),
    [undefined, 0, 0, 1],
    'read whole once; then only from the revision held, also after its own append',
  );
});

t.test('CASE_CACHE_SIZE sets how many cases an API process holds; a bad value stops it at start, named', async (t) => {
  t.equal(deploymentConfig({}).caseCacheSize, DEFAULT_CASE_CACHE_SIZE);
  t.equal(deploymentConfig({ CASE_CACHE_SIZE: '0' }).caseCacheSize, 0, '0: none');
  t.equal(deploymentConfig({ CASE_CACHE_SIZE: '20000' }).caseCacheSize, 20_000);
  for (const bad of ['-1', 'lots', '1.5', '2000000', '']) t.throws(() => deploymentConfig({ CASE_CACHE_SIZE: bad }), { name: 'RangeError', message: /CASE_CACHE_SIZE/ }, JSON.stringify(bad));
});
