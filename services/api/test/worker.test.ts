import t from 'tap';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@disclosure/event-store';
import { DEADLINE_CLOCK_ACTOR, intakeCaseId, startWorker } from '@disclosure/api';
import { until } from '../../../packages/webhooks/test/support/receiver.js';
import { registeredCase } from './support/cases.js';
import { at, callerAs, ok } from './support/http.js';
import { storeWith } from './support/storeWith.js';
import { receiveBody, testApp } from './support/testApp.js';

/**
 * A store under sustained load: before every read of the whole store another system appends an
 * event, so each projector step finds one more and the projector never reports caught up.
 */
function underLoad(store: EventStore): EventStore & { readonly appended: () => number } {
  let appended = 0;
  const loaded = storeWith(store, {
    async readAll(...args) {
      const at = new Date().toISOString();
      await store.append('load-generator', [{ id: randomUUID(), type: 'LoadGenerated', version: 1, data: { n: ++appended }, metadata: { actor: 'load', agency: 'demo', role: 'system', correlationId: randomUUID(), causationId: null, occurredAt: at } }], { expectedRevision: 'any' });
      return store.readAll(...args);
    },
  });
  return Object.assign(loaded, { appended: () => appended });
}

t.test('a worker whose projector never catches up still links referrals and sweeps the deadline clock', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  // received Fri 2025-09-26, due Thu 10-30: on Mon 10-27 three working days are left, under the 5-day warning
  const sourceId = await registeredCase(app, cw, '2025-09-26');
  app.setNow(at('2025-10-09'));
  ok(t, await cw.command(sourceId, 'referCase', { toAgency: 'other', scope: 'whole', reason: '由其他机关负责公开' }), 'referred to an agency served here');
  await app.project(); // the deadlines view knows the case before the load begins
  const busy = underLoad(app.store);
  const errors: unknown[] = [];
  const worker = startWorker({ store: busy, db: app.db, calendars: app.calendars, log: { info() {}, error: (o) => void errors.push(o) }, idleMs: 20, now: () => new Date(at('2025-10-27')), referrals: { agencies: app.agencies, instanceId: 'city-a' } });
  t.teardown(() => worker.stop());

  const linkedId = intakeCaseId('other', 'city-a/demo', sourceId);
  await until(async () => (await app.store.read(linkedId).catch(() => [])).length > 0, 8_000, `the referral reactor's linked case (worker errors: ${JSON.stringify(errors)})`);
  await until(async () => (await app.store.read(sourceId)).some((e) => e.metadata.actor === DEADLINE_CLOCK_ACTOR), 8_000, `the deadline clock's alert (worker errors: ${JSON.stringify(errors)})`);
  t.match(await app.store.read(linkedId), [{ type: 'RequestReceived' }, { type: 'CaseLinked' }], 'the linked case was created while the load went on');
  t.match((await app.store.read(sourceId)).filter((e) => e.metadata.actor === DEADLINE_CLOCK_ACTOR), [{ type: 'DeadlineApproaching' }], 'and the clock warned of the due date');
  t.ok(busy.appended() > 0, `the load went on throughout (${busy.appended()} events appended before reads)`);
});

t.test('a referral that fails every time waits out its own backoff: the projector goes on at full pace', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  app.setNow(at('2025-10-09'));
  const sourceId = await registeredCase(app, cw, '2025-10-09');
  ok(t, await cw.command(sourceId, 'referCase', { toAgency: 'other', scope: 'whole', reason: '由其他机关负责公开' }), 'referred to an agency served here');
  const linkedId = intakeCaseId('other', 'city-a/demo', sourceId);
  // the linked case can never be written: each reactor step fails on it
  const failing = storeWith(app.store, { append: (streamId, ...rest) => (streamId === linkedId ? Promise.reject(new Error('unwritable')) : app.store.append(streamId, ...rest)) });
  const errors: string[] = [];
  const started = Date.now();
  const worker = startWorker({ store: failing, db: app.db, calendars: app.calendars, log: { info() {}, error: (_o, m) => void errors.push(m) }, idleMs: 20, clock: false, referrals: { agencies: app.agencies, instanceId: 'city-a' } });
  t.teardown(() => worker.stop());
  const projected = async (caseId: string) => (await app.db.selectFrom('cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined;
  for (let i = 0; i < 5; i++) {
    const caseId = await registeredCase(app, cw, '2025-10-09');
    await until(() => projected(caseId), 2_000, `case ${i + 1} projected while the referral keeps failing (worker errors: ${JSON.stringify(errors)})`);
  }
  await new Promise((r) => setTimeout(r, 2_000));
  const elapsed = Date.now() - started;
  const failures = errors.filter((m) => m === 'referral reactor step failed; retrying').length;
  t.ok(failures >= 2, `the reactor kept trying (${failures} failures logged)`);
  // 250 ms, then twice as long each time: a loop that retried it every turn would log one failure per 250 ms or more often
  t.ok(failures <= Math.log2(elapsed / 250) + 2, `with a growing backoff: ${failures} failures in ${elapsed} ms`);
  t.same(errors.filter((m) => m !== 'referral reactor step failed; retrying'), [], 'nothing else failed');
  t.notOk(await projected(linkedId), 'the linked case is still not there');
});

t.test('under a steady stream of requests the projector lingers: one step per lingerMs, each case projected within about that', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  app.setNow(at('2025-10-09'));
  let steps = 0;
  const counted = storeWith(app.store, { readAll: (...args) => (steps++, app.store.readAll(...args)) });
  const errors: unknown[] = [];
  const worker = startWorker({ store: counted, db: app.db, calendars: app.calendars, log: { info() {}, error: (o) => void errors.push(o) }, idleMs: 20, lingerMs: 250, clock: false });
  t.teardown(() => worker.stop());
  const projected = async (caseId: string) => (await app.db.selectFrom('cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined;
  const first = (await cw.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
  await until(() => projected(first), 2_000, 'the first case, found by the first step');
  // a request every 20 ms for 1.5 s: each step finds some and reads less than a full page
  steps = 0;
  const began = Date.now();
  const ids: string[] = [];
  while (Date.now() - began < 1_500) {
    ids.push((await cw.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string);
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = Date.now() - began;
  const stepsDuring = steps;
  await until(() => projected(ids.at(-1)!), 1_000, `the last case, within a linger and a step (worker errors: ${JSON.stringify(errors)})`);
  t.ok(ids.length >= 15, `a stream of requests (${ids.length} in ${elapsed} ms)`);
  // back to back, a step every few ms would have found one or two cases each
  t.ok(stepsDuring >= 2 && stepsDuring <= elapsed / 250 + 2, `${stepsDuring} projector steps in ${elapsed} ms`);
  const missing = [];
  for (const id of ids) if (!(await projected(id))) missing.push(id);
  t.same(missing, [], 'every case of the stream is projected');
  t.same(errors, [], 'no step failed');
});
