import t, { type Test } from 'tap';
import type { EventStore } from '@disclosure/event-store';
import { clockEventId, DEADLINE_CLOCK_ACTOR, DeadlineClock } from '@disclosure/api';
import { caseEvent } from '@disclosure/domain';
import { storeWith } from './support/storeWith.js';
import { testApp, type TestApp } from './support/testApp.js';
import { registeredCase } from './support/cases.js';
import { allEvents, assertProblem, at, callerAs, ok, type Caller } from './support/http.js';
import { partlyDisclosed } from './support/factories.js';

/*
 * The deadline clock over HTTP-made cases, swept on Fri 2025-10-31 (Beijing). Due dates worked out
 * by hand from 国办发明电〔2024〕12号 (10-01…10-08 off; Sun 09-28 and Sat 10-11 worked):
 *   late    received Fri 09-26 → due Thu 10-30: missed on 10-31
 *   soon    received Mon 09-29 → 09-30, 10-09, 10-10, 10-11 (4), 10-13…17 (9), 20…24 (14), 27…31 (19) → due Mon 11-03: 1 working day left
 *   week    received Thu 10-09 → 10-10, 10-11 (2), 13…17 (7), 20…24 (12), 27…31 (17), 11-03, 04, 05 → due Wed 11-05: 3 left
 *   later   received Mon 10-20 → due in late November: nothing
 *   replied received Fri 09-26, replied on 10-10: closed, nothing
 */
const SWEEP_DAY = '2025-10-31';

interface Cases {
  late: string;
  soon: string;
  week: string;
  later: string;
  replied: string;
}

async function reply(app: TestApp, cw: Caller, rv: Caller, caseId: string, day: string) {
  app.setNow(at(day));
  ok(t, await cw.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: '答复书草稿' }), 'submit');
  ok(t, await rv.command(caseId, 'approveReply', {}), 'approve');
  ok(t, await cw.command(caseId, 'issueReply', { delivery: 'email' }), 'reply');
}

async function scenario(t: Test): Promise<{ app: TestApp; cases: Cases; cw: Caller; rv: Caller; sv: Caller }> {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker', 'cw-li');
  const rv = await callerAs(app, 'reviewer', 'rv-zhao');
  const sv = await callerAs(app, 'supervisor', 'sv-chen');
  const cases = {
    late: await registeredCase(app, cw, '2025-09-26'),
    soon: await registeredCase(app, cw, '2025-09-29'),
    week: await registeredCase(app, cw, '2025-10-09'),
    later: await registeredCase(app, cw, '2025-10-20'),
    replied: await registeredCase(app, cw, '2025-09-26'),
  };
  await reply(app, cw, rv, cases.replied, '2025-10-10');
  app.setNow(at('2025-10-30'));
  ok(t, await sv.command(cases.soon, 'instructSupervision', { instructionId: 'db-1', instruction: '请于11月3日前答复（督办）', respondBy: '2025-11-03' }), '督办 on the case due Monday');
  app.setNow(at(SWEEP_DAY));
  await app.project();
  return { app, cases, cw, rv, sv };
}

const clockOf = (app: TestApp, options: { store?: EventStore; concurrency?: number } = {}) =>
  new DeadlineClock({ store: options.store ?? app.store, db: app.db, calendars: app.calendars, now: () => new Date(at(SWEEP_DAY)), ...(options.concurrency ? { concurrency: options.concurrency } : {}) });

/** The clock's events, by case. */
async function clockEvents(app: TestApp) {
  const byCase = new Map<string, string[]>();
  for (const e of await allEvents(app))
    if (e.metadata.actor === DEADLINE_CLOCK_ACTOR) byCase.set(e.streamId, [...(byCase.get(e.streamId) ?? []), `${e.type} ${JSON.stringify(e.data)}`]);
  return byCase;
}

/** A store whose appends fail after `n` succeeded: the worker process killed halfway through a sweep. */
function killedAfter(store: EventStore, n: number): EventStore {
  let left = n;
  return storeWith(store, {
    append: async (stream, events, options) => {
      if (left-- <= 0) throw new Error('worker killed');
      return store.append(stream, events, options);
    },
  });
}

t.test('the deadline clock over one agency’s cases', async (t) => {
  const { app, cases, cw, rv, sv } = await scenario(t);
  const expected = new Map([
    [cases.late, [`DeadlineMissed ${JSON.stringify({ dueDate: '2025-10-30', noticedOn: SWEEP_DAY })}`]],
    [cases.soon, [`DeadlineApproaching ${JSON.stringify({ dueDate: '2025-11-03', workingDaysLeft: 1, threshold: 1, noticedOn: SWEEP_DAY })}`]],
    [cases.week, [`DeadlineApproaching ${JSON.stringify({ dueDate: '2025-11-05', workingDaysLeft: 3, threshold: 5, noticedOn: SWEEP_DAY })}`]],
  ]);

  t.test('a sweep killed halfway, rerun by two workers at once, records each alert exactly once', async (t) => {
    await t.rejects(clockOf(app, { store: killedAfter(app.store, 1), concurrency: 1 }).sweep(), /worker killed/, 'the first sweep dies after one append');
    t.equal([...(await clockEvents(app)).values()].flat().length, 1, 'one alert made it');

    // the read models have not seen that alert yet: both workers take every case due as a candidate
    const [a, b] = await Promise.all([clockOf(app).sweep(), clockOf(app).sweep()]);
    t.equal(a.appended + b.appended, 2, 'between them the two workers recorded the two alerts left, once');
    t.equal(a.examined, 3, 'only the open cases late or due within 5 working days were candidates');
    t.same(await clockEvents(app), expected, 'each alert once, on its case, with the due date as of the sweep');

    await app.project();
    const again = await clockOf(app).sweep();
    t.same({ loaded: again.loaded, appended: again.appended }, { loaded: 0, appended: 0 }, 'a sweep after the restart reads no stream and records nothing');
    t.same(await clockEvents(app), expected);
  });

  t.test('the same decision always gets the same event id, and the store keeps one', async (t) => {
    const missed = caseEvent('DeadlineMissed', { dueDate: '2025-10-30', noticedOn: '2025-11-01' });
    t.equal(clockEventId(cases.late, missed), clockEventId(cases.late, caseEvent('DeadlineMissed', { dueDate: '2025-10-30', noticedOn: SWEEP_DAY })), 'the day noticed is not part of the id');
    t.not(clockEventId(cases.late, missed), clockEventId(cases.soon, missed));
    const stored = await app.store.read(cases.late);
    const resent = await app.store.append(cases.late, [{ id: clockEventId(cases.late, missed), type: missed.type, version: 1, data: missed.data, metadata: stored.at(-1)!.metadata }], { expectedRevision: stored.length - 2 });
    t.equal(resent.duplicate, true, 'a worker that decided on a stale case re-sends an id the store already has: a duplicate, nothing appended');
    t.equal((await app.store.read(cases.late)).length, stored.length);
  });

  t.test('a missed deadline is in the case’s events and in the supervisors’ queue, with the 督办 awaiting an answer', async (t) => {
    const late = await app.store.read(cases.late);
    t.match(late.at(-1), { type: 'DeadlineMissed', data: { dueDate: '2025-10-30', noticedOn: SWEEP_DAY }, metadata: { actor: DEADLINE_CLOCK_ACTOR, agency: 'demo', role: 'system' } }, 'the case stream records the miss');
    ok(t, await cw.get(`/v1/cases/${cases.late}`), 'the case still reads (the event is a valid case event)');

    const queue = ok(t, await sv.get('/v1/supervision/queue'), 'the supervisors’ queue');
    t.equal(queue.asOf, SWEEP_DAY);
    t.same(
      queue.items.map((i: Record<string, unknown>) => [i.caseId, i.dueDate, i.workingDaysLeft, i.overdue]),
      [
        [cases.late, '2025-10-30', -1, true],
        [cases.soon, '2025-11-03', 1, false],
        [cases.week, '2025-11-05', 3, false],
      ],
      'late first, then by due date; the case due later and the replied one are not there',
    );
    t.match(queue.items[0], { status: 'processing', registrationNumber: /^demo-2025-\d+$/, clockStatus: 'running', supervision: { awaitingAnswer: false, openInstructions: 0 }, lastAlert: { kind: 'missed', dueDate: '2025-10-30', noticedOn: SWEEP_DAY } });
    t.match(queue.items[1], { supervision: { awaitingAnswer: true, openInstructions: 1 }, lastAlert: { kind: 'approaching', threshold: 1 } }, 'the 督办 awaits the caseworker’s answer');

    t.same(ok(t, await sv.get('/v1/supervision/queue?within=0'), 'within 0').items.map((i: { caseId: string }) => i.caseId), [cases.late], 'within=0: only what is late or due today');
    const first = ok(t, await sv.get('/v1/supervision/queue?limit=2'), 'a page of 2');
    t.equal(first.items.length, 2);
    t.same(ok(t, await sv.get(`/v1/supervision/queue?limit=2&cursor=${first.nextCursor}`), 'the next page').items.map((i: { caseId: string }) => i.caseId), [cases.week]);
    ok(t, await (await callerAs(app, 'auditor')).get('/v1/supervision/queue'), 'an auditor reads it too');
    assertProblem(t, await cw.get('/v1/supervision/queue'), 'forbidden', 'a caseworker');
    assertProblem(t, await sv.get('/v1/supervision/queue?within=61'), 'validation-failed', 'within past 60 working days');
    assertProblem(t, await sv.get('/v1/supervision/queue?cursor=bm90LWEtY3Vyc29y'), 'validation-failed', 'a cursor the API did not give');
    t.same(ok(t, await (await callerAs(app, 'supervisor', 'sv-x', 'other')).get('/v1/supervision/queue'), 'another agency').items, [], 'another agency sees none of ours');
  });

  t.test('the caseworker answers the 督办: the queue shows it answered', async (t) => {
    ok(t, await cw.command(cases.soon, 'answerSupervision', { instructionId: 'db-1', answer: '已于10月31日答复' }), 'answer');
    await app.project();
    const q = ok(t, await sv.get('/v1/supervision/queue'), 'queue');
    t.match(q.items.find((i: { caseId: string }) => i.caseId === cases.soon), { supervision: { awaitingAnswer: false, openInstructions: 0 } });
  });

  t.test('a reply after the miss counts as late in the on-time rate (受理一件按时答复一件)', async (t) => {
    await reply(app, cw, rv, cases.late, '2025-11-03');
    await app.project();
    const stats = ok(t, await sv.get('/v1/agency/stats'), 'stats');
    t.same({ replies: stats.replies, onTimeRate: stats.onTimeRate }, { replies: 2, onTimeRate: 0.5 }, 'the one replied on 10-10 was on time, the one replied after the miss was not');
    const next = await new DeadlineClock({ store: app.store, db: app.db, calendars: app.calendars, now: () => new Date(at('2025-11-03')) }).sweep();
    t.equal(next.appended, 0, 'the replied case gets nothing more; the others already have their alerts for this stretch');
  });
});

t.test('an unpaid fee notice lapses by itself after its payment period and the days a late payment may take to be reported (国办函〔2020〕109号: 逾期未缴纳的视为放弃申请)', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker', 'cw-li');
  const sv = await callerAs(app, 'supervisor', 'sv-chen');
  // received and noticed on Thu 2025-10-09; 20 working days to pay: 10-10, 10-11 (Sat, worked), 10-13…17, 20…24, 27…31,
  // 11-03, 04, 05; abandoned from 11-06; 3 working days for a payment to be reported: 11-06, 07, 10
  const unpaid = await registeredCase(app, cw, '2025-10-09');
  // extended first, so its stored due date (early December) is beyond the sweep's date bounds: only its status makes it a candidate
  ok(t, await sv.command(unpaid, 'approveExtension', { amount: 20, reason: '需要调取档案馆纸质档案', applicantNotifiedOn: '2025-10-09' }), 'extension');
  ok(t, await cw.command(unpaid, 'issueFeeNotice', { method: 'per-page', quantity: 120, alreadyCounted: 0 }), 'fee notice');
  const paid = await registeredCase(app, cw, '2025-10-09');
  const notice = ok(t, await cw.command(paid, 'issueFeeNotice', { method: 'per-page', quantity: 120, alreadyCounted: 0 }), 'fee notice');
  await app.project();
  const sweepOn = (day: string) => new DeadlineClock({ store: app.store, db: app.db, calendars: app.calendars, now: () => new Date(at(day)) }).sweep();

  t.equal((await sweepOn('2025-11-06')).appended, 0, 'the day after the period: nothing yet');
  app.setNow(at('2025-11-07'));
  ok(t, await cw.command(paid, 'recordFeePayment', { paidOn: '2025-11-05', amount: notice.fee.amount, reference: 'BANK-1' }), 'paid on the last day, reported two days later');
  await app.project();
  t.equal((await sweepOn('2025-11-10')).appended, 0, 'the third working day after the period: nothing yet');
  const swept = await sweepOn('2025-11-11');
  t.equal(swept.appended, 1, 'then one lapse');
  const lapse = `FeeLapsed ${JSON.stringify({ lapsedOn: '2025-11-06' })}`;
  t.same((await clockEvents(app)).get(unpaid), [lapse], 'recorded by the clock on the unpaid case, dated the day it counts as abandoned');
  t.notOk((await clockEvents(app)).has(paid), 'the paid case runs on');
  const lapsed = (await app.store.read(unpaid)).at(-1)!;
  t.match(lapsed.metadata, { actor: DEADLINE_CLOCK_ACTOR, role: 'system' }, 'by the clock, as the system');
  t.equal((await sweepOn('2025-11-12')).appended, 0, 'a worker sweeping the next day, before the read models have seen the lapse, records nothing again');

  const view = ok(t, await cw.get(`/v1/cases/${unpaid}`), 'the case');
  t.match(view, { status: 'abandoned', closedOn: '2025-11-06' }, 'the request is abandoned from 11-06');
  t.notOk(view.allowedCommands.includes('lapseFee'), 'nothing left to lapse by hand');
  await app.project();
  t.same(ok(t, await cw.get('/v1/cases?state=awaitingFee'), 'awaiting a fee').items, [], 'no longer in the list of cases awaiting a fee');
  await sweepOn('2026-01-15');
  t.same((await clockEvents(app)).get(unpaid), [lapse], 'weeks later: no DeadlineMissed for a request that lapsed, and no second lapse');
});
