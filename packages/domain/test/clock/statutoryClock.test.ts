import t from 'tap';
import { deadlineOf, isDomainError, type CaseState } from '@disclosure/domain';
import { actors, cmd, ctx, given, receive, register, when } from '../support/caseFactory.js';

// Expected dates are worked out by hand from the State Council's holiday notices
// (国办发明电〔2024〕12号 for 2025; 国办发明电〔2025〕7号 for 2026), never from our code:
// 2025 春节 01-28…02-04 off, Sun 01-26 and Sat 02-08 worked; 国庆 10-01…10-08 off, Sun 09-28 and Sat 10-11 worked;
// 2026 春节 02-15…02-23 off, Sat 02-14 and Sat 02-28 worked.

const due = (state: CaseState, asOf?: string) => deadlineOf(state, ctx, asOf ? { asOf } : {});
const registered = (day: string) => [receive(day), register(day)] as const;

t.test('the reply period: the 20th working day after receipt (条例 第33条)', async (t) => {
  t.test('given a request received Fri 2025-09-26, the National Day holiday and its make-up Sunday and Saturday', async (t) => {
    const { state } = given(...registered('2025-09-26'));
    const d = due(state);
    t.equal(d.dueDate, '2025-10-30', 'due Thursday 2025-10-30');
    t.equal(d.provisional, false);
    t.equal(d.profileId, 'CN-2019');
    t.equal(d.status, 'running');
  });
  t.test('given a request received Mon 2025-01-20, across Spring Festival 2025', async (t) => {
    t.equal(due(given(...registered('2025-01-20')).state).dueDate, '2025-02-21');
  });
  t.test('given a request received Mon 2026-02-09, across Spring Festival 2026 and both make-up Saturdays', async (t) => {
    t.equal(due(given(...registered('2026-02-09')).state).dueDate, '2026-03-13');
  });
  t.test('given a request received on a holiday, day 0 is the holiday and the count starts after it', async (t) => {
    // received Wed 2025-10-01: 10-09 is day 1 … 10-11 (Sat, worked) day 3
    t.equal(due(given(receive('2025-10-01'), register('2025-10-09')).state).dueDate, '2025-11-04');
  });
});

t.test('the explanation lists every day from receipt to due date and why it counted', async (t) => {
  const { state } = given(...registered('2025-09-26'));
  const d = deadlineOf(state, ctx, { explain: true });
  const days = d.explanation!;
  t.equal(days[0]!.date, '2025-09-26');
  t.equal(days[0]!.reason, 'receipt-day');
  t.equal(days.at(-1)!.date, '2025-10-30');
  t.equal(days.length, 35, 'every calendar day from 09-26 to 10-30');
  t.equal(days.filter((x) => x.counted).length, 20);
  t.match(days.find((x) => x.date === '2025-09-28'), { counted: true, ordinal: 1, reason: 'make-up-working-day', detail: '国庆节' });
  t.match(days.find((x) => x.date === '2025-10-11'), { counted: true, ordinal: 6, reason: 'make-up-working-day' });
  t.match(days.find((x) => x.date === '2025-10-03'), { counted: false, reason: 'public-holiday', detail: '国庆节' });
  t.match(days.find((x) => x.date === '2025-10-06'), { counted: false, reason: 'public-holiday', detail: '中秋' }, '国庆节、中秋节 were one holiday in 2025');
  t.match(days.find((x) => x.date === '2025-10-12'), { counted: false, reason: 'weekend' });
  t.match(d.notes[0], /条例 第33条/);
  t.match(d.calendarVersion, /^sha256:[0-9a-f]{16}$/);
  t.match(d.profileVersion, /^sha256:[0-9a-f]{16}$/);
});

t.test('consultation time is not counted (条例 第33条第3款, 第32条, 第34条)', async (t) => {
  t.test('given a third party consulted Wed 2025-10-15 and answering Wed 2025-10-22, 5 working days pause', async (t) => {
    const { state } = given(
      ...registered('2025-09-26'),
      cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某科技有限公司', question: '是否同意公开' }),
      cmd('recordConsultationAnswer', '2025-10-22', { consultationId: 'c1', opinion: 'objection', summary: '涉及商业秘密' }),
    );
    const d = deadlineOf(state, ctx, { explain: true });
    t.equal(d.pausedDays, 5);
    t.equal(d.dueDate, '2025-11-06', 'each paused working day pushes the due date one working day');
    t.match(d.explanation!.find((x) => x.date === '2025-10-16'), { counted: false, reason: 'paused' });
    t.match(d.explanation!.find((x) => x.date === '2025-10-15'), { counted: true }, 'the notice day itself still counts (day 0 of the pause)');
    t.match(d.explanation!.find((x) => x.date === '2025-10-22'), { counted: false, reason: 'paused' }, 'the answer day is paused');
  });
  t.test('given the third party stays silent, the pause lasts exactly 15 working days', async (t) => {
    const consulted = given(...registered('2025-09-26'), cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }));
    const early = when(consulted.state, cmd('lapseConsultation', '2025-11-05', { consultationId: 'c1' }));
    t.ok(isDomainError(early) && early.code === 'period-still-running', 'not before the 15th working day (2025-11-05) has passed');
    const { state } = given(
      ...registered('2025-09-26'),
      cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }),
      cmd('lapseConsultation', '2025-11-06', { consultationId: 'c1' }),
    );
    t.equal(state.status, 'processing');
    t.equal(due(state).pausedDays, 15);
    t.equal(due(state).dueDate, '2025-11-20');
  });
  t.test('given an agency that co-produced the information stays silent, its silence is consent (第34条)', async (t) => {
    const { events } = given(
      ...registered('2025-09-26'),
      cmd('consultAgency', '2025-10-15', { consultationId: 'a1', agency: '市财政局', basis: 'co-produced', question: '共同制作，征求意见' }),
      cmd('lapseConsultation', '2025-11-06', { consultationId: 'a1' }),
    );
    t.match(events.at(-1), { type: 'ConsultationLapsed', data: { consequence: 'deemed-consent' } });
  });
  t.test('given any other agency consultation (会商) lapses, the agency decides: no deemed consent', async (t) => {
    const { events } = given(
      ...registered('2025-09-26'),
      cmd('consultAgency', '2025-10-15', { consultationId: 'a1', agency: '市公安局', basis: 'other', question: '会商' }),
      cmd('lapseConsultation', '2025-11-06', { consultationId: 'a1' }),
    );
    t.match(events.at(-1), { type: 'ConsultationLapsed', data: { consequence: 'agency-decides' } });
  });
  t.test('given a letter sent Wed 10-15 and delivered Fri 10-17, the 15 working days run from delivery, the pause from sending', async (t) => {
    const sent = [...registered('2025-09-26'), cmd('consultThirdParty', '2025-10-17', { consultationId: 'c1', party: '某公司', question: '意见', sentOn: '2025-10-15', deliveredOn: '2025-10-17' })] as const;
    // 15th working day after Fri 10-17: 10-20…24, 10-27…31, 11-03…07 → 2025-11-07
    t.match(when(given(...sent).state, cmd('lapseConsultation', '2025-11-07', { consultationId: 'c1' })), { code: 'period-still-running', endsOn: '2025-11-07' });
    const { state } = given(...sent, cmd('lapseConsultation', '2025-11-10', { consultationId: 'c1' }));
    // paused: 10-16, 10-17 and the 15 working days to 11-07 = 17 working days
    t.equal(due(state).pausedDays, 17);
    t.equal(due(state).dueDate, '2025-11-24');
  });
  t.test('given two consultations overlapping, overlapping days pause once', async (t) => {
    const { state } = given(
      ...registered('2025-09-26'),
      cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }),
      cmd('consultAgency', '2025-10-20', { consultationId: 'a1', agency: '市财政局', basis: 'other', question: '会商' }),
      cmd('recordConsultationAnswer', '2025-10-22', { consultationId: 'c1', opinion: 'consent', summary: '同意' }),
      cmd('recordConsultationAnswer', '2025-10-24', { consultationId: 'a1', opinion: 'consent', summary: '同意' }),
    );
    t.equal(due(state).pausedDays, 7, '10-16, 10-17, 10-20 … 10-24');
    t.equal(due(state).dueDate, '2025-11-10');
  });
  t.test('while a consultation is open, the clock is paused up to today', async (t) => {
    const { state } = given(...registered('2025-09-26'), cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }));
    t.equal(state.status, 'consulting');
    t.equal(due(state, '2025-10-20').status, 'paused');
    t.equal(due(state, '2025-10-20').dueDate, '2025-11-04', 'three working days paused so far');
    t.equal(due(state, '2025-12-31').pausedDays, 15, 'never more than the 15-working-day lapse');
  });
});

t.test('fee time is not counted (第42条; 国办函〔2020〕109号)', async (t) => {
  const { state } = given(
    ...registered('2025-09-26'),
    cmd('issueFeeNotice', '2025-10-15', { method: 'per-page', quantity: 150, alreadyCounted: 0 }),
    cmd('recordFeePayment', '2025-10-17', { amount: 1700, reference: '缴费单 001' }),
  );
  t.equal(due(state).pausedDays, 2);
  t.equal(due(state).dueDate, '2025-11-03');
});

t.test('a correction restarts the count from the corrected request (条例 第30条)', async (t) => {
  const asked = given(...registered('2025-09-26'), cmd('requestCorrection', '2025-09-29', { items: ['请明确所需信息的文号'], respondBy: '2025-10-20' }));
  t.equal(due(asked.state).status, 'awaiting-correction');
  t.equal(due(asked.state).dueDate, null, 'no due date while the period waits to restart');
  const { state } = given(
    ...registered('2025-09-26'),
    cmd('requestCorrection', '2025-09-29', { items: ['请明确所需信息的文号'], respondBy: '2025-10-20' }),
    cmd('receiveCorrection', '2025-10-10', { summary: '补充了文号' }),
  );
  const d = due(state);
  t.equal(d.countFrom, '2025-10-10');
  t.equal(d.dueDate, '2025-11-06');
  t.match(d.notes.join('\n'), /restarted from 2025-10-10/);
});

t.test('an extension of at most 20 working days, once, before the due date (第33条第2款)', async (t) => {
  const base = [...registered('2025-09-26')] as const;
  const { state } = given(...base, cmd('approveExtension', '2025-10-30', { amount: 20, reason: '需要调取档案' }, actors.supervisor));
  t.equal(due(state).dueDate, '2025-11-27', 'on the due date itself it may still be approved');
  t.equal(due(state).periodEndsOn, '2025-10-30');
  const late = when(given(...base).state, cmd('approveExtension', '2025-10-31', { amount: 20, reason: '迟了' }, actors.supervisor));
  t.ok(isDomainError(late) && late.code === 'extension-refused');
  t.match(late, { reason: 'after-due-date', detail: { dueDate: '2025-10-30' } });
  const tooLong = when(given(...base).state, cmd('approveExtension', '2025-10-20', { amount: 21, reason: '太长' }, actors.supervisor));
  t.match(tooLong, { code: 'extension-refused', reason: 'too-long' });
  const twice = when(state, cmd('approveExtension', '2025-11-03', { amount: 5, reason: '再延' }, actors.supervisor));
  t.match(twice, { code: 'command-not-allowed', state: 'processing' });
});

t.test('a count that runs into a year without an official notice is provisional and names the year', async (t) => {
  const { state } = given(...registered('2026-12-10'));
  const d = due(state);
  t.equal(d.provisional, true);
  t.same(d.missingYears, [2027]);
  t.equal(d.dueDate, '2027-01-07', 'counted Mon–Fri in 2027 (New Year 2027 not yet published, so Fri 01-01 counts)');
  t.equal(due(given(...registered('2026-11-02')).state).provisional, false, 'a count ending in 2026 is not provisional');
});

t.test('requests received before 2019-05-15 keep the 2008 rules (15 working days)', async (t) => {
  t.equal(due(given(...registered('2019-05-14')).state).profileId, 'CN-2008');
  t.equal(due(given(...registered('2019-05-15')).state).profileId, 'CN-2019');
  // 2019: Dragon Boat Festival 06-07 off. From Tue 05-14: 15,16,17,20…24,27…31 (13), 06-03 (14), 06-04 (15)
  t.equal(due(given(...registered('2019-05-14')).state).dueDate, '2019-06-04');
});

t.test('an approved override sets the due date and says so (第35条)', async (t) => {
  const { state } = given(...registered('2025-09-26'), cmd('overrideDeadline', '2025-10-09', { dueDate: '2025-12-31', reason: '申请数量明显超过合理范围，经批准延长答复期限' }, actors.supervisor));
  t.equal(due(state).dueDate, '2025-12-31');
  t.equal(due(state).overridden, true);
  t.match(due(state).notes.join('\n'), 'Due date set to 2025-12-31: a later reply date, approved and notified (条例 第35条): 申请数量');
  t.match(when(state, cmd('overrideDeadline', '2025-10-09', { dueDate: '2026-01-01', reason: '元旦' }, actors.supervisor)), { code: 'invalid-value', field: 'dueDate' });
});

t.test('an override under a law without 第35条 is the agency’s own decision, and the explanation says so', async (t) => {
  // received Tue 2019-05-14: the 2008 条例 (no 第35条)
  const { state } = given(...registered('2019-05-14'), cmd('overrideDeadline', '2019-05-20', { dueDate: '2019-07-31', reason: '大量申请' }, actors.supervisor));
  t.equal(due(state).profileId, 'CN-2008');
  const notes = due(state).notes.join('\n');
  t.match(notes, 'Due date set to 2019-07-31: a later reply date, approved and notified (no rule of 国务院令第492号 provides for it: the agency\'s own decision): 大量申请.');
  t.notMatch(notes, /第35条/);
});

t.test('an override never shortens the law’s period: a pause that outgrows it, or a count restarted after a correction, carries the due date past it', async (t) => {
  // received Fri 2025-09-26, due Thu 10-30; on Mon 10-20 a later date, Mon 11-03, is set
  const overridden = [...registered('2025-09-26'), cmd('overrideDeadline', '2025-10-20', { dueDate: '2025-11-03', reason: '大量申请' }, actors.supervisor)];
  t.equal(due(given(...overridden).state).dueDate, '2025-11-03');
  // then a third party is consulted on Tue 10-21 and answers on Tue 11-04: 10-22…10-24, 10-27…10-31, 11-03, 11-04 (10 working
  // days) are not counted, so the law's own date moves from 10-30 to Thu 11-13, past the override
  const consulted = given(
    ...overridden,
    cmd('consultThirdParty', '2025-10-21', { consultationId: 'c1', party: '某公司', question: '是否同意公开' }),
    cmd('recordConsultationAnswer', '2025-11-04', { consultationId: 'c1', opinion: 'consent', summary: '同意' }),
  ).state;
  const d = due(consulted);
  t.equal(d.dueDate, '2025-11-13', 'the law’s date stands');
  t.equal(d.overridden, false);
  t.match(d.notes.join('\n'), 'A later reply date, 2025-11-03, was approved and notified (条例 第35条), but the law\'s own due date, 2025-11-13, is later now and stands');
});

t.test('a posted reply counts as given on the posting day (交邮之日)', async (t) => {
  const { state } = given(
    ...registered('2025-09-26'),
    cmd('submitForReview', '2025-10-27', { outcome: { kind: 'disclosed', provision: { form: 'paper' } }, draft: '予以公开' }),
    cmd('approveReply', '2025-10-29', {}, actors.reviewer),
    cmd('issueReply', '2025-10-31', { delivery: 'post', postedOn: '2025-10-30' }),
  );
  t.equal(state.reply!.givenOn, '2025-10-30');
  t.ok(state.reply!.givenOn <= due(state).dueDate!, 'on time');
  t.equal(due(state).status, 'stopped');
});

t.test('other jurisdictions', async (t) => {
  t.test('UK FOIA: the 20th working day following receipt, bank holidays of any UK nation excluded', async (t) => {
    // received Fri 2025-12-19: 25, 26 Dec (all nations), 1 Jan, and 2 Jan 2026 (Scotland) are not working days
    t.equal(due(given(receive('2025-12-19', {}, 'GB'), register('2025-12-19')).state).dueDate, '2026-01-22');
  });
  t.test('US FOIA: 20 working days, the observed Independence Day (Fri 2026-07-03) excluded', async (t) => {
    t.equal(due(given(receive('2026-06-30', {}, 'US'), register('2026-06-30')).state).dueDate, '2026-07-29');
  });
  t.test('Australia: 30 days, a last day on a weekend moves to the next working day', async (t) => {
    t.equal(due(given(receive('2025-03-28', {}, 'AU'), register('2025-03-28')).state).dueDate, '2025-04-28');
  });
  t.test('Ireland: 4 weeks', async (t) => {
    t.equal(due(given(receive('2025-03-03', {}, 'IE'), register('2025-03-03')).state).dueDate, '2025-03-31');
  });
  t.test('UK: the fees notice day itself is disregarded too (s.10(2) "beginning with the day on which the fees notice is given")', async (t) => {
    const { state } = given(
      receive('2025-09-01', {}, 'GB'),
      register('2025-09-01'),
      cmd('issueFeeNotice', '2025-09-10', { method: 'per-page', quantity: 100, alreadyCounted: 0, amount: 45 }),
      cmd('recordFeePayment', '2025-09-12', { amount: 45, reference: 'cheque 1' }),
    );
    // 20th working day following Mon 09-01 is Mon 09-29; 09-10, 09-11 and 09-12 disregarded → Thu 10-02
    t.equal(due(state).pausedDays, 3);
    t.equal(due(state).dueDate, '2025-10-02');
  });
  t.test('UK: a fees notice pauses, a clarification restarts', async (t) => {
    const { state } = given(
      receive('2025-09-01', {}, 'GB'),
      register('2025-09-01'),
      cmd('requestCorrection', '2025-09-02', { items: ['which year?'], respondBy: '2025-12-01' }),
      cmd('receiveCorrection', '2025-09-08', { summary: '2024' }),
    );
    // from Mon 2025-09-08 (no bank holidays in September/early October)
    t.equal(due(state).dueDate, '2025-10-06');
  });
});
