import t from 'tap';
import { CaseService, intakeBodySchema, intakeCaseId, REFERRAL_ACTOR, REFERRAL_CHECKPOINT, REFERRAL_INTAKE_KIND, referralPayloads, referralSubscriptionId, ReferralReactor, referralWiring, startWorker } from '@disclosure/api';
import type { EventStore } from '@disclosure/event-store';
import { OutboxFeeder, webhookTables, type SubscriptionRecord } from '@disclosure/webhooks';
import { describeEvent, timelineWords } from '../src/audit/export/eventWords.js';
import { registeredCase } from './support/cases.js';
import { UK_COUNCIL, US_AGENCY } from './support/factories.js';
import { assertProblem, at, callerAs, ok } from './support/http.js';
import { storeWith } from './support/storeWith.js';
import { receiveBody, testApp, type TestApp } from './support/testApp.js';

// 会商/转办 on one instance: demo refers part of a case to `other`, which this instance also serves.
// Received Fri 2025-09-26 at demo; referred Thu 2025-10-09.

const INSTANCE = 'city-a';
const REFERRED_ON = '2025-10-09';
const PART = '2024年财政拨付记录';

function reactor(app: TestApp, options: { store?: EventStore; now?: string } = {}) {
  const store = options.store ?? app.store;
  return new ReferralReactor({ store, db: app.db, cases: new CaseService(store, app.calendars), agencies: app.agencies, remoteAgencies: new Set(['remote.housing']), instanceId: INSTANCE, now: () => new Date(at(options.now ?? REFERRED_ON)) });
}

async function referredCase(app: TestApp, toAgency = 'other') {
  const cw = await callerAs(app, 'caseworker');
  const sourceId = await registeredCase(app, cw, '2025-09-26');
  app.setNow(at(REFERRED_ON));
  ok(t, await cw.command(sourceId, 'referCase', { toAgency, scope: 'part', part: PART, reason: '该部分信息由其他机关制作（会商/转办）' }), 'referred');
  return { cw, sourceId, linkedId: intakeCaseId(toAgency, `${INSTANCE}/demo`, sourceId) };
}

t.test('a referral to an agency served here creates the linked case there, with its own clock, and both cases show the link', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { sourceId, linkedId } = await referredCase(app);

  const step = await reactor(app).catchUp();
  t.same(step, { created: 1, linked: 1 }, 'one case created, one link recorded on the referring case');

  const other = await callerAs(app, 'caseworker', 'cw-other', 'other');
  const linked = ok(t, await other.get(`/v1/cases/${linkedId}`), 'the target agency reads the new case');
  t.match(linked, { agency: 'other', status: 'received', channel: 'system', receivedOn: REFERRED_ON, request: { description: PART }, links: [{ linkedCaseId: sourceId, linkedAgency: 'demo', relation: 'referred-from' }] });
  t.equal(linked.applicant.name, '王小明', 'the applicant is the referring case’s');
  // Its own clock (CN-2019, the other agency's jurisdiction), from its own receipt: day 0 is the
  // referral day, Thu 10-09; working days 10-10, 10-11 (Saturday 调休 working day), 10-13…17,
  // 10-20…24, 10-27…31, 11-03, 11-04, 11-05 → the 20th is Wed 2025-11-05. The source case, received
  // Fri 09-26, is due Thu 10-30 (09-28, 09-29, 09-30, then 10-09 after the National Day holiday …).
  t.equal(linked.deadline.dueDate, '2025-11-05', 'due 20 working days after the referral day');
  const explained = ok(t, await other.get(`/v1/cases/${linkedId}/deadline`), 'the deadline explained');
  t.match(explained, { profileId: 'CN-2019', dueDate: '2025-11-05' });

  const cw = await callerAs(app, 'caseworker');
  const source = ok(t, await cw.get(`/v1/cases/${sourceId}`), 'the referring case');
  t.equal(source.deadline.dueDate, '2025-10-30', 'the referral does not stop or move the referring case’s clock');
  t.match(source.links, [{ linkedCaseId: linkedId, linkedAgency: 'other', relation: 'referred-to' }]);
  t.equal((await cw.get(`/v1/cases/${linkedId}`)).statusCode, 404, 'the referring agency does not read the other agency’s case');

  // the auditors of each agency see both sides in the histories
  const referral = (await app.store.read(sourceId)).find((e) => e.type === 'CaseReferred')!;
  const sourceHistory = ok(t, await (await callerAs(app, 'auditor')).get(`/v1/cases/${sourceId}/history`), 'source history');
  t.match(sourceHistory.events.slice(-2), [
    { type: 'CaseReferred', data: { toAgency: 'other', scope: 'part', part: PART, referredOn: REFERRED_ON } },
    { type: 'CaseLinked', data: { linkedCaseId: linkedId, linkedAgency: 'other', relation: 'referred-to' }, actor: REFERRAL_ACTOR, role: 'system', causationId: referral.id },
  ]);
  const linkedHistory = ok(t, await (await callerAs(app, 'auditor', 'au-other', 'other')).get(`/v1/cases/${linkedId}/history`), 'linked history');
  t.match(linkedHistory.events, [
    {
      type: 'RequestReceived',
      agency: 'other',
      causationId: referral.id,
      data: {
        channel: 'system',
        receivedOn: REFERRED_ON,
        evidence: { statedReceiptDate: REFERRED_ON, sourceSystem: `${INSTANCE}/demo`, sourceReference: sourceId, platform: 'referral', referral: { fromAgency: 'demo', sourceCaseId: sourceId, registrationNumber: 'demo-2025-1', scope: 'part', part: PART, referredOn: REFERRED_ON } },
      },
    },
    { type: 'CaseLinked', data: { linkedCaseId: sourceId, linkedAgency: 'demo', relation: 'referred-from' } },
  ]);
  t.equal(linkedHistory.count, 2);
  const words = describeEvent('RequestReceived', linkedHistory.events[0].data).words;
  t.match(words, `由 demo 转来（原案件 demo-2025-1，部分：${PART}`, 'the export’s timeline says where the request came from');
  t.match(describeEvent('CaseReferred', sourceHistory.events.at(-2).data).words, `2025-10-09 转 other 办理（部分：${PART}）`);

  const registered = ok(t, await other.command(linkedId, 'registerRequest', {}), 'the target agency registers it under its own numbers');
  t.equal(registered.registrationNumber, 'other-2025-1');
});

t.test('a referral to an agency under another law served here: received the referral day as it is in that agency’s zone, counted by its law', async (t) => {
  const app = await testApp({ agencies: [UK_COUNCIL, US_AGENCY] });
  t.teardown(() => app.close());
  // demo refers at 10:00 Beijing on Thu 10-09: 03:00 the same day in London, 22:00 on Wed 10-08 in Washington
  const { cw, sourceId, linkedId: ukId } = await referredCase(app, UK_COUNCIL.id);
  ok(t, await cw.command(sourceId, 'referCase', { toAgency: US_AGENCY.id, scope: 'whole', reason: '该信息由联邦机关掌握' }), 'referred to the US agency too');
  const usId = intakeCaseId(US_AGENCY.id, `${INSTANCE}/demo`, sourceId);

  t.same(await reactor(app).catchUp(), { created: 2, linked: 2 }, 'both cases created, both links recorded');

  const uk = ok(t, await (await callerAs(app, 'caseworker', 'cw-uk', UK_COUNCIL.id)).get(`/v1/cases/${ukId}`), 'the UK council reads its case');
  // FOIA s.10(6)(a): received the day the authority receives it, Thu 10-09 in London; s.10(1): the
  // twentieth working day following: 10-10 (1), 13…17 (6), 20…24 (11), 27…31 (16), 11-03…06 (20)
  t.match(uk, { agency: UK_COUNCIL.id, channel: 'system', receivedOn: REFERRED_ON, deadline: { dueDate: '2025-11-06' }, links: [{ linkedCaseId: sourceId, relation: 'referred-from' }] });
  const us = ok(t, await (await callerAs(app, 'caseworker', 'cw-us', US_AGENCY.id)).get(`/v1/cases/${usId}`), 'the US agency reads its case');
  // 552(a)(6)(A)(ii): first received by the agency on Wed 10-08, its own day; (A)(i): 20 days excepting
  // weekends and legal public holidays: 10-09, 10 (2); 10-13 Columbus Day; 14…17 (6); 20…24 (11); 27…31 (16); 11-03…06 (20)
  t.match(us, { agency: US_AGENCY.id, channel: 'system', receivedOn: '2025-10-08', deadline: { dueDate: '2025-11-06' } });
  t.match((await app.store.read(usId))[0]!.data, { profileId: 'US-FOIA', evidence: { arrivedOn: '2025-10-08', statedReceiptDate: REFERRED_ON, referral: { referredOn: REFERRED_ON } } });
  t.match(ok(t, await cw.get(`/v1/cases/${sourceId}`), 'the referring case').links, [{ linkedCaseId: ukId, relation: 'referred-to' }, { linkedCaseId: usId, relation: 'referred-to' }]);
});

t.test('a restart, a second worker or a crash between the two appends never creates the case or a link twice', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { sourceId, linkedId } = await referredCase(app);

  // the worker dies after creating the linked case, before linking the referring case
  let appends = 0;
  const s = app.store;
  const dying = storeWith(s, { append: (...args) => (++appends === 2 ? Promise.reject(new Error('killed between the two appends')) : s.append(...args)) });
  await t.rejects(reactor(app, { store: dying }).catchUp(), /killed/);
  t.equal((await app.store.read(linkedId)).length, 2, 'the linked case was created');
  t.equal(await reactor(app).checkpoint(), -1n, 'the checkpoint did not move past the referral');

  const [a, b] = await Promise.all([reactor(app).catchUp(), reactor(app).catchUp()]);
  t.equal(a.created + b.created, 0, 'the restarted workers find the case there');
  t.equal(a.linked + b.linked, 1, 'one of them links the referring case');

  await app.db.deleteFrom('projection_checkpoints').where('projection', '=', REFERRAL_CHECKPOINT).execute();
  t.same(await reactor(app).catchUp(), { created: 0, linked: 0 }, 'replayed from the start: nothing new');
  t.equal((await app.store.read(linkedId)).length, 2, 'the linked case has its two events');
  t.equal((await app.store.read(sourceId)).filter((e) => e.type === 'CaseLinked').length, 1, 'the referring case has one link');
});

t.test('a referral to a remote agency records the link to the case the other instance will create; one to an unknown agency records nothing more', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { sourceId, linkedId } = await referredCase(app, 'remote.housing');
  const cw = await callerAs(app, 'caseworker');
  app.setNow(at('2025-10-10'));
  ok(t, await cw.command(sourceId, 'referCase', { toAgency: 'district.tax', scope: 'whole', reason: '由税务机关负责公开（条例 第36条第5项）' }), 'referred to an agency not known here');
  t.same(await reactor(app, { now: '2025-10-10' }).catchUp(), { created: 0, linked: 1 });
  t.equal((await app.store.readAll({})).filter((e) => e.type === 'RequestReceived').length, 1, 'no case was created here');
  t.match(ok(t, await cw.get(`/v1/cases/${sourceId}`), 'source').links, [{ linkedCaseId: linkedId, linkedAgency: 'remote.housing', relation: 'referred-to' }]);
  t.equal(linkedId, intakeCaseId('remote.housing', 'city-a/demo', sourceId), 'the id the remote intake derives for the token of remote.housing');

  // the webhook's body (the dispatcher's payloadFor): for the subscription of demo → remote.housing only
  const events = await app.store.read(sourceId);
  const referred = events.find((e) => e.type === 'CaseReferred')!;
  const payloads = referralPayloads({ store: app.store, instanceId: INSTANCE });
  const subscription = (to: string, kind = REFERRAL_INTAKE_KIND) => ({ id: referralSubscriptionId('demo', to), agency: 'demo', kind }) as SubscriptionRecord;
  const payload = await payloads(subscription('remote.housing'), referred);
  t.match(payload, { body: { sourceSystem: 'city-a/demo', sourceReference: sourceId, statedReceiptDate: REFERRED_ON, request: { description: PART }, referral: { fromAgency: 'demo', sourceCaseId: sourceId, registrationNumber: 'demo-2025-1', scope: 'part', part: PART, referredOn: REFERRED_ON } } });
  t.ok(intakeBodySchema.safeParse(payload!.body).success, 'a body POST /v1/intake accepts');
  t.equal(await payloads(subscription('district.tax'), referred), null, 'not for another agency’s subscription');
  t.equal(await payloads(subscription('remote.housing', 'events'), referred), null, 'not for an integrator’s subscription');
  t.equal(await payloads(subscription('remote.housing'), events[0]!), null, 'not for another event');

  const again = await cw.command(sourceId, 'referCase', { toAgency: 'remote.housing', scope: 'whole', reason: '再次转办' });
  t.equal(again.statusCode, 422, 'a case is referred to one agency once');
  t.match(again.json(), { type: /invalid-value$/, field: 'toAgency' });
});

t.test('a referral the agency referred to cannot receive is recorded on the referring case, once, for its caseworker to act on', async (t) => {
  // the Irish Act applies to requests received from 2014-10-14: a referral made before cannot be received under it
  const IE_BODY = { id: 'ie.body', name: 'Example Irish body', jurisdiction: 'IE' } as const;
  const app = await testApp({ agencies: [IE_BODY] });
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  app.setNow(at('2014-09-01'));
  const sourceId = ok(t, await cw.post('/v1/cases', receiveBody('2014-09-01', { evidence: { arrivedOn: '2014-09-01' } })), 'received under the 2008 条例').caseId as string;
  ok(t, await cw.command(sourceId, 'registerRequest', {}), 'registered');
  app.setNow(at('2014-09-05'));
  ok(t, await cw.command(sourceId, 'referCase', { toAgency: IE_BODY.id, scope: 'whole', reason: 'held by the Irish body' }), 'referred');
  const referred = (await app.store.read(sourceId)).at(-1)!;

  t.same(await reactor(app, { now: '2014-09-05' }).catchUp(), { created: 0, linked: 0 }, 'no case there, no link');
  const events = await app.store.read(sourceId);
  t.equal(events.length, referred.revision + 2, 'one event more on the referring case');
  const refused = events.at(-1)!;
  t.match(refused, { type: 'ReferralRefused', data: { toAgency: IE_BODY.id, problem: 'invalid-value', noticedOn: '2014-09-05' }, metadata: { actor: REFERRAL_ACTOR, role: 'system', causationId: referred.id, correlationId: referred.metadata.correlationId } });
  t.match(refused.data, { detail: /IE/ }, 'says why');
  t.equal((await app.store.readAll({})).filter((e) => e.type === 'RequestReceived').length, 1, 'no case was created for the Irish body');

  const view = ok(t, await cw.get(`/v1/cases/${sourceId}`), 'the referring case');
  t.match(view.referrals, [{ toAgency: IE_BODY.id, scope: 'whole', referredOn: '2014-09-05', refusal: { problem: 'invalid-value', noticedOn: '2014-09-05' } }], 'its caseworker sees the refusal');
  t.same(view.links, [], 'and no link to a case that does not exist');
  t.ok((view.allowedCommands as string[]).includes('submit-for-review'), 'the case goes on: the applicant is told where to ask in the reply');
  t.match(describeEvent('ReferralRefused', refused.data, timelineWords('CN-2008')).words, `2014-09-05 ${IE_BODY.id} 未能接收转办的申请（invalid-value）：evidence.arrivedOn: no IE law applies to a request received on 2014-09-05。该机关未形成案件，仍须告知申请人向哪个机关申请（2008年条例 第21条(三)）。`);

  // a restart from an old checkpoint, or a second worker, records nothing twice
  await app.db.deleteFrom('projection_checkpoints').where('projection', '=', REFERRAL_CHECKPOINT).execute();
  t.same(await reactor(app, { now: '2014-09-06' }).catchUp(), { created: 0, linked: 0 });
  t.equal((await app.store.read(sourceId)).length, events.length, 'the refusal is recorded once');
});

t.test('the worker loop runs the reactor: the linked case appears without anyone stepping it', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const { linkedId } = await referredCase(app);
  const worker = startWorker({ store: app.store, db: app.db, calendars: app.calendars, log: { info() {}, error() {} }, clock: false, idleMs: 20, now: () => new Date(at(REFERRED_ON)), referrals: { agencies: app.agencies, instanceId: INSTANCE } });
  t.teardown(() => worker.stop());
  const other = await callerAs(app, 'caseworker', 'cw-other', 'other');
  let status = 0;
  for (let i = 0; i < 200 && status !== 200; i++) {
    status = (await other.get(`/v1/cases/${linkedId}`)).statusCode;
    if (status !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  t.equal(status, 200, 'the linked case was created by the worker');
});

t.test('a remote agency taken out of REMOTE_AGENCIES: its referral subscription is retired at the next start, its deliveries kept; named again, it is active again', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  /** A start with these remote agencies configured. */
  const start = (remote: string[]) =>
    referralWiring({ store: app.store, db: app.db, agencies: app.agencies, remoteAgencies: Object.fromEntries(remote.map((id) => [id, { intakeUrl: `https://foi.${id}.example.gov.cn/v1/intake`, token: 'remote.integrator.token' }])), instanceId: INSTANCE });
  const { webhookPayloads } = await start(['remote.housing', 'remote.tax']);
  const feeder = new OutboxFeeder({ store: app.store, db: webhookTables(app.db), publicBaseUrl: 'https://foi.example.gov.cn', payloadFor: webhookPayloads });
  const feed = async () => {
    while (!(await feeder.step()).caughtUp);
  };
  const integrator = await callerAs(app, 'integrator');
  const subscription = (id: string) => `/v1/webhooks/subscriptions/${id}`;
  const housing = referralSubscriptionId('demo', 'remote.housing');
  const tax = referralSubscriptionId('demo', 'remote.tax');
  await referredCase(app, 'remote.tax');
  await feed();
  t.match(ok(t, await integrator.get(`${subscription(tax)}/deliveries`), 'deliveries').items, [{ eventType: 'CaseReferred', status: 'pending' }], 'a referral on its way to remote.tax');

  await start(['remote.housing']); // remote.tax taken out of the configuration
  const retired = ok(t, await integrator.get(subscription(tax)), 'the retired subscription');
  t.match(retired, { kind: REFERRAL_INTAKE_KIND, status: 'disabled', disabledReason: /no longer in REMOTE_AGENCIES/ }, 'disabled, saying why');
  t.equal(ok(t, await integrator.get(subscription(housing)), 'the one still configured').status, 'active');
  t.equal(ok(t, await (await callerAs(app, 'integrator', 'integrator-other', 'other')).get(subscription(referralSubscriptionId('other', 'remote.tax'))), 'other agency').status, 'disabled', 'every served agency’s subscription to it');
  t.match(ok(t, await integrator.get(`${subscription(tax)}/deliveries`), 'deliveries kept').items, [{ eventType: 'CaseReferred' }], 'its deliveries are kept for the auditors');
  assertProblem(t, await integrator.post(`${subscription(tax)}/resume`), 'webhook-state-conflict', 'resuming a subscription the configuration retired');
  await referredCase(app, 'remote.tax'); // a caseworker still refers a case there
  await feed();
  t.equal(ok(t, await integrator.get(`${subscription(tax)}/deliveries`), 'deliveries').items.length, 1, 'the outbox feeds a retired subscription nothing');

  await start(['remote.housing', 'remote.tax']); // named again
  t.match(ok(t, await integrator.get(subscription(tax)), 'named again'), { status: 'active', disabledReason: null });
});
