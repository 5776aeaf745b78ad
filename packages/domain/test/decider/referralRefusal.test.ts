import t from 'tap';
import { caseEvent, evolve, referralRefusal, refusalOf, type CaseEvent, type CaseState } from '@disclosure/domain';
import { cmd, given, receive, register } from '../support/caseFactory.js';

// A case received and registered Fri 2025-09-26, part of it referred to `district.tax` on Thu 10-09.
const R = '2025-09-26';
const referred = () => given(receive(R), register(R), cmd('referCase', '2025-10-09', { toAgency: 'district.tax', scope: 'part', part: '纳税记录', reason: '由税务机关负责公开' })).state;
const fold = (state: CaseState, events: readonly CaseEvent[]) => events.reduce(evolve, state);
const refusal = { toAgency: 'district.tax', problem: 'invalid-value', detail: 'no law of that agency applies on the referral day' };

t.test('a referral its agency could not receive is recorded once on the referring case, and the case goes on', async (t) => {
  const state = referred();
  const decided = referralRefusal(state, refusal, '2025-10-10');
  t.same(decided, [caseEvent('ReferralRefused', { ...refusal, noticedOn: '2025-10-10' })]);
  const after = fold(state, decided);
  t.same(after.referralRefusals, [{ ...refusal, noticedOn: '2025-10-10' }], 'the state keeps it');
  t.equal(after.status, state.status, 'the status does not change: the applicant is still answered');
  t.same(referralRefusal(after, refusal, '2025-10-11'), [], 'not twice');
});

t.test('nothing is recorded for an agency the case was not referred to, or one that received it', async (t) => {
  const state = referred();
  t.same(referralRefusal(state, { ...refusal, toAgency: 'district.land' }, '2025-10-10'), [], 'never referred there');
  t.same(referralRefusal(given(receive(R), register(R)).state, refusal, '2025-10-10'), [], 'not referred at all');
  const linked = fold(state, [caseEvent('CaseLinked', { linkedCaseId: '00000000-0000-4000-8000-000000000009', linkedAgency: 'district.tax', relation: 'referred-to' })]);
  t.same(referralRefusal(linked, refusal, '2025-10-10'), [], 'the agency received it: its case is linked');
});

t.test('a refusal can arrive after the referring case has moved on: replied, withdrawn or archived', async (t) => {
  const withdrawn = fold(referred(), [caseEvent('RequestWithdrawn', { withdrawnOn: '2025-10-10' })]);
  const decided = referralRefusal(withdrawn, refusal, '2025-10-11');
  t.equal(decided.length, 1);
  t.doesNotThrow(() => fold(withdrawn, decided), 'the workflow takes it in a closed state');
});

t.test('a refusal stands until the agency receives the referral after all', async (t) => {
  const refused = fold(referred(), referralRefusal(referred(), refusal, '2025-10-10'));
  t.same(refusalOf(refused, 'district.tax'), { ...refusal, noticedOn: '2025-10-10' });
  t.equal(refusalOf(refused, 'district.land'), null, 'no refusal for another agency');
  const linked = fold(refused, [caseEvent('CaseLinked', { linkedCaseId: '00000000-0000-4000-8000-000000000009', linkedAgency: 'district.tax', relation: 'referred-to' })]);
  t.equal(refusalOf(linked, 'district.tax'), null, 'a referred-to link names its case there');
});
