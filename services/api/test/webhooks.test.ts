import t, { type Test } from 'tap';
import { newSigningSecret, TargetGuard, webhookTables } from '@disclosure/webhooks';
import { deploymentConfig, referralSubscriptionId, referralWiring, startWorker, webhookTargetGuard, webhookWorkerSettings, type Worker, type WorkerOptions } from '@disclosure/api';
import { Receiver, until, type Answer } from '../../../packages/webhooks/test/support/receiver.js';
import { testApp, receiveBody } from './support/testApp.js';
import { assertProblem, at, callerAs, ok, type Caller } from './support/http.js';

const BASE = '/v1/webhooks/subscriptions';
const PUBLIC_BASE_URL = 'https://foi.example.gov.cn';

/** The app, an integrator (and one granted applicant data) and a caseworker of `demo`, a receiver on 127.0.0.1, and a worker delivering webhooks quickly. */
async function setUp(t: Test, retrySchedule: number[] = [0, 0.02, 0.02]) {
  const app = await testApp();
  const receiver = await Receiver.start();
  const workers: Worker[] = [];
  t.teardown(async () => {
    for (const w of workers) await w.stop();
    await receiver.close();
    await app.close();
  });
  app.setNow(at('2025-10-09'));
  const integrator = await callerAs(app, 'integrator');
  const recipient = await callerAs(app, ['integrator', 'applicant-data-recipient']);
  const caseworker = await callerAs(app, 'caseworker');
  return {
    app,
    receiver,
    integrator,
    recipient,
    caseworker,
    /** Starts the worker with its webhook dispatcher (the guard allowing 127.0.0.1, as the app's does), and whatever else `more` gives it. */
    startWorker(more: Partial<WorkerOptions> = {}) {
      const w = startWorker({
        store: app.store,
        db: app.db,
        calendars: app.calendars,
        log: { info() {}, error() {} },
        clock: false,
        idleMs: 20,
        webhooks: { guard: new TargetGuard({ allow: ['127.0.0.1'] }), publicBaseUrl: PUBLIC_BASE_URL, retrySchedule, jitter: 0, pollMs: 20, leaseTtlMs: 2_000 },
        ...more,
      });
      workers.push(w);
      return w;
    },
    /** Subscribes the receiver's `path` (as the integrator, or `by`), telling the receiver the secret. */
    async subscribe(path: string, body: Record<string, unknown> = {}, by: Caller = integrator) {
      const res = await by.post(BASE, { url: receiver.url(path), eventTypes: ['*'], ...body });
      const made = ok(t, res, `subscribe ${path}`);
      receiver.secrets.set(path, [made.secret]);
      return made as { id: string; secret: string; status: string };
    },
    /** A case received and registered by the caseworker. */
    async registeredCase() {
      const caseId = (await caseworker.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
      const registered = ok(t, await caseworker.command(caseId, 'registerRequest', {}), 'register');
      return { caseId, registrationNumber: registered.registrationNumber as string };
    },
  };
}

t.test('an integrator subscribes and sees the secret once; the worker delivers the agency’s case events, signed with it', async (t) => {
  const s = await setUp(t);
  const res = await s.integrator.post(BASE, { url: s.receiver.url('/hooks'), eventTypes: ['RequestReceived', 'RequestRegistered'], description: 'provincial portal status push' });
  t.equal(res.statusCode, 201);
  const made = res.json();
  t.match(made.secret, /^whsec_[A-Za-z0-9+/]{40,}={0,2}$/, 'a whsec_ secret');
  t.equal(res.headers.location, `${BASE}/${made.id}`);
  t.match(made, { status: 'active', kind: 'events', eventTypes: ['RequestReceived', 'RequestRegistered'], scopes: [], description: 'provincial portal status push', createdBy: 'integrator-1' });
  s.receiver.secrets.set('/hooks', [made.secret]);
  const shown = [(await s.integrator.get(`${BASE}/${made.id}`)).body, (await s.integrator.get(BASE)).body];
  t.ok(shown.every((b) => !b.includes(made.secret) && !b.includes('"secret"')), 'GET never shows the secret');
  t.same(ok(t, await s.integrator.get(BASE), 'list').items.map((i: { id: string }) => i.id), [made.id]);

  const { caseId, registrationNumber } = await s.registeredCase();
  const theirs = await (await callerAs(s.app, 'caseworker', 'o-1', 'other')).post('/v1/cases', receiveBody('2025-10-09'));
  t.equal(theirs.statusCode, 201, 'another agency’s case, which this subscription does not get');
  s.startWorker();
  await until(() => s.receiver.accepted('/hooks').length >= 2, 20_000, 'two deliveries');
  await new Promise((r) => setTimeout(r, 200));
  const got = s.receiver.accepted('/hooks');
  t.equal(got.length, 2, 'received and registered: nothing else');
  t.ok(got.every((r) => r.verifiedWith.length === 1), 'each verified with standardwebhooks and the secret shown at creation');
  t.same(got.map((r) => r.payload.type), ['RequestReceived', 'RequestRegistered']);
  t.match(got[1]!.payload.data, { caseId, registrationNumber, agency: 'demo', link: `${PUBLIC_BASE_URL}/v1/cases/${caseId}` });
  t.notOk(got.some((r) => r.body.includes('王小明')), 'no applicant data without the scope');
  const link = new URL(got[1]!.payload.data.link as string).pathname;
  t.equal((await s.integrator.get(link)).statusCode, 200, 'the link is the case, which the integrator may read');

  const deliveries = ok(t, await s.integrator.get(`${BASE}/${made.id}/deliveries`), 'deliveries');
  t.same(deliveries.items.map((d: { status: string; eventType: string }) => [d.status, d.eventType]), [['delivered', 'RequestRegistered'], ['delivered', 'RequestReceived']], 'newest first, delivered');
  t.match(deliveries.items[0], { id: got[1]!.webhookId, attempts: 1, lastStatusCode: 200, lastResponse: 'ok', nextAttemptAt: null });
});

t.test('pause and resume, a test event, deliveries paged, redelivery of one and of a range, dead letters listed and replayed', async (t) => {
  const s = await setUp(t);
  const sub = await s.subscribe('/ops');
  s.startWorker();
  t.match(ok(t, await s.integrator.post(`${BASE}/${sub.id}/pause`), 'pause'), { status: 'paused' });
  const test = await s.integrator.post(`${BASE}/${sub.id}/test`);
  t.equal(test.statusCode, 202);
  const { webhookId } = test.json();
  await s.registeredCase();
  await until(async () => ok(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries?status=pending`), 'pending').items.length === 3, 20_000, 'three deliveries recorded while paused');
  t.equal(s.receiver.received.length, 0, 'nothing sent while paused');
  assertProblem(t, await s.integrator.post(`${BASE}/${sub.id}/deliveries/${webhookId}/redeliver`), 'webhook-state-conflict', 'redelivering one in line');

  t.match(ok(t, await s.integrator.post(`${BASE}/${sub.id}/resume`), 'resume'), { status: 'active' });
  await until(() => s.receiver.accepted('/ops').length === 3, 20_000, 'the three, once resumed');
  const got = s.receiver.accepted('/ops');
  t.same(got.map((r) => r.payload.type), ['webhook.test', 'RequestReceived', 'RequestRegistered'], 'in order: the test was asked for first');
  t.equal(got[0]!.webhookId, webhookId, 'the test under the webhook-id the API answered');
  t.match(got[0]!.payload.data, { subscriptionId: sub.id, caseId: null });

  const first = ok(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries?limit=2`), 'page 1');
  t.equal(first.items.length, 2);
  const second = ok(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries?limit=2&cursor=${first.nextCursor}`), 'page 2');
  t.same(second.items.map((d: { id: string }) => d.id), [webhookId], 'the cursor pages on to the oldest');
  t.equal(second.nextCursor, null);

  t.equal((await s.integrator.post(`${BASE}/${sub.id}/deliveries/${webhookId}/redeliver`)).statusCode, 202, 'redeliver one');
  await until(() => s.receiver.accepted('/ops').length === 4, 20_000, 'the redelivery');
  t.equal(s.receiver.accepted('/ops')[3]!.webhookId, webhookId, 'again, under the same webhook-id');
  t.equal(s.receiver.accepted('/ops')[3]!.body, got[0]!.body, 'with the same body');
  const positions = first.items.map((d: { position: string }) => d.position);
  t.match(ok(t, await s.integrator.post(`${BASE}/${sub.id}/redeliver`, { fromPosition: positions[1], toPosition: positions[0] }), 'range'), { redelivered: 2 });
  await until(() => s.receiver.accepted('/ops').length === 6, 20_000, 'the range');
  t.same(s.receiver.accepted('/ops').slice(4).map((r) => r.payload.type), ['RequestReceived', 'RequestRegistered'], 'the range, in order');

  // the receiver now refuses: the schedule (3 attempts here) is spent and the delivery is dead-lettered
  s.receiver.answer = (r) => (r.payload?.type === 'webhook.test' ? { status: 500 } : { status: 200 });
  await s.integrator.post(`${BASE}/${sub.id}/test`);
  await until(async () => ok(t, await s.integrator.get(`${BASE}/${sub.id}/dead-letters`), 'dead').items.length === 1, 20_000, 'a dead letter');
  const dead = ok(t, await s.integrator.get(`${BASE}/${sub.id}/dead-letters`), 'dead letters').items[0];
  t.match(dead, { status: 'dead', attempts: 3, lastStatusCode: 500, eventType: 'webhook.test' });
  const detail = ok(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries/${dead.id}`), 'detail');
  t.same(detail.history.map((a: { statusCode: number }) => a.statusCode), [500, 500, 500], 'each attempt');
  s.receiver.answer = () => ({ status: 200 });
  t.match(ok(t, await s.integrator.post(`${BASE}/${sub.id}/dead-letters/replay`), 'replay'), { replayed: 1 });
  t.equal(ok(t, await s.integrator.get(`${BASE}/${sub.id}/dead-letters`), 'dead letters').items.length, 0, 'no dead letter left');
  await until(() => s.receiver.accepted('/ops').some((r) => r.webhookId === dead.id), 20_000, 'the replay');
});

t.test('410 Gone disables the subscription; pausing it then is a state conflict, resuming sends on; secrets rotate; delete', async (t) => {
  const s = await setUp(t);
  const sub = await s.subscribe('/gone');
  s.receiver.answer = () => ({ status: 410 });
  s.startWorker();
  await s.registeredCase();
  await until(async () => ok(t, await s.integrator.get(`${BASE}/${sub.id}`), 'get').status === 'disabled', 20_000, 'disabled');
  const disabled = ok(t, await s.integrator.get(`${BASE}/${sub.id}`), 'disabled');
  t.match(disabled.disabledReason, /410 Gone/);
  t.equal(s.receiver.received.length, 1, 'nothing more sent');
  assertProblem(t, await s.integrator.post(`${BASE}/${sub.id}/pause`), 'webhook-state-conflict', 'pausing a disabled subscription');
  assertProblem(t, await s.integrator.post(`${BASE}/${sub.id}/test`), 'webhook-state-conflict', 'a test to a disabled subscription');

  const rotated = ok(t, await s.integrator.post(`${BASE}/${sub.id}/rotate-secret`, { overlapSeconds: 3_600 }), 'rotate');
  t.match(rotated.secret, /^whsec_/);
  t.not(rotated.secret, sub.secret);
  t.same(rotated.subscription.secrets.map((x: { validUntil: string | null }) => x.validUntil === null), [false, true], 'the old secret until the overlap ends, and the new one');
  s.receiver.secrets.set('/gone', [rotated.secret]);
  s.receiver.answer = () => ({ status: 200 });
  t.match(ok(t, await s.integrator.post(`${BASE}/${sub.id}/resume`), 'resume'), { status: 'active', disabledReason: null });
  await until(() => s.receiver.accepted('/gone').length === 2, 20_000, 'sent on after resuming');
  t.ok(s.receiver.accepted('/gone').every((r) => r.verifiedWith.length === 1 && r.signature.split(' ').length === 2), 'both secrets sign during the overlap');

  t.equal((await s.integrator.app.inject({ method: 'DELETE', url: `${BASE}/${sub.id}`, headers: { authorization: `Bearer ${s.integrator.token}` } })).statusCode, 204);
  assertProblem(t, await s.integrator.get(`${BASE}/${sub.id}`), 'not-found', 'a deleted subscription');
  assertProblem(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries`), 'not-found', 'its deliveries');
});

t.test('refused targets, bad input, another agency’s subscription and idempotent creation are answered with problems', async (t) => {
  const s = await setUp(t);
  for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/x', 'http://[::ffff:192.168.0.1]/x', 'ftp://127.0.0.1/x', 'https://user:pw@127.0.0.1/x']) {
    const body = assertProblem(t, await s.integrator.post(BASE, { url, eventTypes: ['*'] }), 'webhook-target-refused', url);
    t.equal(body.url, url);
    t.type(body.reason, 'string');
  }
  t.same(ok(t, await s.integrator.get(BASE), 'list').items, [], 'nothing made');
  for (const [what, body] of [
    ['no event types', { url: s.receiver.url('/x'), eventTypes: [] }],
    ['an unknown event type', { url: s.receiver.url('/x'), eventTypes: ['CaseExploded'] }],
    ['an unknown scope', { url: s.receiver.url('/x'), eventTypes: ['*'], scopes: ['everything'] }],
    ['an unknown field', { url: s.receiver.url('/x'), eventTypes: ['*'], secret: 'whsec_mine' }],
    ['no URL', { eventTypes: ['*'] }],
  ] as const)
    assertProblem(t, await s.integrator.post(BASE, body), 'validation-failed', what);

  const sub = await s.subscribe('/mine', { scopes: ['applicant-data'] }, s.recipient);
  t.same(sub.status, 'active');
  assertProblem(t, await s.integrator.get(`${BASE}/not-a-uuid`), 'validation-failed', 'a subscription id that is no uuid');
  assertProblem(t, await s.integrator.get(`${BASE}/3b241101-e2bb-4255-8caf-4136c566a962`), 'not-found', 'an unknown subscription');
  assertProblem(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries?cursor=bm9wZQ`), 'validation-failed', 'a cursor this API did not give');
  assertProblem(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries?status=lost`), 'validation-failed', 'an unknown status');
  assertProblem(t, await s.integrator.post(`${BASE}/${sub.id}/redeliver`, { fromPosition: '9', toPosition: '3' }), 'validation-failed', 'a range that ends before it starts');
  assertProblem(t, await s.integrator.post(`${BASE}/${sub.id}/rotate-secret`, { overlapSeconds: -1 }), 'validation-failed', 'a negative overlap');
  assertProblem(t, await s.integrator.get(`${BASE}/${sub.id}/deliveries/3b241101-e2bb-4255-8caf-4136c566a962`), 'not-found', 'an unknown delivery');

  const theirs: Caller = await callerAs(s.app, 'integrator', 'other-integrator', 'other');
  t.same(ok(t, await theirs.get(BASE), 'their list').items, [], 'another agency lists none of ours');
  for (const [what, res] of [
    ['get', await theirs.get(`${BASE}/${sub.id}`)],
    ['pause', await theirs.post(`${BASE}/${sub.id}/pause`)],
    ['test', await theirs.post(`${BASE}/${sub.id}/test`)],
    ['deliveries', await theirs.get(`${BASE}/${sub.id}/deliveries`)],
    ['dead letters replay', await theirs.post(`${BASE}/${sub.id}/dead-letters/replay`)],
    ['delete', await s.app.app.inject({ method: 'DELETE', url: `${BASE}/${sub.id}`, headers: { authorization: `Bearer ${theirs.token}` } })],
  ] as const)
    assertProblem(t, res, 'not-found', `another agency’s integrator: ${what}`);
  t.equal(ok(t, await s.integrator.get(`${BASE}/${sub.id}`), 'still ours').status, 'active', 'untouched');

  const body = { url: s.receiver.url('/idem'), eventTypes: ['RequestReceived'] };
  const one = await s.integrator.post(BASE, body, { 'idempotency-key': 'portal-sub-1' });
  const again = await s.integrator.post(BASE, body, { 'idempotency-key': 'portal-sub-1' });
  t.equal(again.statusCode, 201);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.same(again.json(), one.json(), 'a retry gets the first answer, secret included');
  assertProblem(t, await s.integrator.post(BASE, { ...body, eventTypes: ['*'] }, { 'idempotency-key': 'portal-sub-1' }), 'idempotency-key-reused', 'the key with other settings');
  const rotatedIdem = ok(t, await s.integrator.post(`${BASE}/${one.json().id}/rotate-secret`, { overlapSeconds: 0 }), 'rotate it');
  const afterRotation = await s.integrator.post(BASE, body, { 'idempotency-key': 'portal-sub-1' });
  t.equal(afterRotation.json().secret, rotatedIdem.secret, 'a retry after a rotation gets the secret in force, not the one that stopped signing');
  t.equal(ok(t, await s.integrator.get(BASE), 'list').items.length, 2);

  const openapi = (await s.app.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { tags?: string[] }>> };
  const webhookPaths = Object.keys(openapi.paths).filter((p) => p.startsWith(BASE));
  t.equal(webhookPaths.length, 12, 'the webhook routes are in the OpenAPI document');
  t.ok(webhookPaths.every((p) => Object.values(openapi.paths[p]!).every((op) => op.tags?.includes('webhooks'))), 'tagged webhooks');
});

t.test('the applicant-data scope needs the applicant-data-recipient grant beside integrator: an integrator cannot grant it to itself', async (t) => {
  const s = await setUp(t);
  const personal = { url: s.receiver.url('/personal'), eventTypes: ['*'], scopes: ['applicant-data'] };
  const refused = assertProblem(t, await s.integrator.post(BASE, personal), 'forbidden', 'an integrator without the grant');
  t.match(refused, { scope: 'applicant-data', detail: /applicant-data-recipient/ });
  assertProblem(t, await s.integrator.post(BASE, personal, { 'idempotency-key': 'self-granted' }), 'forbidden', 'with an Idempotency-Key too');
  assertProblem(t, await (await callerAs(s.app, 'applicant-data-recipient')).post(BASE, personal), 'forbidden', 'the grant alone manages no subscription');
  t.same(ok(t, await s.integrator.get(BASE), 'list').items, [], 'nothing was made');
  t.equal((await webhookTables(s.app.db).selectFrom('webhook_secrets').select('id').execute()).length, 0, 'nor any secret stored');

  t.match(ok(t, await s.recipient.post(BASE, personal), 'an integrator granted applicant-data-recipient'), { scopes: ['applicant-data'], status: 'active' });
  t.match(ok(t, await s.integrator.post(BASE, { ...personal, scopes: [] }), 'without the scope'), { scopes: [] }, 'no grant is needed without the scope');
});

t.test('a receiver that echoes the applicant: the deliveries integrators see keep its status, Location and problem type, never the applicant', async (t) => {
  const s = await setUp(t);
  const applicant = receiveBody('2025-10-09').applicant;
  const remoteCase = '6d6f7e55-2f11-5a5e-9d53-1c0ffee00001';
  // the other instance's intake answers with the case it made, the applicant in it; here a receiver echoing what it was sent
  const wiring = await referralWiring({
    store: s.app.store,
    db: s.app.db,
    agencies: s.app.agencies,
    remoteAgencies: { 'city.housing': { intakeUrl: s.receiver.url('/v1/intake'), token: 'remote.integrator.token', webhookSecret: newSigningSecret() } },
    instanceId: 'city-a',
  });
  const personal = await s.subscribe('/personal', { scopes: ['applicant-data'] }, s.recipient);
  s.receiver.answer = (r): Answer =>
    r.path === '/v1/intake'
      ? { status: 201, headers: { 'content-type': 'application/json', location: `/v1/cases/${remoteCase}` }, body: JSON.stringify({ caseId: remoteCase, ...JSON.parse(r.body) }) }
      : { status: 422, headers: { 'content-type': 'application/problem+json' }, body: JSON.stringify({ type: 'https://receiver.example/problems/applicant-unknown', status: 422, detail: `no applicant ${applicant.name} (${applicant.idNumber})`, sent: JSON.parse(r.body) }) };
  const { caseId } = await s.registeredCase();
  ok(t, await s.caseworker.command(caseId, 'referCase', { toAgency: 'city.housing', scope: 'whole', reason: '由市住建局负责公开' }), 'referred to an agency of another instance');
  s.startWorker({ referrals: wiring.referrals, webhookPayloads: wiring.webhookPayloads });

  const referral = referralSubscriptionId('demo', 'city.housing');
  const deliveries = async (id: string) => ok(t, await s.integrator.get(`${BASE}/${id}/deliveries`), 'deliveries').items as Record<string, unknown>[];
  await until(async () => (await deliveries(referral)).some((d) => d.status === 'delivered'), 20_000, 'the referral delivered');
  await until(async () => (await deliveries(personal.id)).some((d) => d.status === 'dead'), 20_000, 'a refused delivery dead-lettered');
  t.ok(s.receiver.received.filter((r) => r.path === '/v1/intake' || r.path === '/personal').every((r) => r.body.includes(applicant.idNumber)), 'each delivery did carry the applicant, and the receiver echoed it');

  t.match((await deliveries(referral))[0], { eventType: 'CaseReferred', status: 'delivered', lastStatusCode: 201, lastResponse: null, lastLocation: `/v1/cases/${remoteCase}` }, 'the remote case, by its Location');
  t.match((await deliveries(personal.id)).find((d) => d.status === 'dead'), { lastStatusCode: 422, lastResponse: null, lastError: 'the receiver answered 422 (https://receiver.example/problems/applicant-unknown)' }, 'why it was refused, by its problem type');
  const seen: string[] = [];
  for (const id of [referral, personal.id]) {
    const items = await deliveries(id);
    seen.push(JSON.stringify(items));
    for (const d of items) seen.push((await s.integrator.get(`${BASE}/${id}/deliveries/${d.id as string}`)).body);
    seen.push((await s.integrator.get(`${BASE}/${id}/dead-letters`)).body);
  }
  for (const [field, value] of Object.entries(applicant).filter(([field]) => field !== 'kind'))
    t.notOk(seen.some((body) => body.includes(value)), `no applicant ${field} in the deliveries, their attempts or the dead letters`);
});

t.test('the webhook settings come from the environment, each checked at start', async (t) => {
  const defaults = deploymentConfig({ PORT: '3100' }).webhooks;
  t.same(defaults, { allowPrivateTargets: [], timeoutMs: 10_000, concurrencyPerEndpoint: 8, dispatcher: true, publicBaseUrl: 'http://127.0.0.1:3100' });
  const set = deploymentConfig({ WEBHOOK_ALLOW_PRIVATE_TARGETS: ' 10.20.0.0/16, gw.gov.internal ,fd00::/8', WEBHOOK_TIMEOUT_SECONDS: '30', WEBHOOK_CONCURRENCY_PER_ENDPOINT: '2', PUBLIC_BASE_URL: 'https://foi.example.gov.cn/' });
  t.same(set.webhooks, { allowPrivateTargets: ['10.20.0.0/16', 'gw.gov.internal', 'fd00::/8'], timeoutMs: 30_000, concurrencyPerEndpoint: 2, dispatcher: true, publicBaseUrl: 'https://foi.example.gov.cn' });
  const guard = webhookTargetGuard(set);
  await t.resolves(guard.checkUrl('http://10.20.3.4/hook'), 'an allow-listed block');
  await t.rejects(guard.checkUrl('http://10.21.3.4/hook'), 'outside it');
  t.match(webhookWorkerSettings(set, guard), { guard, publicBaseUrl: 'https://foi.example.gov.cn', timeoutMs: 30_000, concurrencyPerEndpoint: 2 });
  t.equal(webhookWorkerSettings(deploymentConfig({ WEBHOOK_DISPATCHER: 'off' }), guard), false, 'WEBHOOK_DISPATCHER=off: no dispatcher in this worker');
  for (const [env, message] of [
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: '10.0.0.0/33' }, /not a CIDR block/],
    [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'bad/host' }, /neither a host name/],
    [{ WEBHOOK_TIMEOUT_SECONDS: '0' }, /WEBHOOK_TIMEOUT_SECONDS/],
    [{ WEBHOOK_CONCURRENCY_PER_ENDPOINT: '1.5' }, /WEBHOOK_CONCURRENCY_PER_ENDPOINT/],
    [{ WEBHOOK_DISPATCHER: 'yes' }, /WEBHOOK_DISPATCHER/],
    [{ PUBLIC_BASE_URL: 'foi.example.gov.cn' }, /PUBLIC_BASE_URL/],
  ] as const)
    t.throws(() => deploymentConfig(env), message, JSON.stringify(env));
});
