import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { PAYMENT_PLATFORM_ACTOR } from '@disclosure/api';
import { registeredCase } from './support/cases.js';
import { assertProblem, at, callerAs, ok, type Response } from './support/http.js';
import { testApp, type TestApp } from './support/testApp.js';

// The unified online payment platform (统一公共支付平台) confirms a fee paid with a signed callback.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const platform = new Webhook(SECRET);

/** POST /v1/payments/callback as the platform sends it: the body signed with `signer` at `signedAt`. */
function callback(app: TestApp, body: unknown, options: { signer?: Webhook; signedAt?: Date; headers?: Record<string, string>; rawBody?: string } = {}): Promise<Response> {
  const payload = options.rawBody ?? JSON.stringify(body);
  const id = `msg_${randomUUID()}`;
  const signedAt = options.signedAt ?? new Date();
  const signature = (options.signer ?? platform).sign(id, signedAt, JSON.stringify(body));
  const headers = options.headers ?? { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)), 'webhook-signature': signature };
  return app.app.inject({ method: 'POST', url: '/v1/payments/callback', payload, headers: { 'content-type': 'application/json', ...headers } });
}

/** A case received Fri 2025-09-26, registered, with a fee notice issued Thu 2025-10-09: 120 pages per page → 700 + 400 = 1100 yuan (109号). */
async function caseAwaitingFee(app: TestApp) {
  const cw = await callerAs(app, 'caseworker');
  const caseId = await registeredCase(app, cw, '2025-09-26');
  app.setNow(at('2025-10-09'));
  const notice = ok(t, await cw.command(caseId, 'issueFeeNotice', { method: 'per-page', quantity: 120, alreadyCounted: 0 }), 'fee notice');
  t.match(notice, { status: 'awaitingFee', fee: { noticeOn: '2025-10-09', amount: 1100 } });
  await app.project(); // the callback finds the case by its registration number in the read models
  return { cw, caseId };
}

const paid = (overrides: Record<string, unknown> = {}) => ({ registrationNumber: 'demo-2025-1', noticeIssuedOn: '2025-10-09', amount: 1100, currency: 'CNY', paidOn: '2025-10-15', paymentReference: 'PAY-20251015-0001', ...overrides });

t.test('a signed confirmation records the fee paid and resumes the clock; the platform’s retry records nothing new', async (t) => {
  const app = await testApp({ paymentCallbackSecret: SECRET });
  t.teardown(() => app.close());
  const { cw, caseId } = await caseAwaitingFee(app);
  app.setNow(at('2025-10-15'));
  const waiting = ok(t, await cw.get(`/v1/cases/${caseId}`), 'while unpaid');
  t.equal(waiting.deadline.status, 'paused');

  const raced = await Promise.all([callback(app, paid()), callback(app, paid())]);
  t.same(raced.map((r) => r.statusCode), [200, 200], 'the platform sending the confirmation twice at once: both answered 200');
  t.same(raced.map((r) => r.json().recorded).sort(), [false, true], 'one of them recorded it');
  const res = raced.find((r) => r.json().recorded)!;
  t.match(res.json(), { caseId, registrationNumber: 'demo-2025-1', status: 'processing', fee: { noticeOn: '2025-10-09', amount: 1100, paidOn: '2025-10-15' }, recorded: true });
  // Without the fee the case, received Fri 09-26, was due Thu 10-30 (20th working day). The notice
  // day Thu 10-09 is day 0 of the pause; the paused working days are those after it up to and
  // including the payment day: 10-10, 10-11 (Saturday 调休 working day), 10-13, 10-14, 10-15 = 5.
  // Each moves the due date one working day: 10-31, 11-03, 11-04, 11-05, 11-06 → Thu 2025-11-06.
  t.equal(res.json().dueDate, '2025-11-06');
  const after = ok(t, await cw.get(`/v1/cases/${caseId}`), 'after payment');
  t.match(after.deadline, { status: 'running', dueDate: '2025-11-06', pausedDays: 5 });
  const stored = await app.store.read(caseId);
  t.match(stored.at(-1), { type: 'FeePaid', data: { paidOn: '2025-10-15', amount: 1100, reference: 'PAY-20251015-0001' }, metadata: { actor: PAYMENT_PLATFORM_ACTOR, role: 'integrator', agency: 'demo' } });

  const retry = await callback(app, paid());
  t.equal(retry.statusCode, 200, 'a duplicate callback (same payment reference, a new webhook-id) is answered 200');
  t.equal(retry.json().recorded, false);
  t.equal((await app.store.read(caseId)).length, stored.length, 'and records nothing');
  t.equal(stored.filter((e) => e.type === 'FeePaid').length, 1, 'one payment recorded in all');
  const both = await Promise.all([callback(app, paid({ paymentReference: 'PAY-X' })), callback(app, paid({ paymentReference: 'PAY-X' }))]);
  t.same(both.map((r) => r.statusCode), [422, 422], 'another payment of a notice already paid finds no open notice');

  const byId = await callback(app, { ...paid(), registrationNumber: undefined, caseId });
  t.equal(byId.statusCode, 200, 'the case may be named by its id');
  t.equal(byId.json().recorded, false);
});

t.test('a bad, missing or expired signature is refused with 401 and records nothing', async (t) => {
  const app = await testApp({ paymentCallbackSecret: SECRET });
  t.teardown(() => app.close());
  const { caseId } = await caseAwaitingFee(app);
  app.setNow(at('2025-10-15'));
  const before = await app.store.read(caseId);
  const refused = async (res: Response, why: string) => {
    assertProblem(t, res, 'payment-signature-invalid', why);
    t.same(await app.store.read(caseId), before, `${why}: the stream is unchanged`);
  };
  await refused(await callback(app, paid(), { signer: new Webhook('whsec_c2VjcmV0LW9mLXNvbWVvbmUtZWxzZS0xMjM0NTY=') }), 'signed with another secret');
  await refused(await callback(app, paid(), { headers: {} }), 'no signature headers');
  await refused(await callback(app, paid(), { signedAt: new Date(Date.now() - 10 * 60_000) }), 'signed ten minutes ago (past the five-minute tolerance)');
  await refused(await callback(app, paid(), { rawBody: JSON.stringify(paid({ amount: 1 })) }), 'a body changed after signing');
  await refused(await callback(app, paid(), { headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': 'yesterday', 'webhook-signature': 'v1,AAAA' } }), 'a timestamp that is not one');
  t.equal((await app.app.inject({ method: 'POST', url: '/v1/payments/callback', payload: 'not json', headers: { 'content-type': 'application/json' } })).statusCode, 401, 'even unparseable bytes are checked first');
});

t.test('a wrong amount or no open fee notice is a 422 problem, and records nothing', async (t) => {
  const app = await testApp({ paymentCallbackSecret: SECRET });
  t.teardown(() => app.close());
  const { cw, caseId } = await caseAwaitingFee(app);
  app.setNow(at('2025-10-15'));
  const before = await app.store.read(caseId);
  t.match(assertProblem(t, await callback(app, paid({ amount: 1000 })), 'payment-amount-mismatch', 'less than the notice'), { expected: { amount: 1100, currency: 'CNY' } });
  assertProblem(t, await callback(app, paid({ amount: 1200 })), 'payment-amount-mismatch', 'more than the notice');
  assertProblem(t, await callback(app, paid({ currency: 'USD' })), 'payment-amount-mismatch', 'another currency');
  assertProblem(t, await callback(app, paid({ noticeIssuedOn: '2025-10-10' })), 'no-open-fee-notice', 'a notice of another day');
  assertProblem(t, await callback(app, paid({ paidOn: '2025-10-16' })), 'date-in-future', 'paid after today');
  assertProblem(t, await callback(app, paid({ registrationNumber: 'demo-2025-99' })), 'not-found', 'an unknown registration number');
  assertProblem(t, await callback(app, { ...paid(), caseId }), 'validation-failed', 'the case named twice');
  t.same(await app.store.read(caseId), before, 'nothing was recorded');

  const other = await registeredCase(app, cw, '2025-10-15');
  await app.project();
  t.match(assertProblem(t, await callback(app, paid({ registrationNumber: 'demo-2025-2' })), 'no-open-fee-notice', 'a case with no fee notice'), { caseStatus: 'processing' });
  t.equal((await app.store.read(other)).length, 2);
});

t.test('a payment made within the period, confirmed after the lapse was recorded, reopens the case; one made after it does not', async (t) => {
  const app = await testApp({ paymentCallbackSecret: SECRET });
  t.teardown(() => app.close());
  const { cw, caseId } = await caseAwaitingFee(app);
  // 20 working days after Thu 10-09 end Wed 11-05; the lapse is recorded on 11-11, dated 11-06
  app.setNow(at('2025-11-11'));
  t.match(ok(t, await cw.command(caseId, 'lapseFee', {}), 'lapse'), { status: 'abandoned' });
  await app.project();
  const sv = await callerAs(app, 'supervisor');
  t.match(ok(t, await sv.get('/v1/agency/stats'), 'stats after the lapse'), { open: 0, abandoned: 1 });
  app.setNow(at('2025-11-12'));
  const late = assertProblem(t, await callback(app, paid({ paidOn: '2025-11-06', paymentReference: 'PAY-LATE' })), 'invalid-value', 'paid the day after the period');
  t.match(late, { field: 'paidOn' });
  const res = await callback(app, paid({ paidOn: '2025-11-05', paymentReference: 'PAY-LAST-DAY' }));
  t.equal(res.statusCode, 200, 'paid on the last day, confirmed a week later');
  t.match(res.json(), { caseId, status: 'processing', fee: { paidOn: '2025-11-05' }, recorded: true });
  const view = ok(t, await cw.get(`/v1/cases/${caseId}`), 'the case');
  t.match(view, { status: 'processing', closedOn: null }, 'open again');
  t.equal(view.deadline.status, 'running');
  t.same((await app.store.read(caseId)).slice(-2).map((e) => e.type), ['FeeLapsed', 'FeePaid'], 'the lapse stays in the history; the payment after it undoes it');
  await app.project();
  t.match(ok(t, await sv.get('/v1/agency/stats'), 'stats after the payment'), { open: 1, abandoned: 0 }, 'the read models count it open again, not abandoned');
  t.same(ok(t, await cw.get('/v1/cases?state=processing'), 'processing').items.map((i: { caseId: string }) => i.caseId), [caseId]);
});

t.test('without PAYMENT_CALLBACK_SECRET there is no callback route', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  assertProblem(t, await callback(app, paid()), 'not-found');
});
