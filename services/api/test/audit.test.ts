import t, { type Test } from 'tap';
import { auditStreamOf, CASE_ACCESSED_BY_AUDITOR, checkChain } from '@disclosure/api';
import type { Role } from '@disclosure/domain';
import { testApp, receiveBody, type TestApp } from './support/testApp.js';
import { assertProblem, at, callerAs, Caller, ok } from './support/http.js';
import { commandBody, partlyDisclosed } from './support/factories.js';

/*
 * The auditor's routes: history, the case as of any instant (and as the system knew it then),
 * the chain verified — also after a row is edited in the database — and every look recorded.
 */

const app = await testApp();
t.teardown(() => app.close());
const cw = await callerAs(app, 'caseworker');
const rv = await callerAs(app, 'reviewer');
const au = await callerAs(app, 'auditor');

/** Sets the time things happen (the server clock: `occurredAt`) and, unless told otherwise, the time they are recorded (`recordedAt`). */
function moment(occurred: string, recorded: string = occurred) {
  app.setNow(occurred);
  app.setRecordedNow(recorded);
}

/** A registered case received `day`, assigned to caseworker-1 (李办理). */
async function assignedCase(t: Test, day: string) {
  moment(at(day));
  const caseId = ok(t, await cw.post('/v1/cases', receiveBody(day)), 'receive').caseId as string;
  ok(t, await cw.command(caseId, 'registerRequest', {}), 'register');
  ok(t, await cw.command(caseId, 'assignCase', commandBody('assignCase', day)), 'assign');
  return caseId;
}

const asOf = (caseId: string, query: string, by: Caller = au) => by.get(`/v1/cases/${caseId}/as-of?${query}`);
const q = (at: string, known?: string) => `at=${encodeURIComponent(at)}${known ? `&known=${encodeURIComponent(known)}` : ''}`;

t.test('a case queried as of several instants is exactly the case each of those instants showed', async (t) => {
  const seen: { at: string; known?: string; shown: Record<string, unknown> }[] = [];
  /** What a caseworker saw of the case at an instant: the answer as-of must give for it later. */
  const see = async (instant: string, known?: string) => {
    app.setNow(instant);
    seen.push({ at: instant, ...(known ? { known } : {}), shown: ok(t, await cw.get(`/v1/cases/${caseId}`), `the case at ${instant}`) });
  };

  // Fri 09-26 received by registered post and registered; Thu 10-09 assigned; Fri 10-10 a third party consulted;
  // its answer of Tue 10-14 is keyed in only on Thu 10-16; review, reply (部分公开) and archive follow.
  moment('2025-09-26T02:00:00Z');
  const caseId = ok(t, await cw.post('/v1/cases', receiveBody('2025-09-26')), 'receive').caseId as string;
  moment('2025-09-26T03:00:00Z');
  ok(t, await cw.command(caseId, 'registerRequest', {}), 'register');
  await see('2025-09-26T03:00:00Z');
  await see('2025-10-08T09:00:00Z');
  moment('2025-10-09T02:00:00Z');
  ok(t, await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1', name: '李办理' } }), 'assign');
  await see('2025-10-09T02:00:00Z');
  moment('2025-10-10T02:00:00Z');
  ok(t, await cw.command(caseId, 'consultThirdParty', commandBody('consultThirdParty', '2025-10-10')), 'consult');
  await see('2025-10-10T02:00:00Z');
  moment('2025-10-15T06:00:00Z');
  await see('2025-10-15T06:00:00Z', '2025-10-15T06:00:00Z'); // the system does not know of the answer yet
  moment('2025-10-14T07:00:00Z', '2025-10-16T01:30:00Z');
  ok(t, await cw.command(caseId, 'recordConsultationAnswer', commandBody('recordConsultationAnswer', '2025-10-14')), 'the answer of 10-14, keyed in on 10-16');
  moment('2025-10-20T02:00:00Z');
  ok(t, await cw.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: '答复书草稿：部分公开' }), 'submit');
  await see('2025-10-20T02:00:00Z');
  moment('2025-10-21T02:00:00Z');
  ok(t, await rv.command(caseId, 'approveReply', {}), 'approve');
  moment('2025-10-22T02:00:00Z');
  ok(t, await cw.command(caseId, 'issueReply', { delivery: 'email' }), 'reply');
  await see('2025-10-22T02:00:00Z');
  moment('2025-11-03T02:00:00Z');
  ok(t, await cw.command(caseId, 'archiveCase', {}), 'archive');
  await see('2025-11-03T02:00:00Z');

  for (const s of seen) {
    const res = await asOf(caseId, q(s.at, s.known));
    const { asOf: meta, outcome: _outcome, ...shown } = ok(t, res, `as of ${s.at}${s.known ? ` known ${s.known}` : ''}`);
    t.same(shown, s.shown, `as of ${s.at}${s.known ? `, as known then` : ''}: the case as it was shown then`);
    t.equal(res.headers.etag, `"${(s.shown as { revision: number }).revision}"`, 'ETag: the revision it stood at');
    t.equal(meta.at, s.at);
  }

  const pick = async (at: string, known?: string) => {
    const b = ok(t, await asOf(caseId, q(at, known)), `as of ${at}`);
    return { status: b.status, dueDate: b.deadline.dueDate, clock: b.deadline.status, assignee: b.assignee?.id ?? null, outcome: b.outcome?.kind ?? null, revision: b.revision, replayed: b.asOf.eventsReplayed, notYet: b.asOf.eventsNotYet, answeredOn: b.consultations[0]?.answeredOn ?? null };
  };
  t.match(await pick('2025-09-26T03:00:00Z'), { status: 'processing', dueDate: '2025-10-30', clock: 'running', assignee: null, outcome: null, revision: 1, replayed: 2, notYet: 7 }, 'registered: due 20 working days after receipt (条例 第33条)');
  t.match(await pick('2025-10-09T02:00:00Z'), { status: 'processing', dueDate: '2025-10-30', assignee: 'caseworker-1', outcome: null, revision: 2 });
  t.match(await pick('2025-10-12T02:00:00Z'), { status: 'consulting', clock: 'paused', assignee: 'caseworker-1', revision: 3 }, 'consulting: the clock paused (第33条第3款)');
  const knownThen = await pick('2025-10-15T06:00:00Z', '2025-10-15T06:00:00Z');
  const trueThen = await pick('2025-10-15T06:00:00Z');
  t.match(knownThen, { status: 'consulting', clock: 'paused', answeredOn: null, revision: 3, replayed: 4 }, 'as the system knew it on 10-15: the answer recorded on 10-16 is left out');
  t.match(trueThen, { status: 'processing', clock: 'running', answeredOn: '2025-10-14', revision: 4, replayed: 5 }, 'as it really stood on 10-15: the answer of 10-14 is in');
  t.ok(knownThen.dueDate! > trueThen.dueDate!, 'the open pause still moved the due date on as the system knew it', { knownThen, trueThen });
  t.match(await pick('2025-10-21T12:00:00Z'), { status: 'approved', outcome: null, revision: 6 });
  t.match(await pick('2025-10-22T02:00:00Z'), { status: 'replied', clock: 'stopped', outcome: 'partly-disclosed', dueDate: trueThen.dueDate, revision: 7 }, 'replied: 部分公开, the clock stopped');
  t.match(await pick('2026-06-01T00:00:00+08:00'), { status: 'archived', outcome: 'partly-disclosed', revision: 8, notYet: 0 });
  t.match(await pick('2026-06-01T00:00:00Z', '2025-10-15T06:00:00Z'), { status: 'consulting', revision: 3 }, 'known alone: what the system held on 10-15');

  const before = assertProblem(t, await asOf(caseId, q('2025-09-26T01:59:59Z')), 'case-did-not-exist-yet', 'a second before it was received');
  t.match(before, { firstOccurredAt: '2025-09-26T02:00:00.000Z', firstRecordedAt: '2025-09-26T02:00:00.000Z' });
  assertProblem(t, await asOf(caseId, q('2025-12-01T00:00:00Z', '2025-09-25T00:00:00Z')), 'case-did-not-exist-yet', 'not yet known to the system');
});

t.test('bad as-of questions are validation problems, not errors', async (t) => {
  const caseId = await assignedCase(t, '2025-10-09');
  for (const [what, query] of [
    ['no at', ''],
    ['a date without a time', 'at=2025-10-09'],
    ['a time without a zone', 'at=2025-10-09T10:00:00'],
    ['a + sent unencoded (a space)', 'at=2025-10-09T10:00:00+08:00'],
    ['not a time', `at=${encodeURIComponent('昨天')}`],
    ['a bad known', `at=2025-10-09T10:00:00Z&known=tomorrow`],
    ['an unknown parameter', 'at=2025-10-09T10:00:00Z&asOf=x'],
  ] as const) {
    const body = assertProblem(t, await asOf(caseId, query), 'validation-failed', what);
    t.ok(Array.isArray(body.fields), `${what}: the fields named`);
  }
  assertProblem(t, await au.get('/v1/cases/not-a-uuid/history'), 'validation-failed', 'a case id that is not a uuid');
  assertProblem(t, await au.get('/v1/cases/3b241101-e2bb-4255-8caf-4136c566a962/verify'), 'not-found', 'an unknown case');
});

t.test('history: every event with who, when, position and hash; no audit record in it', async (t) => {
  const caseId = await assignedCase(t, '2025-10-09');
  moment('2025-10-13T02:00:00Z');
  const res = await au.get(`/v1/cases/${caseId}/history`);
  const h = ok(t, res, 'history');
  t.equal(res.headers.etag, '"2"');
  t.match(h, { caseId, agency: 'demo', count: 3 });
  t.same(h.events.map((e: { type: string }) => e.type), ['RequestReceived', 'RequestRegistered', 'CaseAssigned'], 'the case’s own events only: the look just recorded is not one of them');
  t.match(h.events[2], { revision: 2, type: 'CaseAssigned', actor: 'caseworker-1', role: 'caseworker', agency: 'demo', occurredAt: '2025-10-09T02:00:00.000Z', recordedAt: '2025-10-09T02:00:00.000Z', data: { assignee: { id: 'caseworker-1' } } });
  const stored = await app.store.read(caseId);
  t.same(
    h.events.map((e: { eventId: string; position: string; hash: string; prevHash: string }) => [e.eventId, e.position, e.hash, e.prevHash]),
    stored.map((e) => [e.id, e.position.toString(), e.metadata.hash, e.metadata.prevHash]),
    'ids, positions and hashes as stored',
  );
  t.equal(h.events[0].prevHash, '0'.repeat(64), 'the chain starts at 64 zeros');
  t.equal(h.events[1].prevHash, h.events[0].hash, 'each event links to the one before');
});

t.test('every look is recorded in the agency’s audit stream; other roles get 403; another agency’s case is 404 and not recorded', async (t) => {
  const caseId = await assignedCase(t, '2025-10-09');
  const lookedAt = '2025-10-27T03:04:05.000Z';
  moment(lookedAt);
  const before = (await app.store.read(auditStreamOf('demo')).catch(() => [])).length;
  ok(t, await au.get(`/v1/cases/${caseId}/history`, { 'x-request-id': 'audit-look-1' }), 'history');
  ok(t, await au.get(`/v1/cases/${caseId}/as-of?${q('2025-10-10T00:00:00Z')}`), 'as-of');
  ok(t, await au.get(`/v1/cases/${caseId}/verify`), 'verify');
  const audit = await app.store.read(auditStreamOf('demo'));
  const looks = audit.slice(before);
  t.equal(looks.length, 3, 'three looks, three records');
  t.match(looks[0], {
    type: CASE_ACCESSED_BY_AUDITOR,
    data: { caseId, agency: 'demo', endpoint: 'history', viewer: { id: 'auditor-1', name: 'auditor 1' }, role: 'auditor', at: lookedAt, requestId: 'audit-look-1' },
    metadata: { actor: 'auditor-1', role: 'auditor', agency: 'demo', occurredAt: lookedAt, correlationId: 'audit-look-1' },
  });
  t.match(looks[1], { data: { endpoint: 'as-of', query: { at: '2025-10-10T00:00:00Z' } } });
  t.match(looks[2], { data: { endpoint: 'verify' } });
  t.ok(checkChain(audit).ok, 'the audit stream is chained like a case');
  t.equal((await app.store.read(caseId)).length, 3, 'the case itself is untouched');

  for (const role of ['caseworker', 'reviewer', 'supervisor', 'integrator', 'admin'] as const satisfies readonly Role[]) {
    const by = await callerAs(app, role);
    for (const path of ['history', `as-of?${q(lookedAt)}`, 'verify', 'export']) assertProblem(t, await by.get(`/v1/cases/${caseId}/${path}`), 'forbidden', `${role}: ${path}`);
  }
  const elsewhere = await callerAs(app, 'auditor', 'auditor-9', 'other');
  for (const path of ['history', `as-of?${q(lookedAt)}`, 'verify', 'export']) assertProblem(t, await elsewhere.get(`/v1/cases/${caseId}/${path}`), 'not-found', `another agency’s auditor: ${path}`);
  t.equal((await app.store.read(auditStreamOf('demo'))).length, before + 3, 'refused looks are not recorded');
  await t.rejects(app.store.read(auditStreamOf('other')), 'nothing recorded for the other agency either');

  await app.project();
  const rows = await app.db.selectFrom('cases').select(['case_id', 'revision']).execute();
  t.notOk(rows.some((r) => r.case_id.startsWith('audit-')), 'the projector takes no audit record for a case');
  t.equal(rows.find((r) => r.case_id === caseId)?.revision, 2, 'and the case’s row is where its stream is');
});

/** Edits one stored event's data in the database, as an insider with SQL access would. */
async function tamper(app: TestApp, caseId: string, revision: number, edit: (data: Record<string, any>) => void) {
  const [row] = (await app.eventsSql.query<{ data: string | Record<string, any> }>('SELECT data FROM disclosure.events WHERE stream_id = $1 AND revision = $2', [caseId, revision])).rows;
  const data = typeof row!.data === 'string' ? JSON.parse(row!.data) : structuredClone(row!.data);
  edit(data);
  await app.eventsSql.query('UPDATE disclosure.events SET data = $1::json WHERE stream_id = $2 AND revision = $3', [JSON.stringify(data), caseId, revision]);
}

t.test('verify: clean, then an event edited in the database is named; so are events deleted from the end', async (t) => {
  const edited = await assignedCase(t, '2025-10-09');
  const untouched = await assignedCase(t, '2025-10-09');
  const truncated = await assignedCase(t, '2025-10-09');
  await app.project();
  moment('2025-10-20T02:00:00Z');

  const clean = ok(t, await au.get(`/v1/cases/${edited}/verify`), 'verify');
  const last = (await app.store.read(edited)).at(-1)!;
  t.same(clean, { caseId: edited, agency: 'demo', verifiedAt: '2025-10-20T02:00:00.000Z', ok: true, events: 3, lastHash: last.metadata.hash }, 'intact: three events, the last hash');

  await tamper(app, edited, 2, (d) => (d.assignee.id = 'someone-else'));
  const broken = ok(t, await au.get(`/v1/cases/${edited}/verify`), 'verify after the edit');
  t.match(broken, { ok: false, events: 3, firstBad: { revision: 2, eventId: last.id, type: 'CaseAssigned', reason: 'hash-mismatch', explanation: /changed after it was recorded/ } });
  t.equal(broken.lastHash, undefined);
  t.match(ok(t, await au.get(`/v1/cases/${edited}/history`), 'history still reads').events[2].data, { assignee: { id: 'someone-else' } }, 'history shows what is stored now; verify says it is not what was recorded');
  t.match(ok(t, await au.get(`/v1/cases/${untouched}/verify`), 'the case beside it'), { ok: true, events: 3 }, 'another case of the agency verifies clean');

  await tamper(app, untouched, 1, (d) => (d.registrationNumber = ''));
  const notReplayable = assertProblem(t, await asOf(untouched, q('2025-10-20T00:00:00Z')), 'history-not-replayable', 'an edit that breaks the schema');
  t.match(notReplayable, { revision: 1, eventType: 'RequestRegistered', detail: /registrationNumber/ });
  t.match(ok(t, await au.get(`/v1/cases/${untouched}/verify`), 'verify'), { ok: false, firstBad: { revision: 1, reason: 'hash-mismatch' } });

  await app.eventsSql.query('DELETE FROM disclosure.events WHERE stream_id = $1 AND revision = 2', [truncated]);
  t.match(ok(t, await au.get(`/v1/cases/${truncated}/verify`), 'verify a stream cut short'), { ok: false, events: 2, firstBad: { revision: 2, eventId: null, reason: 'tail-missing' } }, 'the read model saw revision 2: its deletion is named');
});

t.test('a case whose stored event no longer replays is a named problem for its own agency and still 404 for another, never a 500', async (t) => {
  const edited = await assignedCase(t, '2025-10-09');
  await tamper(app, edited, 2, (d) => (d.assignee = 'not-a-person')); // breaks CaseAssigned's schema
  // the process that made the case holds it folded and reads only what came after: it keeps what was recorded
  t.match(ok(t, await cw.get(`/v1/cases/${edited}`), 'the process that folded it before the edit'), { revision: 2, assignee: { id: 'caseworker-1' } });
  const fresh = await app.anotherApi(); // one that reads the case for the first time replays the edited event
  const own = await new Caller(fresh, await app.token('caseworker')).get(`/v1/cases/${edited}`);
  assertProblem(t, own, 'history-not-replayable', 'the caseworker');
  t.match(own.json(), { revision: 2, eventType: 'CaseAssigned' }, 'naming the event');
  assertProblem(t, await new Caller(fresh, await app.token('caseworker', 'cw-other', 'other')).get(`/v1/cases/${edited}`), 'not-found', 'another agency');
  t.equal(ok(t, await au.get(`/v1/cases/${edited}/verify`), 'verify').ok, false, 'and verify says the chain is broken');
});
