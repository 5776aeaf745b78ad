import t, { type Test } from 'tap';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { TargetGuard, webhookTables, WebhookSubscriptions } from '@disclosure/webhooks';
import {
  AgencyDirectory,
  buildApp,
  intakeCaseId,
  issueToken,
  loadCalendarBook,
  openConfiguredEventStore,
  openConfiguredReadModels,
  referralSubscriptionId,
  referralWiring,
  startWorker,
  tokenVerifier,
  type Agency,
  type RemoteAgencies,
} from '@disclosure/api';
import type { Role } from '@disclosure/domain';

// 会商/转办 across instances: instance A (city-a) serves `demo`; instance B serves `city.housing`.
// A's caseworker refers part of a case to city.housing; the referral travels as A's `referral-intake`
// webhook to B's POST /v1/intake over real sockets on 127.0.0.1, each instance on a PostgreSQL
// database of its own.

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WEBHOOK_SECRET = 'whsec_cmVmZXJyYWwtaW50YWtlLXNlY3JldC0xMjM0';
const at = (day: string) => `${day}T02:00:00Z`;

interface Instance {
  readonly url: string;
  readonly store: Awaited<ReturnType<typeof openConfiguredEventStore>>;
  readonly db: Awaited<ReturnType<typeof openConfiguredReadModels>>;
  /** Every request body B's intake received, as sent, with its headers. */
  readonly intakes: { raw: string; headers: Record<string, string> }[];
  setNow(day: string): void;
  call(method: string, path: string, role: Role, body?: unknown): Promise<{ status: number; json: any }>;
}

/** An instance: its own database, an app listening on 127.0.0.1 and a worker (projector, referral reactor, webhook dispatcher). */
async function instance(t: Test, options: { agencies: Agency[]; jwtSecret: string; instanceId: string; remoteAgencies?: RemoteAgencies }): Promise<Instance> {
  const name = `ri_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const dbUrl = Object.assign(new URL(BASE_URL), { pathname: `/${name}` }).toString();
  const store = await openConfiguredEventStore({ eventStoreUrl: dbUrl, dataDir: '' });
  const db = await openConfiguredReadModels({ databaseUrl: dbUrl, dataDir: '' });
  const calendars = await loadCalendarBook(store);
  const agencies = new AgencyDirectory(options.agencies);
  let now = new Date(at('2025-09-26'));
  const guard = new TargetGuard({ allow: ['127.0.0.1'] });
  const app = await buildApp({ store, db, calendars, agencies, verifyToken: tokenVerifier({ kind: 'secret', secret: options.jwtSecret, dev: false }), now: () => now, logger: false, webhookTargets: guard });
  const intakes: Instance['intakes'] = [];
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (req.url !== '/v1/intake') return payload;
    const chunks: Buffer[] = [];
    for await (const c of payload) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    intakes.push({ raw, headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])) });
    const copy = new PassThrough();
    copy.end(raw);
    return copy;
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const wiring = await referralWiring({ store, db, agencies, remoteAgencies: options.remoteAgencies ?? {}, instanceId: options.instanceId });
  const quiet = { info() {}, error() {}, warn() {} };
  const worker = startWorker({
    store,
    db,
    calendars,
    log: quiet,
    clock: false,
    idleMs: 20,
    now: () => now,
    ...wiring,
    webhooks: { guard, publicBaseUrl: url, pollMs: 50, retrySchedule: [0, 0.2, 0.5, 1, 2], jitter: 0, timeoutMs: 5_000 },
  });
  t.teardown(async () => {
    await worker.stop();
    await app.close();
    await db.destroy();
    await store.close();
    const c = new pg.Client({ connectionString: BASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const agency = options.agencies[0]!.id;
  return {
    url,
    store,
    db,
    intakes,
    setNow: (day) => {
      now = new Date(at(day));
    },
    async call(method, path, role, body) {
      const token = await issueToken(options.jwtSecret, { sub: `${agency}-${role}`, agency, roles: [role] });
      const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, json: await res.json() };
    },
  };
}

/** Polls until `check` gives a value (at most 30 s). */
async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

t.test('a case referred to an agency of another instance appears there, linked, with its own clock; a redelivery does not duplicate it', async (t) => {
  const b = await instance(t, { agencies: [{ id: 'city.housing', name: '市住房和城乡建设局', jurisdiction: 'CN' }], jwtSecret: 'instance-b-secret-instance-b-secret!', instanceId: 'city-b' });
  const referralToken = await issueToken('instance-b-secret-instance-b-secret!', { sub: 'city-a-referrals', agency: 'city.housing', roles: ['integrator'] });
  const a = await instance(t, {
    agencies: [{ id: 'demo', name: '示范市人民政府办公室', jurisdiction: 'CN' }],
    jwtSecret: 'instance-a-secret-instance-a-secret!',
    instanceId: 'city-a',
    remoteAgencies: { 'city.housing': { intakeUrl: `${b.url}/v1/intake`, token: referralToken, webhookSecret: WEBHOOK_SECRET } },
  });

  const created = await a.call('POST', '/v1/cases', 'caseworker', {
    channel: 'registered-post',
    evidence: { signedForOn: '2025-09-26' },
    applicant: { kind: 'natural-person', name: '王小明', phone: '13912345678' },
    request: { description: '2024年本区保障性住房分配名单及征地补偿标准' },
  });
  t.equal(created.status, 201);
  const sourceId = created.json.caseId as string;
  t.equal((await a.call('POST', `/v1/cases/${sourceId}/register`, 'caseworker', {})).status, 200);
  a.setNow('2025-10-09');
  b.setNow('2025-10-09');
  const part = '2024年保障性住房分配名单';
  t.equal((await a.call('POST', `/v1/cases/${sourceId}/refer`, 'caseworker', { toAgency: 'city.housing', scope: 'part', part, reason: '该部分信息由市住建局制作' })).status, 200);

  const linkedId = intakeCaseId('city.housing', 'city-a/demo', sourceId);
  const linked = await until('the linked case on B', async () => {
    const r = await b.call('GET', `/v1/cases/${linkedId}`, 'caseworker');
    return r.status === 200 ? r.json : undefined;
  });
  t.match(linked, { agency: 'city.housing', channel: 'system', status: 'received', receivedOn: '2025-10-09', request: { description: part }, links: [{ linkedCaseId: sourceId, linkedAgency: 'demo', relation: 'referred-from' }] });
  // B's own clock (CN-2019): day 0 is the referral day Thu 10-09; the 20th working day after it is
  // Wed 2025-11-05 (10-10, 10-11 调休, 10-13…17, 10-20…24, 10-27…31, 11-03, 11-04, 11-05).
  t.equal(linked.deadline.dueDate, '2025-11-05');
  const history = await b.call('GET', `/v1/cases/${linkedId}/history`, 'auditor');
  t.match(history.json.events, [
    { type: 'RequestReceived', actor: 'city-a-referrals', role: 'integrator', data: { evidence: { sourceSystem: 'city-a/demo', sourceReference: sourceId, statedReceiptDate: '2025-10-09', platform: 'referral', referral: { fromAgency: 'demo', sourceCaseId: sourceId, registrationNumber: 'demo-2025-1', scope: 'part', part } } } },
    { type: 'CaseLinked', data: { linkedCaseId: sourceId, linkedAgency: 'demo', relation: 'referred-from' } },
  ]);

  const source = await until('the referred-to link on A', async () => {
    const r = await a.call('GET', `/v1/cases/${sourceId}`, 'caseworker');
    return r.json.links.length > 0 ? r.json : undefined;
  });
  t.match(source.links, [{ linkedCaseId: linkedId, linkedAgency: 'city.housing', relation: 'referred-to' }], 'A’s case names B’s case');

  // the delivery as B received it: a Standard Webhook, verifiable with the remote agency's secret
  t.equal(b.intakes.length, 1, 'one delivery so far');
  const first = b.intakes[0]!;
  t.equal(first.headers.authorization, `Bearer ${referralToken}`, 'sent with B’s integrator token');
  t.match(new Webhook(WEBHOOK_SECRET).verify(first.raw, first.headers), { sourceSystem: 'city-a/demo', sourceReference: sourceId, statedReceiptDate: '2025-10-09', referral: { scope: 'part', part } }, 'signed as a Standard Webhook');

  // A redelivers it (the same bytes under the same webhook-id): B answers with the same case, records nothing new
  const subscriptions = new WebhookSubscriptions({ db: webhookTables(a.db), store: a.store, guard: new TargetGuard({ allow: ['127.0.0.1'] }) });
  const subscriptionId = referralSubscriptionId('demo', 'city.housing');
  const [delivery] = (await subscriptions.deliveries('demo', subscriptionId)).items;
  t.match(delivery, { eventType: 'CaseReferred', status: 'delivered', lastStatusCode: 201 });
  await subscriptions.redeliver('demo', subscriptionId, delivery!.id);
  await until('the redelivery', async () => (b.intakes.length === 2 ? true : undefined));
  const again = await until('the redelivery recorded', async () => {
    const d = await subscriptions.delivery('demo', subscriptionId, delivery!.id);
    return d.status === 'delivered' && d.history.length === 2 ? d : undefined;
  });
  t.equal(again.lastStatusCode, 200, 'B answered the redelivery with the case it already had');
  t.equal(b.intakes[1]!.raw, first.raw, 'the same bytes');
  t.equal(b.intakes[1]!.headers['webhook-id'], first.headers['webhook-id'], 'under the same webhook-id');
  t.equal((await b.store.read(linkedId)).length, 2, 'B’s case still has its two events');
  // a transaction open elsewhere on the server can hold readAll back a moment: wait for B's events to be readable
  const received = await until('B’s events readable', async () => {
    const n = (await b.store.readAll({})).filter((e) => e.type === 'RequestReceived').length;
    return n > 0 ? n : undefined;
  });
  t.equal(received, 1, 'and B holds one case');
});
