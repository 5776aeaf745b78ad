import t from 'tap';
import { allowedCommands, decide, deadlineOf, evolve, foldCase, initialCaseState, InvalidEventSequence, caseEvent, lapseEndsOn, type CaseEvent } from '@disclosure/domain';
import { actors, cmd, ctx, given, readsBackAsItself, receive, register, when, CASE_ID } from '../support/caseFactory.js';

const R = '2025-09-26';
const base = () => given(receive(R), register(R));

t.test('the events decided read back from storage as themselves (checked for every spec by given/when)', async (t) => {
  const [received] = given(receive(R)).events;
  t.doesNotThrow(() => readsBackAsItself([received!]));
  const { request, ...rest } = received!.data as { request: Record<string, unknown> };
  const { writtenDownFromOralRequest: _dropped, ...requestWithout } = request;
  const incomplete = { ...received!, data: { ...rest, request: requestWithout } } as CaseEvent;
  t.throws(() => readsBackAsItself([incomplete]), /reads back as/, 'a field its schema would fill in by default is caught');
  const withUndefined = { ...received!, data: { ...received!.data, registrationNumber: undefined } } as unknown as CaseEvent;
  t.throws(() => readsBackAsItself([withUndefined]), /does not survive JSON/, 'an undefined left in the data is caught');
});

t.test('receiving a request', async (t) => {
  t.test('fixes the receipt date by the channel rule (条例 第31条)', async (t) => {
    const online = given(receive('2025-09-29', { channel: 'online', evidence: { confirmedByBothOn: '2025-09-28' } }));
    t.equal(online.state.receivedOn, '2025-09-28', 'online: the day both sides confirmed');
    const inPerson = given(receive('2025-09-29', { channel: 'in-person', evidence: { handedInOn: '2025-09-29' } }));
    t.equal(inPerson.state.receivedOn, '2025-09-29');
    const ordinary = when(initialCaseState(), receive('2025-09-29', { channel: 'ordinary-post', evidence: { signedForOn: '2025-09-29' } }));
    t.match(ordinary, { code: 'receipt-evidence-missing', field: 'confirmedWithApplicantOn' }, 'ordinary post needs the day receipt was confirmed with the applicant');
    const system = given(receive('2025-09-29', { channel: 'system', evidence: { statedReceiptDate: '2025-09-25', sourceSystem: '省政务服务网' } }));
    t.equal(system.state.receivedOn, '2025-09-25', 'system intake: the date the sending system states');
  });
  t.test('under a law without a channel rule, on every channel the day the request arrived (FOIA s.10(6), 552(a)(6)(A)(ii))', async (t) => {
    for (const jurisdiction of ['GB', 'US', 'IE', 'AU']) {
      const stated = when(initialCaseState(), receive('2025-09-29', { channel: 'system', evidence: { statedReceiptDate: '2025-09-25', sourceSystem: 'portal' } }, jurisdiction));
      t.match(stated, { code: 'receipt-evidence-missing', channel: 'system', rule: 'arrived', field: 'arrivedOn' }, `${jurisdiction}: the sender's date alone does not say when the agency received it`);
      const arrived = given(receive('2025-09-29', { channel: 'system', evidence: { statedReceiptDate: '2025-09-25', arrivedOn: '2025-09-26' } }, jurisdiction));
      t.equal(arrived.state.receivedOn, '2025-09-26', `${jurisdiction}: received the day it arrived`);
    }
  });
  t.test('a request that arrived under the 2008 条例 is received the day it arrived, however late it is recorded', async (t) => {
    // entered Mon 2026-01-05 from the paper file: arrived by registered post Fri 2019-05-10, signed for Tue 05-14
    const late = (evidence: object) => when(initialCaseState(), receive('2026-01-05', { evidence } as never));
    t.match(late({ arrivedOn: '2019-05-10' }), [{ type: 'RequestReceived', data: { profileId: 'CN-2008', receivedOn: '2019-05-10' } }], '2008年条例 第24条: 收到申请之日, no 第31条 evidence needed');
    t.match(late({ arrivedOn: '2019-05-10', signedForOn: '2019-05-14' }), [{ data: { profileId: 'CN-2008', receivedOn: '2019-05-10' } }], 'the day it arrived, not the day it was signed for');
    t.match(late({ signedForOn: '2019-05-14' }), [{ data: { profileId: 'CN-2008', receivedOn: '2019-05-14' } }], 'without the arrival day, by 第31条 (the law of the recording day) as before');
    t.match(late({ arrivedOn: '2019-05-20' }), { code: 'receipt-evidence-missing', field: 'signedForOn' }, 'arrived under the 2019 条例: its channel rule applies');
    t.match(late({ arrivedOn: '2026-01-06', signedForOn: '2019-05-14' }), [{ data: { receivedOn: '2019-05-14' } }], 'an arrival day after today is not taken as the receipt rule');
  });
  t.test('refuses a receipt date after today', async (t) => {
    t.match(when(initialCaseState(), receive('2025-09-26', { evidence: { signedForOn: '2025-09-27' } })), { code: 'date-in-future', date: '2025-09-27', today: '2025-09-26' });
  });
  t.test('records the case for the actor agency and the profile of the receipt date', async (t) => {
    const { events } = given(receive(R));
    t.match(events[0], { type: 'RequestReceived', version: 1, data: { caseId: CASE_ID, agency: 'demo', profileId: 'CN-2019', receivedOn: R } });
  });
});

t.test('another agency cannot act on a case', async (t) => {
  t.match(when(base().state, cmd('assignCase', R, { assignee: { id: 'x' } }, actors.outsider)), { code: 'wrong-agency', caseAgency: 'demo', actorAgency: 'other' });
});

t.test('registration numbers read {agency}-{year}-{seq}', async (t) => {
  const bad = when(given(receive(R)).state, cmd('registerRequest', R, { registrationNumber: 'other-2025-1', accessCodeDigest: 'b'.repeat(64) }));
  t.match(bad, { code: 'invalid-value', field: 'registrationNumber' });
});

t.test('correction (条例 第30条)', async (t) => {
  t.test('the notice must go out within 7 working days of receipt', async (t) => {
    // 7th working day after Fri 2025-09-26: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13
    t.notOk('code' in (when(base().state, cmd('requestCorrection', '2025-10-13', { items: ['文号'], respondBy: '2025-10-30' })) as object));
    t.match(when(base().state, cmd('requestCorrection', '2025-10-14', { items: ['文号'], respondBy: '2025-10-30' })), { code: 'correction-window-closed', windowEndedOn: '2025-10-13', citation: '条例 第30条' });
  });
  t.test('the applicant gets a period after the notice day', async (t) => {
    t.match(when(base().state, cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-09-29' })), { code: 'invalid-value', field: 'respondBy' });
  });
  t.test('no correction in time means the request is abandoned, and not before', async (t) => {
    const asked = given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }));
    t.match(when(asked.state, cmd('lapseCorrection', '2025-10-20', {})), { code: 'period-still-running', endsOn: '2025-10-20' });
    const lapsed = given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }), cmd('lapseCorrection', '2025-10-21', {}));
    t.equal(lapsed.state.status, 'abandoned');
    t.equal(lapsed.state.closedOn, '2025-10-21');
  });
  t.test('a corrected request cannot arrive before the notice', async (t) => {
    const asked = given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }));
    t.match(when(asked.state, cmd('receiveCorrection', '2025-10-09', { receivedOn: '2025-09-28', summary: '补正' })), { code: 'date-out-of-order', notBefore: '2025-09-29' });
  });
});

t.test('consultations', async (t) => {
  const consulted = given(receive(R), register(R), cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }));
  t.match(when(consulted.state, cmd('consultAgency', '2025-10-15', { consultationId: 'c1', agency: '某局', basis: 'other', question: '意见' })), { code: 'unknown-reference', problem: 'duplicate' });
  t.match(when(consulted.state, cmd('recordConsultationAnswer', '2025-10-16', { consultationId: 'nope', opinion: 'consent', summary: '同意' })), { code: 'unknown-reference', problem: 'not-found' });
  t.match(when(consulted.state, cmd('recordConsultationAnswer', '2025-10-16', { consultationId: 'c1', answeredOn: '2025-10-17', opinion: 'consent', summary: '同意' })), { code: 'date-in-future' });
});

t.test('fees (国办函〔2020〕109号)', async (t) => {
  const { events } = given(receive(R), register(R), cmd('issueFeeNotice', '2025-10-09', { method: 'per-item', quantity: 1, alreadyCounted: 30 }));
  t.match(events.at(-1), { type: 'FeeNoticeIssued', data: { amount: 200, currency: 'CNY' } }, 'the 31st request in a month costs 200 yuan');
  t.match(when(base().state, cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 30, alreadyCounted: 0 })), { code: 'invalid-value', field: 'quantity' }, '30 pages are free');
  t.match(when(base().state, cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0, amount: 50 })), { code: 'invalid-value', field: 'amount' }, 'an amount that contradicts the schedule is refused');
  const noticed = given(receive(R), register(R), cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 }));
  t.match(when(noticed.state, cmd('recordFeePayment', '2025-10-10', { amount: 50, reference: 'p' })), { code: 'invalid-value', field: 'amount' }, 'a short payment is refused');
  // 20 working days after Thu 2025-10-09: 10-10, 10-11 (Sat, worked), 10-13…17, 10-20…24, 10-27…31, 11-03, 11-04, 11-05
  t.match(when(noticed.state, cmd('lapseFee', '2025-11-05', {})), { code: 'period-still-running', endsOn: '2025-11-05' });
  const lapsed = given(receive(R), register(R), cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 }), cmd('lapseFee', '2025-11-06', {}));
  t.equal(lapsed.state.status, 'abandoned');
});

t.test('approvals belong to the head of the OGI office (supervisor)', async (t) => {
  t.match(when(base().state, cmd('approveExtension', '2025-10-20', { amount: 10, reason: '延期' })), { code: 'approval-required', command: 'approveExtension', role: 'caseworker' }, '第33条第2款: 经政府信息公开工作机构负责人同意');
  t.match(when(base().state, cmd('overrideDeadline', '2025-10-20', { dueDate: '2025-12-31', reason: '大量申请' })), { code: 'approval-required', command: 'overrideDeadline', citation: '条例 第35条' }, '第35条');
  const { events } = given(receive(R), register(R), cmd('overrideDeadline', '2025-10-20', { dueDate: '2025-12-31', reason: '申请数量明显超过合理范围，申请理由合理', applicantNotifiedOn: '2025-10-20' }, actors.supervisor));
  t.match(events.at(-1), { type: 'DeadlineOverridden', data: { approver: { id: 'sv-chen' }, applicantNotifiedOn: '2025-10-20' } });
});

t.test('a payment made within the period but reported after the lapse reopens the case (109号: only 逾期未缴纳 is abandonment)', async (t) => {
  // 20 working days after Thu 2025-10-09 end Wed 11-05
  const notice = cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 });
  const amount = given(receive(R), register(R), notice).state.fee!.amount;
  const lapse = cmd('lapseFee', '2025-11-11', {});
  const lapsed = given(receive(R), register(R), notice, lapse).state;
  t.equal(lapsed.status, 'abandoned');
  t.ok(allowedCommands(lapsed).includes('recordFeePayment'), 'a fee-lapsed case takes a payment');
  t.match(when(lapsed, cmd('recordFeePayment', '2025-11-12', { paidOn: '2025-11-06', amount, reference: 'BANK-1' })), { code: 'invalid-value', field: 'paidOn' }, 'paid the day after the period: the lapse stands');
  const reopened = given(receive(R), register(R), notice, lapse, cmd('recordFeePayment', '2025-11-12', { paidOn: '2025-11-05', amount, reference: 'BANK-1' })).state;
  const paidInTime = given(receive(R), register(R), notice, cmd('recordFeePayment', '2025-11-05', { paidOn: '2025-11-05', amount, reference: 'BANK-1' })).state;
  t.match(reopened, { status: 'processing', closedOn: undefined, closure: undefined, fee: { paidOn: '2025-11-05' } }, 'open again');
  t.same(reopened.clock, paidInTime.clock, 'the clock as if the payment had been reported in time');
  t.same(deadlineOf(reopened, ctx).dueDate, deadlineOf(paidInTime, ctx).dueDate);
  t.notOk(allowedCommands(reopened).includes('recordFeePayment'), 'paid: no second payment');
  const relapsed = given(receive(R), register(R), notice, lapse, cmd('recordFeePayment', '2025-11-12', { paidOn: '2025-11-05', amount, reference: 'BANK-1' }), cmd('issueFeeNotice', '2025-11-13', { method: 'per-page', quantity: 40, alreadyCounted: 40 }), cmd('lapseFee', '2025-12-15', {})).state;
  t.equal(relapsed.status, 'abandoned', 'a second notice left unpaid lapses again');
  // its 20 working days end Thu 12-11
  const repaid = decide(relapsed, cmd('recordFeePayment', '2025-12-16', { paidOn: '2025-12-11', amount: relapsed.fee!.amount, reference: 'BANK-2' }), ctx) as readonly CaseEvent[];
  t.equal(foldCase(repaid, relapsed).status, 'processing', 'and is undone the same way by a payment in time');
  const correctionLapsed = given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }), cmd('lapseCorrection', '2025-10-21', {})).state;
  t.notOk(allowedCommands(correctionLapsed).includes('recordFeePayment'), 'a correction lapse is not undone by a payment');
});

t.test('a refusal cites the case’s own law, in its short form', async (t) => {
  t.match(when(base().state, cmd('approveExtension', '2025-10-20', { amount: 10, reason: '延期' })), { code: 'approval-required', citation: '条例 第33条第2款' });
  const uk = given(receive('2025-11-24', { channel: 'email', evidence: { arrivedOn: '2025-11-24' } } as never, 'GB'), register('2025-11-24')).state;
  const extension = when(uk, cmd('approveExtension', '2025-11-25', { amount: 10, reason: 'public interest test' }));
  t.match(extension, { code: 'approval-required', citation: 's.10(3) and s.17(2)' });
  const unclear = when(uk, cmd('submitForReview', '2025-11-25', { outcome: { kind: 'cannot-provide', ground: 'still-unclear-after-correction', reason: 'still unclear' }, draft: 'cannot provide' }));
  t.match(unclear, { code: 'outcome-not-applicable', message: /never asked to correct the request \(s\.1\(3\)\)/ });
  t.same([extension, unclear].filter((e) => /[\u3400-\u9fff]/.test((e as Error).message)), [], 'no Chinese statute in a UK refusal');
});

t.test('an override is a later reply date (第35条 延迟答复), told to the applicant after the request came in', async (t) => {
  const registered = given(receive(R), register(R)).state; // due Thu 2025-10-30
  const override = (data: object) => when(registered, cmd('overrideDeadline', '2025-10-20', { reason: '数量明显超过合理范围', ...data } as never, actors.supervisor));
  t.match(override({ dueDate: '2025-10-29' }), { code: 'invalid-value', field: 'dueDate', message: /after the due date the law gives, 2025-10-30/ }, 'earlier than the law’s date');
  t.match(override({ dueDate: '2025-10-30' }), { code: 'invalid-value', field: 'dueDate' }, 'the law’s date itself is no delay');
  t.match(override({ dueDate: '2025-10-31' }), [{ type: 'DeadlineOverridden', data: { dueDate: '2025-10-31' } }], 'the next working day is');
  t.match(override({ dueDate: '2025-12-31', applicantNotifiedOn: '2025-09-25' }), { code: 'date-out-of-order', field: 'applicantNotifiedOn', notBefore: R }, 'not told before the request was received');
  const overridden = given(receive(R), register(R), cmd('overrideDeadline', '2025-10-20', { dueDate: '2025-12-31', reason: '大量申请' }, actors.supervisor)).state;
  t.match(when(overridden, cmd('overrideDeadline', '2025-10-21', { dueDate: '2025-11-28', reason: '改定' }, actors.supervisor)), [{ type: 'DeadlineOverridden' }], 'a second override is measured against the law’s date, not the first override');
});

t.test('deemed consent (第34条) only where the law has it: a silent co-producing agency under the 2008 条例 leaves the decision to the agency', async (t) => {
  const lapsed = (day: string, lapseOn: string) =>
    given(receive(day), register(day), cmd('consultAgency', day, { consultationId: 'a1', agency: '市财政局', basis: 'co-produced', question: '共同制作，是否同意公开' }), cmd('lapseConsultation', lapseOn, { consultationId: 'a1' })).events.at(-1);
  t.match(lapsed('2019-05-06', '2019-05-10'), { type: 'ConsultationLapsed', data: { consequence: 'agency-decides' } }, '2008年条例 has no 第34条');
  // 2019: delivered Fri 2025-09-26; 09-28 (Sun, worked), 29, 30 (3); 10-01…08 National Day; 09, 10, 11 (Sat, worked) (6);
  // 13…17 (11); 20…23 (15): the 15 working days end Thu 10-23
  t.match(lapsed(R, '2025-10-24'), { type: 'ConsultationLapsed', data: { consequence: 'deemed-consent' } }, '第34条');
});

t.test('an unpaid UK fee lapses after three months beginning with the day of the fees notice (FOIA s.9(2))', async (t) => {
  const received = () => [receive('2025-11-24', { channel: 'email', evidence: { arrivedOn: '2025-11-24' } } as never, 'GB'), register('2025-11-24')] as const;
  const notice = cmd('issueFeeNotice', '2025-11-28', { method: 'per-page', quantity: 40, alreadyCounted: 0, amount: 1200 });
  const noticed = given(...received(), notice).state;
  // Fri 2025-11-28 to Fri 2026-02-27: the day before 2026-02-28, the same day three months on
  t.match(when(noticed, cmd('lapseFee', '2026-02-27', {})), { code: 'period-still-running', what: 'payment', endsOn: '2026-02-27' }, 'the last day of the three months');
  const lapsed = given(...received(), notice, cmd('lapseFee', '2026-02-28', {}));
  t.equal(lapsed.state.status, 'abandoned', 'the authority is not obliged to comply');
  t.match(lapsed.events.at(-1), { type: 'FeeLapsed', data: { lapsedOn: '2026-02-28' } });
});

t.test('a lapse period of months ends the day before the same day of the month, or at the end of a shorter month', async (t) => {
  const months = { amount: 3, unit: 'months' } as const;
  const gb = ctx.calendars.current('GB-UK');
  t.equal(lapseEndsOn(months, '2025-11-28', gb), '2026-02-27');
  t.equal(lapseEndsOn(months, '2025-10-31', gb), '2026-01-30', 'January has a 31st');
  t.equal(lapseEndsOn(months, '2025-11-30', gb), '2026-02-28', 'February 2026 has no 30th: its last day');
  t.equal(lapseEndsOn(months, '2023-11-30', gb), '2024-02-29', 'a leap year’s February');
  t.equal(lapseEndsOn(months, '2025-12-15', gb), '2026-03-14', 'across the year end');
  t.equal(lapseEndsOn({ amount: 15, unit: 'working-days' }, '2025-09-26', ctx.calendars.current('CN')), '2025-10-23', 'working days as before: 15 after delivery, National Day skipped');
});

t.test('the 109号 fee schedule applies to requests received under the 2019 rules from 2021-01-01 only', async (t) => {
  t.match(when(given(receive('2020-12-31'), register('2020-12-31')).state, cmd('issueFeeNotice', '2021-01-05', { method: 'per-page', quantity: 40, alreadyCounted: 0 })), { code: 'invalid-value', field: 'amount' });
  t.match(when(given(receive('2019-05-10'), register('2019-05-10')).state, cmd('issueFeeNotice', '2019-05-13', { method: 'per-page', quantity: 40, alreadyCounted: 0 })), { code: 'invalid-value', field: 'amount' }, 'not under the 2008 rules either');
});

t.test('under the 2008 rules a consultation has no time limit: a recorded lapse ends the pause that day', async (t) => {
  const { state } = given(receive('2019-05-06'), register('2019-05-06'), cmd('consultThirdParty', '2019-05-07', { consultationId: 'c1', party: '某公司', question: '意见' }), cmd('lapseConsultation', '2019-05-10', { consultationId: 'c1' }));
  t.equal(deadlineOf(state, ctx).pausedDays, 3, '05-08, 05-09, 05-10');
});

t.test('review (审核) needs a second person', async (t) => {
  const drafted = given(receive(R), register(R), cmd('submitForReview', '2025-10-09', { outcome: { kind: 'withheld', ground: 'state-secret', reason: '属于国家秘密' }, draft: '不予公开' }, actors.reviewer));
  t.match(when(drafted.state, cmd('approveReply', '2025-10-10', {}, actors.reviewer)), { code: 'self-review-not-allowed' });
  const returned = given(
    receive(R),
    register(R),
    cmd('submitForReview', '2025-10-09', { outcome: { kind: 'withheld', ground: 'state-secret', reason: '属于国家秘密' }, draft: '不予公开' }),
    cmd('returnReply', '2025-10-10', { reasons: ['定密依据不足'] }, actors.reviewer),
  );
  t.equal(returned.state.status, 'processing');
  t.equal(returned.state.draft, undefined, 'a returned draft is gone; a new one must be submitted');
});

t.test('outcomes must fit the case', async (t) => {
  t.match(
    when(base().state, cmd('submitForReview', '2025-10-09', { outcome: { kind: 'cannot-provide', ground: 'still-unclear-after-correction', reason: '仍不明确' }, draft: '无法提供' })),
    { code: 'outcome-not-applicable' },
    '补正后仍不明确 needs a correction first',
  );
  t.match(when(base().state, cmd('submitForReview', '2025-10-09', { outcome: { kind: 'other', ground: 'fee-lapsed', reason: '未缴费' }, draft: '其他' })), { code: 'outcome-not-applicable' });
});

t.test('the reply issued is the approved draft', async (t) => {
  const outcome = { kind: 'partly-disclosed' as const, provision: { form: 'electronic' as const }, withheld: [{ what: '第三方联系方式', ground: 'third-party-rights' as const, reason: '涉及个人隐私' }] };
  const { state, events } = given(receive(R), register(R), cmd('submitForReview', '2025-10-09', { outcome, draft: '部分公开' }), cmd('approveReply', '2025-10-10', {}, actors.reviewer), cmd('issueReply', '2025-10-10', { delivery: 'email' }));
  t.same(state.reply!.outcome, outcome);
  t.match(events.at(-1), { type: 'ReplyIssued', data: { givenOn: '2025-10-10', delivery: 'email' } });
  const approved = given(receive(R), register(R), cmd('submitForReview', '2025-10-09', { outcome, draft: '部分公开' }), cmd('approveReply', '2025-10-10', {}, actors.reviewer)).state;
  t.match(when(approved, cmd('issueReply', '2025-10-10', { delivery: 'email', postedOn: '2025-10-10' })), { code: 'invalid-value', field: 'postedOn' });
});

t.test('referral, links and supervision', async (t) => {
  t.match(when(base().state, cmd('referCase', R, { toAgency: 'demo', scope: 'whole', reason: 'x' })), { code: 'invalid-value', field: 'toAgency' });
  t.match(when(base().state, cmd('referCase', R, { toAgency: 'tax', scope: 'part', reason: 'x' })), { code: 'invalid-value', field: 'part' });
  const referred = given(receive(R), register(R), cmd('referCase', R, { toAgency: 'tax', scope: 'part', part: '纳税记录', reason: '由税务机关制作' }));
  t.match(when(referred.state, cmd('referCase', '2025-09-29', { toAgency: 'tax', scope: 'whole', reason: '再转' })), { code: 'invalid-value', field: 'toAgency' }, 'one referral per agency: the receiving side knows it by the source case');
  t.match(when(referred.state, cmd('referCase', '2025-09-29', { toAgency: 'finance', scope: 'part', part: '拨款记录', reason: '由财政部门制作' })), [{ type: 'CaseReferred', data: { toAgency: 'finance', referredOn: '2025-09-29' } }], 'another agency may still be referred a part');
  t.match(when(base().state, cmd('linkCase', R, { linkedCaseId: CASE_ID, linkedAgency: 'demo', relation: 'related' })), { code: 'invalid-value' });
  const instructed = given(receive(R), register(R), cmd('instructSupervision', '2025-10-20', { instructionId: 'i1', instruction: '请于本周内答复' }, actors.supervisor));
  t.match(instructed.events.at(-1), { type: 'SupervisionInstructed', data: { supervisor: { id: 'sv-chen' } } });
  t.match(when(instructed.state, cmd('instructSupervision', '2025-10-20', { instructionId: 'i1', instruction: '再催' }, actors.supervisor)), { code: 'unknown-reference', problem: 'duplicate' });
  const answered = given(receive(R), register(R), cmd('instructSupervision', '2025-10-20', { instructionId: 'i1', instruction: '催办' }, actors.supervisor), cmd('answerSupervision', '2025-10-21', { instructionId: 'i1', answer: '已办理' }));
  t.match(when(answered.state, cmd('answerSupervision', '2025-10-21', { instructionId: 'i1', answer: '再答' })), { code: 'unknown-reference', problem: 'closed' });
});

t.test('archived cases still take appeals and ratings; a later appeal result replaces the pending one', async (t) => {
  const { state } = given(
    receive(R),
    register(R),
    cmd('submitForReview', '2025-10-09', { outcome: { kind: 'not-handled', ground: 'repeated', reason: '重复申请' }, draft: '不予处理' }),
    cmd('approveReply', '2025-10-10', {}, actors.reviewer),
    cmd('issueReply', '2025-10-10', { delivery: 'email' }),
    cmd('archiveCase', '2025-10-13', {}),
    cmd('recordAppealOutcome', '2025-11-01', { kind: 'reconsideration', result: 'pending', reference: '复议〔2025〕1号' }),
    cmd('recordAppealOutcome', '2025-12-01', { kind: 'reconsideration', result: 'upheld', reference: '复议〔2025〕1号', decidedOn: '2025-11-28' }),
    cmd('recordApplicantRating', '2025-12-02', { rating: 'basically-satisfied' }),
  );
  t.equal(state.status, 'archived');
  t.equal(state.appeals.length, 1);
  t.match(state.appeals[0], { result: 'upheld' });
  t.match(state.rating, { rating: 'basically-satisfied', ratedOn: '2025-12-02' });
});

t.test('evolve', async (t) => {
  t.test('folding the same events twice gives the same state', async (t) => {
    const { events, state } = base();
    const again = foldCase(events, initialCaseState());
    t.equal(again.status, state.status);
    t.same(again.clock, state.clock);
    t.equal(again.eventCount, 2);
  });
  t.test('a history the workflow does not allow is reported as corrupt', async (t) => {
    const bogus: CaseEvent = caseEvent('CaseArchived', { archivedOn: R });
    t.throws(() => evolve(initialCaseState(), bogus), InvalidEventSequence);
  });
  t.test('decide never changes the state it is given', async (t) => {
    const { state } = base();
    const before = JSON.stringify({ ...state, workflow: undefined });
    decide(state, cmd('assignCase', R, { assignee: { id: 'cw-wang' } }), ctx);
    t.equal(JSON.stringify({ ...state, workflow: undefined }), before);
  });
});
