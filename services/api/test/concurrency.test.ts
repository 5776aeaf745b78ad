import t from 'tap';
import { testApp, receiveBody } from './support/testApp.js';
import { allEvents, assertProblem, at, callerAs } from './support/http.js';

const app = await testApp();
t.teardown(() => app.close());
app.setNow(at('2025-10-09'));
const cw = await callerAs(app, 'caseworker');
const sv = await callerAs(app, 'supervisor');

/** A registered case received today; answers its id and ETag. */
async function registeredCase() {
  const caseId = (await cw.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
  const reg = await cw.command(caseId, 'registerRequest', {});
  return { caseId, etag: reg.headers.etag as string };
}

/** Holds every append until `n` are waiting, so that all of them were decided before any is stored. Returns the undo. */
function holdAppends(n: number): () => void {
  const store = app.store as { append: typeof app.store.append };
  const append = store.append;
  const waiting: (() => void)[] = [];
  store.append = async (...args) => {
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length === n) for (const go of waiting) go();
    });
    return append.apply(app.store, args);
  };
  return () => {
    store.append = append;
  };
}

const eventsOf = async (caseId: string) => (await allEvents(app)).filter((e) => e.streamId === caseId);

t.test('a command with a stale If-Match is refused with 412 and the current revision', async (t) => {
  const { caseId, etag } = await registeredCase();
  t.equal(etag, '"1"');
  const first = await cw.command(caseId, 'assignCase', { assignee: { id: 'cw-a' } }, { 'if-match': etag });
  t.equal(first.statusCode, 200, 'the ETag the caller read: accepted');
  t.equal(first.headers.etag, '"2"');

  const stale = await sv.command(caseId, 'assignCase', { assignee: { id: 'cw-b' } }, { 'if-match': etag });
  const problem = assertProblem(t, stale, 'precondition-failed', 'an ETag from before the assignment');
  t.equal(problem.currentRevision, 2, 'the problem says where the case is now');
  t.equal((await eventsOf(caseId)).length, 3, 'nothing appended');
  t.match((await cw.get(`/v1/cases/${caseId}`)).json().assignee, { id: 'cw-a' }, 'the first assignment stands');

  t.equal((await sv.command(caseId, 'assignCase', { assignee: { id: 'cw-b' } }, { 'if-match': 'W/"2"' })).statusCode, 200, 'a weak ETag of the current revision is accepted');
  t.equal((await sv.command(caseId, 'assignCase', { assignee: { id: 'cw-c' } }, { 'if-match': '*' })).statusCode, 200, '* matches any revision');
  assertProblem(t, await sv.command(caseId, 'assignCase', { assignee: { id: 'cw-d' } }, { 'if-match': '"99"' }), 'precondition-failed', 'a revision the case never had');
});

t.test('two commands racing on one case with the same If-Match: one wins, the other is told, one event is appended', async (t) => {
  const outcomes = new Set<number>();
  for (let round = 0; round < 6; round++) {
    const { caseId, etag } = await registeredCase();
    const before = (await eventsOf(caseId)).length;
    const [a, b] = await Promise.all([
      cw.command(caseId, 'assignCase', { assignee: { id: `cw-${round}-a` } }, { 'if-match': etag }),
      sv.command(caseId, 'instructSupervision', { instructionId: `ins-${round}`, instruction: '请加快办理' }, { 'if-match': etag }),
    ]);
    const statuses = [a.statusCode, b.statusCode].sort();
    t.equal(statuses.filter((s) => s >= 200 && s < 300).length, 1, `round ${round}: exactly one succeeds (${statuses.join(', ')})`);
    const loser = a.statusCode >= 300 ? a : b;
    t.ok(loser.statusCode === 409 || loser.statusCode === 412, `round ${round}: the other gets 409 or 412`);
    assertProblem(t, loser, loser.statusCode === 409 ? 'concurrent-update' : 'precondition-failed', `round ${round}: the loser's problem`);
    outcomes.add(loser.statusCode);
    const after = await eventsOf(caseId);
    t.equal(after.length, before + 1, `round ${round}: exactly one event appended`);
    const winner = a.statusCode < 300 ? a : b;
    t.equal(winner.headers.etag, `"${after.length - 1}"`, `round ${round}: the winner's ETag is the case's revision`);
  }
  t.comment(`losers answered: ${[...outcomes].join(', ')}`);
});

t.test('when both racers have decided before either appends, the store’s revision check refuses the second: 409', async (t) => {
  const { caseId, etag } = await registeredCase();
  const release = holdAppends(2); // both commands are decided on revision 1
  t.teardown(release);
  const [a, b] = await Promise.all([
    cw.command(caseId, 'assignCase', { assignee: { id: 'cw-held-a' } }, { 'if-match': etag }),
    sv.command(caseId, 'assignCase', { assignee: { id: 'cw-held-b' } }, { 'if-match': etag }),
  ]);
  release();
  t.same([a.statusCode, b.statusCode].sort(), [200, 409]);
  const loser = a.statusCode === 409 ? a : b;
  const problem = assertProblem(t, loser, 'concurrent-update', 'the second append');
  t.equal(problem.currentRevision, 2, 'it says the revision the winner made');
  t.equal((await eventsOf(caseId)).length, 3, 'exactly one event appended');
});

t.test('creating with an Idempotency-Key: a retry gets the first answer and creates nothing', async (t) => {
  const headers = { 'idempotency-key': 'portal-req-0001' };
  const first = await cw.post('/v1/cases', receiveBody('2025-10-09'), headers);
  t.equal(first.statusCode, 201);
  t.equal(first.headers['idempotent-replayed'], undefined, 'the first answer is not a replay');
  const caseId = first.json().caseId as string;

  app.setNow(at('2025-10-10')); // the retry comes a day later: still the first answer
  const retry = await cw.post('/v1/cases', receiveBody('2025-10-09'), headers);
  t.equal(retry.statusCode, 201, 'the same status');
  t.equal(retry.headers['idempotent-replayed'], 'true');
  t.same(retry.json(), first.json(), 'the same body');
  t.equal(retry.headers.location, first.headers.location);
  t.equal(retry.headers.etag, first.headers.etag);
  const received = (await allEvents(app)).filter((e) => e.type === 'RequestReceived' && e.streamId === caseId);
  t.equal(received.length, 1, 'one case in the store');
  t.equal((await eventsOf(caseId)).length, 1, 'one event in its stream');
  app.setNow(at('2025-10-09'));

  const otherAgency = await (await callerAs(app, 'caseworker', 'o-1', 'other')).post('/v1/cases', receiveBody('2025-10-09'), headers);
  t.equal(otherAgency.statusCode, 201);
  t.not(otherAgency.json().caseId, caseId, 'keys are per agency: another agency’s same key is its own request');
});

t.test('the same Idempotency-Key with a different body is refused (422) and creates nothing', async (t) => {
  const headers = { 'idempotency-key': 'portal-req-0002' };
  const first = await cw.post('/v1/cases', receiveBody('2025-10-09'), headers);
  t.equal(first.statusCode, 201);
  const count = (await allEvents(app)).length;
  const different = await cw.post('/v1/cases', receiveBody('2025-10-08'), headers);
  assertProblem(t, different, 'idempotency-key-reused', 'another body under the same key');
  t.equal((await allEvents(app)).length, count, 'nothing appended');
});

t.test('a first attempt that was refused does not use up its Idempotency-Key', async (t) => {
  const headers = { 'idempotency-key': 'portal-req-0003' };
  const bad = await cw.post('/v1/cases', { ...receiveBody('2025-10-09'), evidence: {} }, headers);
  assertProblem(t, bad, 'receipt-evidence-missing', 'registered post without the signing-for date (第31条)');
  const fixed = await cw.post('/v1/cases', receiveBody('2025-10-09'), headers);
  t.equal(fixed.statusCode, 201, 'the corrected request goes through under the same key');
  t.equal(fixed.headers['idempotent-replayed'], undefined);
});

t.test('the same Idempotency-Key sent twice at once creates one case', async (t) => {
  for (let round = 0; round < 4; round++) {
    const headers = { 'idempotency-key': `burst-${round}` };
    const before = (await allEvents(app)).filter((e) => e.type === 'RequestReceived').length;
    const release = round % 2 === 1 ? holdAppends(2) : () => {}; // odd rounds: both were decided before either was stored
    const [a, b] = await Promise.all([cw.post('/v1/cases', receiveBody('2025-10-09'), headers), cw.post('/v1/cases', receiveBody('2025-10-09'), headers)]);
    release();
    t.equal(a.statusCode, 201, `round ${round}: first`, { body: a.body });
    t.equal(b.statusCode, 201, `round ${round}: second`, { body: b.body });
    t.equal(a.json().caseId, b.json().caseId, `round ${round}: one case id for both`);
    const after = (await allEvents(app)).filter((e) => e.type === 'RequestReceived');
    t.equal(after.length, before + 1, `round ${round}: one case created`);
    t.equal((await eventsOf(a.json().caseId)).length, 1, `round ${round}: one event in its stream`);
  }
});

t.test('the same Idempotency-Key sent at once with two different bodies: one case, and the request it is not gets 422', async (t) => {
  const headers = { 'idempotency-key': 'burst-different' };
  const release = holdAppends(2);
  const [a, b] = await Promise.all([cw.post('/v1/cases', receiveBody('2025-10-09'), headers), cw.post('/v1/cases', receiveBody('2025-10-08'), headers)]);
  release();
  t.same([a.statusCode, b.statusCode].sort(), [201, 422], 'one created, one refused');
  const created = a.statusCode === 201 ? a : b;
  const refused = a.statusCode === 201 ? b : a;
  assertProblem(t, refused, 'idempotency-key-reused', 'the other body');
  const events = await eventsOf(created.json().caseId);
  t.equal(events.length, 1, 'one case, one event');
  t.equal((events[0]!.data as { receivedOn: string }).receivedOn, created.json().receivedOn, 'the 201 describes the case that was recorded');
  const retry = await cw.post('/v1/cases', receiveBody(created.json().receivedOn), headers);
  t.equal(retry.headers['idempotent-replayed'], 'true', 'a retry of the recorded request is its replay');
  t.same(retry.json(), created.json());
});
