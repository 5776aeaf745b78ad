import { randomUUID } from 'node:crypto';
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { DERIVED_WRITES_COMMIT, uuidV5 } from '@disclosure/event-store';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { newSigningSecret, OutboxFeeder, type WebhookDatabase, subscriptionOf, TargetGuard, TargetRefused, WebhookStateConflict, WebhookSubscriptions, WEBHOOK_TEST_TYPE } from '@disclosure/webhooks';
import { harness, PUBLIC_BASE_URL } from './support/harness.js';
import { until } from './support/receiver.js';
import { APPLICANT, appendCase, appendToCase, feedAll, openWebhookStores } from './support/stores.js';

// The embedded store (PGlite) and PostgreSQL run the same SQL: the first two tests run on both, the rest on PostgreSQL (a PGlite takes seconds to start).
for (const kind of ['pglite', 'postgres'] as const)
  t.test(`on ${kind}`, async (t) => {
    t.test('every delivery verifies with standardwebhooks; the thin envelope names the case, and the applicant only with the scope', async (t) => {
      const h = await harness(t, kind);
      const plain = await h.subscribe('/plain');
      const personal = await h.subscribe('/personal', { scopes: ['applicant-data'] });
      const registered = await h.subscribe('/registered', { eventTypes: ['RequestRegistered'] });
      const { caseId, eventIds } = await appendCase(h.stores.store, { registrationNumber: 'demo-2025-7', more: 1 });
      await appendCase(h.stores.store, { agency: 'other' }); // another agency's case: none of ours gets it
      await h.deliver();

      t.equal(h.receiver.received.length, 3 + 3 + 1, 'each subscription got what it asked for, once');
      t.ok(h.receiver.received.every((r) => r.verifiedWith.length === 1), 'Webhook#verify accepted every delivery');
      const plainGot = h.receiver.accepted('/plain');
      t.same(plainGot.map((r) => r.payload.type), ['RequestReceived', 'RequestRegistered', 'CaseAssigned']);
      t.same(plainGot.map((r) => r.webhookId), eventIds.map((e) => uuidV5(`${plain.id}/${e}`)), 'webhook-id = uuid v5 of (subscription, event)');
      const [received, registeredEvent] = plainGot.map((r) => r.payload);
      t.equal(received.id, plainGot[0]!.webhookId, 'the envelope carries its webhook-id');
      t.same(Object.keys(received.data).sort(), ['agency', 'caseId', 'link', 'occurredAt', 'position', 'recordedAt', 'registrationNumber']);
      t.match(received.data, { caseId, agency: 'demo', link: `${PUBLIC_BASE_URL}/v1/cases/${caseId}`, registrationNumber: 'demo-2025-7', position: /^\d+$/ });
      t.equal(registeredEvent.data.registrationNumber, 'demo-2025-7', 'the registration number, known from the case’s own events');
      t.notOk(JSON.stringify(plainGot.map((r) => r.body)).includes(APPLICANT.name), 'no personal data without the scope');
      t.same(h.receiver.accepted('/personal').map((r) => r.payload.data.applicant), [APPLICANT, APPLICANT, APPLICANT], 'the applicant-data scope adds the applicant');
      t.same(h.receiver.accepted('/registered').map((r) => r.payload.type), ['RequestRegistered'], 'a type filter');
      t.equal(registered.id.length, 36);
      const one = h.receiver.received[0]!;
      t.equal(one.headers['content-type'], 'application/json');
      t.match(one.signature, /^v1,[A-Za-z0-9+/]+=*$/, 'webhook-signature: v1,<base64>');
      t.ok(Math.abs(Number(one.timestamp) - Date.now() / 1000) < 30, 'webhook-timestamp: the send time in seconds');
      const page = await h.subscriptions.deliveries('demo', personal.id);
      t.same(page.items.map((d) => [d.status, d.attempts, d.lastStatusCode]), [['delivered', 1, 200], ['delivered', 1, 200], ['delivered', 1, 200]], 'recorded as delivered');
    });

    t.test('a paused subscription accumulates and sends in order on resume; a test event goes through the same outbox', async (t) => {
      const h = await harness(t, kind);
      const s = await h.subscribe('/s');
      await h.subscriptions.pause('demo', s.id);
      const { caseId } = await appendCase(h.stores.store, { more: 2 });
      await h.subscriptions.sendTest('demo', s.id, { actor: 'integrator-1', role: 'integrator', correlationId: 'c-1', causationId: null, occurredAt: new Date().toISOString() });
      await h.deliver();
      t.equal(h.receiver.received.length, 0, 'nothing sent while paused');
      t.equal((await h.subscriptions.deliveries('demo', s.id, { status: 'pending' })).items.length, 5, 'but every delivery is recorded');
      await h.subscriptions.resume('demo', s.id);
      await h.deliver();
      const got = h.receiver.accepted('/s').map((r) => r.payload);
      t.same(got.map((p) => p.type), ['RequestReceived', 'RequestRegistered', 'CaseAssigned', 'CaseAssigned', WEBHOOK_TEST_TYPE], 'in order, the test last');
      t.same(got.map((p) => BigInt(p.data.position)), got.map((p) => BigInt(p.data.position)).sort((a, b) => (a < b ? -1 : 1)), 'by global position');
      t.match(got[4].data, { caseId: null, link: null, subscriptionId: s.id, agency: 'demo' });
      t.equal(got[0].data.caseId, caseId);
    });

    if (kind === 'pglite') return;

    t.test('a rotated secret keeps signing through its overlap, beside the new one; after it only the new one signs', async (t) => {
      const h = await harness(t, kind);
      const s = await h.subscribe('/r');
      const { secret: fresh } = await h.subscriptions.rotateSecret('demo', s.id, 2);
      h.receiver.secrets.set('/r', [s.secret, fresh]);
      const { caseId } = await appendCase(h.stores.store);
      await h.deliver();
      const during = h.receiver.received[0]!;
      t.equal(during.signature.split(' ').length, 2, 'two v1 signatures during the overlap');
      t.same([...during.verifiedWith].sort(), [s.secret, fresh].sort(), 'a receiver holding either secret verifies');
      t.same((await h.subscriptions.get('demo', s.id)).secrets.map((x) => x.validUntil === null), [false, true], 'the old secret shows when it ends');
      await new Promise((r) => setTimeout(r, 2_100));
      await appendToCase(h.stores.store, caseId, 1);
      await h.deliver();
      const after = h.receiver.received.at(-1)!;
      t.equal(after.signature.split(' ').length, 1, 'one signature once the overlap is over');
      t.same(after.verifiedWith, [fresh], 'only the new secret verifies');
      t.throws(() => new Webhook(s.secret).verify(after.body, { 'webhook-id': after.webhookId, 'webhook-timestamp': after.timestamp, 'webhook-signature': after.signature }), 'the old one no longer does');
    });

    t.test('a receiver down for a stretch (503s, then refusing connections), then up: everything arrives, in order per subscription, once per webhook-id', async (t) => {
      const h = await harness(t, kind);
      const a = await h.subscribe('/a');
      const b = await h.subscribe('/b', { eventTypes: ['CaseAssigned'] });
      const cases = [];
      for (let i = 0; i < 4; i++) cases.push(await appendCase(h.stores.store, { more: 3 }));
      let wasDown = false;
      h.receiver.answer = () => (wasDown ? { status: 200 } : { status: 503 });
      const settled = h.settle(); // feeds and sends as a worker would, retries included, until all is delivered
      await until(() => h.receiver.received.length >= 6, 10_000, 'a few 503s');
      await h.receiver.down(); // then the receiver goes away altogether, while more events come
      for (const c of cases) await appendToCase(h.stores.store, c.caseId, 2);
      await until(async () => (await h.stores.db.selectFrom('webhook_attempts').select('error').where('error', 'like', '%ECONNREFUSED%').execute()).length >= 4, 10_000, 'refused connections');
      wasDown = true;
      await h.receiver.listen();
      await settled;

      const expected = { a: 4 * (2 + 3 + 2), b: 4 * (3 + 2) };
      for (const [path, count, sub] of [['/a', expected.a, a], ['/b', expected.b, b]] as const) {
        const accepted = h.receiver.accepted(path);
        const firstSeen = [...new Map(accepted.map((r) => [r.webhookId, r])).values()];
        t.equal(firstSeen.length, count, `${path}: every event arrived (${count})`);
        const positions = firstSeen.map((r) => BigInt(r.payload.data.position));
        t.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]!), `${path}: accepted in global order`);
        t.ok(accepted.every((r) => r.verifiedWith.length === 1), `${path}: all verified`);
        const page = await h.subscriptions.deliveries('demo', sub.id, { limit: 100 });
        t.ok(page.items.every((d) => d.status === 'delivered'), `${path}: all recorded delivered`);
      }
      t.ok(h.receiver.received.some((r) => r.status === 503), 'the receiver did refuse some');
      const errors = await h.stores.db.selectFrom('webhook_attempts').select('error').where('error', 'is not', null).execute();
      t.ok(errors.some((e) => /ECONNREFUSED/.test(e.error!)), 'and was down for some (connection refused)');
      const retried = (await h.subscriptions.deliveries('demo', a.id, { limit: 100 })).items.filter((d) => d.attempts > 1);
      t.ok(retried.length > 0, 'some deliveries took several attempts');
      const detail = await h.subscriptions.delivery('demo', a.id, retried[0]!.id);
      t.equal(detail.history.length, detail.attempts, 'each attempt is kept');
      t.ok(detail.history.slice(0, -1).every((x) => x.statusCode === 503 || x.error !== null), 'the failed ones with their status or error');
    });

    t.test('410 Gone disables the subscription: the later deliveries wait, and resuming sends them', async (t) => {
      const h = await harness(t, kind);
      const s = await h.subscribe('/gone');
      await appendCase(h.stores.store, { more: 2 });
      h.receiver.answer = (_r, i) => (i === 1 ? { status: 410 } : { status: 200 });
      await h.deliver();
      const view = await h.subscriptions.get('demo', s.id);
      t.equal(view.status, 'disabled');
      t.match(view.disabledReason, /410 Gone/);
      t.equal(h.receiver.received.length, 2, 'nothing sent after the 410');
      const pending = await h.subscriptions.deliveries('demo', s.id, { limit: 10 });
      t.same(pending.items.map((d) => d.status), ['pending', 'pending', 'failed', 'delivered'], 'newest first: two waiting behind the one that got 410');
      const later = await appendCase(h.stores.store, { more: 1 }); // recorded while disabled
      await h.deliver();
      t.equal(h.receiver.received.length, 2, 'still nothing sent while disabled');
      t.equal((await h.subscriptions.deliveries('demo', s.id, { limit: 20 })).items.length, 4 + later.eventIds.length, 'the events of the disabled stretch accumulate as deliveries');
      await h.subscriptions.resume('demo', s.id);
      await h.deliver();
      t.equal(h.receiver.accepted('/gone').length, 4 + later.eventIds.length, 'resumed: the refused one, the rest, and what accumulated while disabled');
      t.equal(new Set(h.receiver.accepted('/gone').map((r) => r.webhookId)).size, 4 + later.eventIds.length);
    });

    t.test('a subscription deleted while its delivered mark waits does not stop the sending of the others', async (t) => {
      const h = await harness(t, kind);
      const a = await h.subscribe('/deleted');
      await h.subscribe('/kept');
      let deleting: Promise<unknown> | undefined;
      h.receiver.answer = (r) => {
        if (r.path === '/deleted' && !deleting) deleting = h.subscriptions.delete('demo', a.id); // while its answer is on its way back
        return { status: 200 };
      };
      const first = await appendCase(h.stores.store, { more: 1 });
      await h.deliver();
      await deleting;
      const second = await appendCase(h.stores.store, { more: 1 });
      await h.deliver();
      const kept = h.receiver.accepted('/kept');
      t.equal(new Set(kept.map((r) => r.webhookId)).size, first.eventIds.length + second.eventIds.length, 'every event reached the subscription that was kept');
      const open = await h.stores.db.selectFrom('webhook_deliveries').select('status').where('status', '!=', 'delivered').execute();
      t.same(open, [], 'and each is marked delivered');
    });

    t.test('Retry-After is waited out even when the schedule says sooner', async (t) => {
      const h = await harness(t, kind);
      await h.subscribe('/later');
      await appendCase(h.stores.store, { registrationNumber: null });
      h.receiver.answer = (_r, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '2' } } : i === 1 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 2_500).toUTCString() } } : { status: 200 });
      await feedAll(h.feeder, h.stores);
      await h.sender.drain(); // the first attempt; the retry is not due yet
      t.equal(h.receiver.received.length, 1);
      await until(async () => {
        await h.sender.drain();
        return h.receiver.accepted().length > 0;
      }, 20_000, 'the delivery accepted');
      const [first, second, third] = h.receiver.received;
      t.ok(second!.at - first!.at >= 2_000, `Retry-After in seconds: waited ${second!.at - first!.at} ms (schedule: 50 ms)`);
      t.ok(third!.at - second!.at >= 1_000, `Retry-After as an HTTP date: waited ${third!.at - second!.at} ms`);
    });

    t.test('a spent schedule dead-letters the delivery and the next ones go; dead letters are listed and replayed', async (t) => {
      const h = await harness(t, kind, { retrySchedule: [0, 0.01, 0.01] });
      const s = await h.subscribe('/dead');
      await appendCase(h.stores.store, { more: 1 });
      h.receiver.answer = (r) => (r.payload?.type === 'RequestRegistered' ? { status: 500, body: 'x'.repeat(5_000) } : { status: 200 });
      await feedAll(h.feeder, h.stores);
      await until(async () => {
        await h.sender.drain();
        return (await h.subscriptions.deliveries('demo', s.id, { status: 'delivered' })).items.length === 2;
      }, 20_000, 'the two around the dead one delivered');
      const dead = await h.subscriptions.deadLetters('demo', s.id);
      t.same(dead.items.map((d) => [d.eventType, d.attempts, d.lastStatusCode]), [['RequestRegistered', 3, 500]], 'three attempts, then dead');
      t.equal(dead.items[0]!.lastResponse!.length, 1024, 'the answer kept is cut at 1 KB');
      t.same(h.receiver.accepted('/dead').map((r) => r.payload.type), ['RequestReceived', 'CaseAssigned'], 'the one behind it went');
      h.receiver.answer = () => ({ status: 200 });
      t.equal(await h.subscriptions.replayDeadLetters('demo', s.id), 1);
      await h.sender.drain();
      t.same(h.receiver.accepted('/dead').map((r) => r.payload.type), ['RequestReceived', 'CaseAssigned', 'RequestRegistered'], 'replayed');
      t.equal(h.receiver.accepted('/dead')[2]!.webhookId, dead.items[0]!.id, 'under the same webhook-id');
      t.equal((await h.subscriptions.deadLetters('demo', s.id)).items.length, 0);
    });

    t.test('a hanging receiver is a timeout, a failed attempt', async (t) => {
      const h = await harness(t, kind, { timeoutMs: 300, retrySchedule: [0, 60] });
      const s = await h.subscribe('/slow');
      await appendCase(h.stores.store, { registrationNumber: null });
      h.receiver.answer = () => ({ status: 200, delayMs: 2_000 });
      await h.deliver();
      const [d] = (await h.subscriptions.deliveries('demo', s.id)).items;
      t.match(d, { status: 'failed', attempts: 1, lastStatusCode: null, lastError: /no answer within 300 ms/ });
      t.ok(Date.parse(d!.nextAttemptAt!) - Date.now() > 50_000, 'the next attempt per schedule (60 s)');
      h.receiver.answer = () => ({ status: 200 });
      await h.subscriptions.redeliver('demo', s.id, d!.id); // an operator: try it now
      await h.sender.drain();
      t.match((await h.subscriptions.deliveries('demo', s.id)).items[0], { status: 'delivered', attempts: 2 }, 'a redelivery of one waiting for its retry tries it now');
    });
  });

t.test('a private target is refused when the subscription is made, and at delivery when its DNS answer has changed since', async (t) => {
  const dns = new Map([['hooks.example.test', '93.184.216.34']]);
  const h = await harness(t, 'postgres', { allow: [], resolve: async (host) => (dns.has(host) ? [{ address: dns.get(host)!, family: 4 }] : []) });
  const refused = await h.subscriptions.create({ agency: 'demo', createdBy: 'i-1', url: h.receiver.url('/x'), eventTypes: ['*'] }).then(() => undefined, (e: unknown) => e);
  t.type(refused, TargetRefused, 'http://127.0.0.1:… is refused at creation');
  t.match((refused as TargetRefused).reason, /loopback/);
  t.same(await h.subscriptions.list('demo'), [], 'and nothing was made');
  const made = await h.subscriptions.create({ agency: 'demo', createdBy: 'i-1', url: `http://hooks.example.test:${h.receiver.port}/x`, eventTypes: ['*'] });
  dns.set('hooks.example.test', '127.0.0.1'); // the host now points inside
  await appendCase(h.stores.store, { registrationNumber: null });
  await h.deliver();
  t.equal(h.receiver.received.length, 0, 'nothing reached the private address');
  const [d] = (await h.subscriptions.deliveries('demo', made.subscription.id)).items;
  t.match(d, { status: 'failed', attempts: 1, lastStatusCode: null, lastError: /hooks\.example\.test resolves to 127\.0\.0\.1, which is loopback/ }, 'the refusal is recorded on the delivery');
});

t.test('two feeders on one database never feed a batch twice: the second finds the checkpoint claimed and steps back', async (t) => {
  const stores = await openWebhookStores('postgres');
  t.teardown(() => stores.close());
  const guard = new TargetGuard({ allow: ['127.0.0.1'] });
  const subs = new WebhookSubscriptions({ db: stores.db, store: stores.store, guard });
  await subs.create({ agency: 'demo', createdBy: 'i-1', url: 'http://127.0.0.1:9/x', eventTypes: ['*'] });
  for (let i = 0; i < 5; i++) await appendCase(stores.store);
  await until(async () => (await stores.store.readAll({ limit: 100 })).length === 10, 20_000, 'the events readable'); // other tests' transactions can hold reads back a moment
  let release!: () => void;
  let inside!: () => void;
  const entered = new Promise<void>((r) => (inside = r));
  const gate = new Promise<void>((r) => (release = r));
  const a = new OutboxFeeder({ store: stores.store, db: stores.db, publicBaseUrl: PUBLIC_BASE_URL, beforeCommit: async () => { inside(); await gate; } });
  const b = new OutboxFeeder({ store: stores.store, db: stores.db, publicBaseUrl: PUBLIC_BASE_URL });
  const first = a.step();
  await entered;
  let secondDone = false;
  const second = b.step().finally(() => (secondDone = true));
  await new Promise((r) => setTimeout(r, 300));
  t.notOk(secondDone, 'the second waits on the claimed checkpoint');
  release();
  t.match(await first, { events: 10, deliveries: 10 });
  t.match(await second, { events: 0, deliveries: 0, caughtUp: false }, 'the second’s batch was rolled back');
  t.match(await b.step(), { events: 0, caughtUp: true }, 'and then it finds nothing left');
  const rows = await stores.db.selectFrom('webhook_deliveries').select('id').execute();
  t.equal(rows.length, 10, 'one delivery per event');
});

t.test('the outbox writes its deliveries and checkpoint in transactions that do not wait for the disk: both derive from the log and are fed again if a crash loses them', async (t) => {
  const stores = await openWebhookStores('postgres');
  t.teardown(() => stores.close());
  const statements: string[] = [];
  const db = new Kysely<WebhookDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: stores.url, max: 2 }) }), log: (e) => void (e.level === 'query' && statements.push(e.query.sql)) });
  t.teardown(() => db.destroy());
  const subs = new WebhookSubscriptions({ db: stores.db, store: stores.store, guard: new TargetGuard({ allow: ['127.0.0.1'] }) });
  await subs.create({ agency: 'demo', createdBy: 'i-1', url: 'http://127.0.0.1:9/x', eventTypes: ['*'] });
  for (let i = 0; i < 3; i++) await appendCase(stores.store);
  await feedAll(new OutboxFeeder({ store: stores.store, db, publicBaseUrl: PUBLIC_BASE_URL, batchSize: 2 }), stores);
  const firstInTransaction = statements.flatMap((sql, i) => (sql === 'begin' ? [statements[i + 1]] : []));
  t.ok(firstInTransaction.length >= 3, `${firstInTransaction.length} batches fed`);
  t.same(new Set(firstInTransaction), new Set([DERIVED_WRITES_COMMIT]), 'each transaction starts by turning off the wait for the WAL flush');
  t.equal((await stores.db.selectFrom('webhook_deliveries').select('id').execute()).length, 6, 'one delivery per event');
});

t.test('a subscription made while the outbox feeds a batch gets every event after the position it starts from: the batch under way never passes it by', async (t) => {
  const stores = await openWebhookStores('postgres');
  t.teardown(() => stores.close());
  const subs = new WebhookSubscriptions({ db: stores.db, store: stores.store, guard: new TargetGuard({ allow: ['127.0.0.1'] }) });
  const before = await appendCase(stores.store, { more: 2 }); // recorded a moment before the subscription is made
  await until(async () => (await stores.store.readAll({ limit: 100 })).length === before.eventIds.length, 20_000, 'the events readable');
  let made: ReturnType<WebhookSubscriptions['create']> | undefined;
  const feeder = new OutboxFeeder({
    store: stores.store,
    db: stores.db,
    publicBaseUrl: PUBLIC_BASE_URL,
    // the dangerous moment: the batch is claimed and about to commit when an integrator subscribes
    beforeCommit: async () => {
      made ??= subs.create({ agency: 'demo', createdBy: 'i-1', url: 'http://127.0.0.1:9/new', eventTypes: ['*'] });
      await Promise.race([made, new Promise((r) => setTimeout(r, 1_500))]); // it may wait for this batch to commit
    },
  });
  await feedAll(feeder, stores);
  const { subscription } = await made!;
  const after = await appendCase(stores.store, { registrationNumber: null });
  await feedAll(feeder, stores);

  const record = subscriptionOf(await stores.db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', subscription.id).executeTakeFirstOrThrow());
  const fed = (await stores.db.selectFrom('webhook_deliveries').select('event_id').where('subscription_id', '=', record.id).orderBy('position').execute()).map((d) => d.event_id);
  // the rule (docs/integration.md § Subscribe): the events after its fromPosition, less any recorded over 5 s before it was made
  const head = await stores.head();
  let stored: Awaited<ReturnType<typeof stores.store.readAll>> = [];
  await until(async () => (stored = await stores.store.readAll({ limit: 100 })).at(-1)?.position === head, 20_000, 'every event readable'); // a transaction open elsewhere holds reads back a moment
  const owed = stored.filter((e) => e.position > record.fromPosition && Date.parse(e.metadata.recordedAt) >= Date.parse(record.createdAt) - 5_000).map((e) => e.id);
  t.same(fed, owed, `fed every event after the position it starts from (${record.fromPosition})`);
  t.same(fed.slice(-after.eventIds.length), after.eventIds, 'among them every event recorded after it was made');
});

t.test('a new subscription gets the events recorded after it was made, even when the outbox is behind', async (t) => {
  const h = await harness(t, 'postgres');
  await appendCase(h.stores.store, { more: 3 }); // recorded long enough ago, and not yet fed
  await h.stores.db.updateTable('webhook_checkpoint').set({ position: '-1' }).execute();
  const s = await h.subscribe('/new');
  await h.stores.db.updateTable('webhook_subscriptions').set({ created_at: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', s.id).execute(); // as if made a minute after those events
  await h.deliver();
  t.equal(h.receiver.received.length, 0, 'the events before it are not delivered');
  await h.stores.db.updateTable('webhook_subscriptions').set({ created_at: new Date().toISOString() }).where('id', '=', s.id).execute();
  const { eventIds } = await appendCase(h.stores.store, { registrationNumber: null });
  await h.deliver();
  t.same(h.receiver.accepted('/new').map((r) => r.payload.type), ['RequestReceived'], 'the one after it is');
  t.equal(h.receiver.accepted('/new')[0]!.webhookId, uuidV5(`${s.id}/${eventIds[0]}`));
});

t.test('a registration number recorded in a later batch reaches the envelopes of the events after it', async (t) => {
  const h = await harness(t, 'postgres');
  await h.subscribe('/n');
  const { caseId } = await appendCase(h.stores.store, { registrationNumber: null });
  await h.deliver();
  await h.stores.store.append(caseId, [{ id: randomUUID(), type: 'RequestRegistered', version: 1, data: { registrationNumber: 'demo-2025-42', accessCodeDigest: '0'.repeat(64), registeredOn: '2025-10-09' }, metadata: { actor: 'cw-1', agency: 'demo', role: 'caseworker', correlationId: 'c', causationId: null, occurredAt: new Date().toISOString() } }], { expectedRevision: 0 });
  await h.deliver();
  await appendToCase(h.stores.store, caseId, 1);
  await h.deliver();
  t.same(h.receiver.accepted('/n').map((r) => [r.payload.type, r.payload.data.registrationNumber]), [['RequestReceived', null], ['RequestRegistered', 'demo-2025-42'], ['CaseAssigned', 'demo-2025-42']]);
});

t.test('a configured subscription: its payload builder makes the body, its static headers go along, and making it again changes nothing', async (t) => {
  const h = await harness(t, 'postgres');
  const secret = newSigningSecret();
  const spec = { id: randomUUID(), agency: 'demo', kind: 'referral-intake', url: h.receiver.url('/intake'), eventTypes: ['CaseAssigned'], headers: { authorization: 'Bearer remote-token' }, secret };
  const made = await h.subscriptions.ensureSystemSubscription(spec);
  t.match(made, { kind: 'referral-intake', status: 'active', headers: { authorization: 'Bearer remote-token' } });
  await h.subscriptions.ensureSystemSubscription(spec);
  t.equal((await h.subscriptions.list('demo')).length, 1, 'made once');
  t.same((await h.subscriptions.get('demo', spec.id)).headerNames, ['authorization'], 'the API shows the header’s name, not its value');
  await t.rejects(h.subscriptions.rotateSecret('demo', spec.id), WebhookStateConflict, 'its secret is the configuration’s');
  await t.rejects(h.subscriptions.ensureSystemSubscription({ ...spec, secret: 'whsec_c2hvcnQ=' }), RangeError, 'a secret too short to sign with is refused');
  h.receiver.secrets.set('/intake', [secret]);
  const built: string[] = [];
  const feeder = new OutboxFeeder({
    store: h.stores.store,
    db: h.stores.db,
    publicBaseUrl: PUBLIC_BASE_URL,
    payloadFor: async (s, e) => {
      built.push(`${s.kind}:${e.type}`);
      return (e.data as { assignee: { id: string } }).assignee.id === 'cw-0' ? { body: { referred: e.streamId } } : null;
    },
  });
  const { caseId } = await appendCase(h.stores.store, { more: 2 }); // assignments to cw-0 and cw-1
  await feedAll(feeder, h.stores);
  await h.sender.drain();
  t.same(built, ['referral-intake:CaseAssigned', 'referral-intake:CaseAssigned'], 'asked for each event of its types');
  const got = h.receiver.accepted('/intake');
  t.equal(got.length, 1, 'null: no delivery for that event');
  t.same(got[0]!.payload, { referred: caseId }, 'the builder’s body');
  t.equal(got[0]!.headers.authorization, 'Bearer remote-token');
  t.same(got[0]!.verifiedWith, [secret], 'signed with the configured secret');
  const changed = newSigningSecret();
  await h.subscriptions.ensureSystemSubscription({ ...spec, secret: changed });
  t.same((await h.stores.db.selectFrom('webhook_secrets').select('secret').where('valid_until', 'is', null).execute()).map((r) => r.secret), [changed], 'a changed secret replaces the old one');
});

t.test('requests to one endpoint are limited across its subscriptions', async (t) => {
  const h = await harness(t, 'postgres', { concurrencyPerEndpoint: 2 });
  for (const p of ['/1', '/2', '/3', '/4', '/5']) await h.subscribe(p);
  for (let i = 0; i < 3; i++) await appendCase(h.stores.store, { registrationNumber: null });
  h.receiver.answer = () => ({ status: 200, delayMs: 30 });
  await h.deliver();
  t.equal(h.receiver.accepted().length, 15);
  t.equal(h.receiver.maxInFlight, 2, 'never more than 2 at once');
});
