import t from 'tap';
import { allowedCommands, CASE_COMMAND_TYPES, decide, initialCaseState, isDomainError, type CaseCommand, type CaseCommandType, type CaseState, type CaseStatus } from '@disclosure/domain';
import { actors, cmd, ctx, given, receive, register } from '../support/caseFactory.js';

// Which command the law allows in which state, written out by hand (DOMAIN.md § Workflow, 条例 第29–37条).
// The machine must agree with this table; every other command must be refused with CommandNotAllowed.
const SUPERVISION = ['instructSupervision', 'answerSupervision'] as const;
const OPEN = ['assignCase', 'linkCase', 'withdrawRequest', 'overrideDeadline', ...SUPERVISION] as const;
const EXPECTED: Record<CaseStatus, readonly CaseCommandType[]> = {
  new: ['receiveRequest'],
  received: ['registerRequest', 'linkCase', 'withdrawRequest', ...SUPERVISION],
  processing: [...OPEN, 'requestCorrection', 'consultThirdParty', 'consultAgency', 'issueFeeNotice', 'approveExtension', 'referCase', 'submitForReview'],
  awaitingCorrection: [...OPEN, 'receiveCorrection', 'lapseCorrection'],
  consulting: [...OPEN, 'consultThirdParty', 'consultAgency', 'recordConsultationAnswer', 'lapseConsultation', 'approveExtension'],
  awaitingFee: [...OPEN, 'recordFeePayment', 'lapseFee'],
  inReview: [...OPEN, 'approveReply', 'returnReply', 'approveExtension'],
  approved: [...OPEN, 'issueReply', 'approveExtension'],
  replied: ['archiveCase', 'recordAppealOutcome', 'recordApplicantRating', 'linkCase', ...SUPERVISION],
  withdrawn: ['archiveCase', 'linkCase', 'answerSupervision'],
  abandoned: ['archiveCase', 'linkCase', 'answerSupervision', 'recordAppealOutcome'],
  archived: ['recordAppealOutcome', 'recordApplicantRating', 'linkCase'],
};

const R = '2025-09-26';
const draft = cmd('submitForReview', '2025-10-09', { outcome: { kind: 'disclosed', provision: { form: 'electronic', location: 'https://example.gov.cn/xxgk/1' } }, draft: '经审查，予以公开。' });
const approve = cmd('approveReply', '2025-10-10', {}, actors.reviewer);
const reply = cmd('issueReply', '2025-10-10', { delivery: 'email' });
const SCENARIOS: Record<CaseStatus, () => CaseState> = {
  new: () => initialCaseState(),
  received: () => given(receive(R)).state,
  processing: () => given(receive(R), register(R)).state,
  awaitingCorrection: () => given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' })).state,
  consulting: () => given(receive(R), register(R), cmd('consultThirdParty', '2025-10-09', { consultationId: 'c1', party: '某公司', question: '意见' })).state,
  awaitingFee: () => given(receive(R), register(R), cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 })).state,
  inReview: () => given(receive(R), register(R), draft).state,
  approved: () => given(receive(R), register(R), draft, approve).state,
  replied: () => given(receive(R), register(R), draft, approve, reply).state,
  withdrawn: () => given(receive(R), register(R), cmd('withdrawRequest', '2025-09-29', { reason: '不再需要' })).state,
  abandoned: () => given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }), cmd('lapseCorrection', '2025-10-21', {})).state,
  archived: () => given(receive(R), register(R), draft, approve, reply, cmd('archiveCase', '2025-10-13', {})).state,
};

/** A well-formed command of each type, so only the workflow can refuse it. */
function sample(type: CaseCommandType): CaseCommand {
  const day = '2025-10-09';
  const samples: { [T in CaseCommandType]: Parameters<typeof cmd<T>>[2] } = {
    receiveRequest: receive(R).data,
    registerRequest: register(R).data,
    assignCase: { assignee: { id: 'cw-wang' } },
    requestCorrection: { items: ['文号'], respondBy: '2025-10-30' },
    receiveCorrection: { summary: '补正' },
    lapseCorrection: {},
    consultThirdParty: { consultationId: 'x1', party: '某公司', question: '意见' },
    consultAgency: { consultationId: 'x2', agency: '某局', basis: 'other', question: '意见' },
    recordConsultationAnswer: { consultationId: 'c1', opinion: 'consent', summary: '同意' },
    lapseConsultation: { consultationId: 'c1' },
    issueFeeNotice: { method: 'per-page', quantity: 40, alreadyCounted: 0 },
    recordFeePayment: { amount: 100, reference: 'p1' },
    lapseFee: {},
    approveExtension: { amount: 10, reason: '延期' },
    referCase: { toAgency: 'city-finance', scope: 'whole', reason: '不属于本机关' },
    linkCase: { linkedCaseId: 'case-2', linkedAgency: 'demo', relation: 'related' },
    withdrawRequest: {},
    submitForReview: draft.data,
    approveReply: {},
    returnReply: { reasons: ['理由不充分'] },
    issueReply: { delivery: 'email' },
    archiveCase: {},
    recordAppealOutcome: { kind: 'reconsideration', result: 'pending', reference: '复议 2025-1' },
    recordApplicantRating: { rating: 'satisfied' },
    instructSupervision: { instructionId: 'i1', instruction: '请加快办理' },
    answerSupervision: { instructionId: 'i1', answer: '已加快' },
    overrideDeadline: { dueDate: '2025-12-31', reason: '申请数量明显超过合理范围，理由合理' },
  };
  return cmd(type, day, samples[type] as never, type === 'approveReply' ? actors.reviewer : actors.supervisor);
}

for (const status of Object.keys(EXPECTED) as CaseStatus[]) {
  t.test(`in state ${status}`, async (t) => {
    const state = SCENARIOS[status]();
    t.equal(state.status, status, 'the scenario reaches the state');
    t.same([...allowedCommands(state)].sort(), [...EXPECTED[status]].sort(), 'allows exactly what the law allows');
    for (const type of CASE_COMMAND_TYPES.filter((c) => !EXPECTED[status].includes(c))) {
      const result = decide(state, sample(type), ctx);
      t.ok(isDomainError(result) && result.code === 'command-not-allowed', `refuses ${type}`);
      t.match(result, { state: status, command: type, allowed: allowedCommands(state) });
    }
  });
}

t.test('abandoned by a fee lapse: what any abandoned case allows, and a payment made in time (109号); archived, nothing of the kind', async (t) => {
  const notice = cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 });
  const lapsed = given(receive(R), register(R), notice, cmd('lapseFee', '2025-11-11', {})).state;
  t.equal(lapsed.status, 'abandoned');
  t.same([...allowedCommands(lapsed)].sort(), [...EXPECTED.abandoned, 'recordFeePayment'].sort());
  const archived = given(receive(R), register(R), notice, cmd('lapseFee', '2025-11-11', {}), cmd('archiveCase', '2025-11-12', {})).state;
  t.same([...allowedCommands(archived)].sort(), [...EXPECTED.archived].sort(), 'once archived the lapse is final');
  t.match(decide(archived, cmd('recordFeePayment', '2025-11-13', { paidOn: '2025-11-05', amount: 100, reference: 'p1' }), ctx), { code: 'command-not-allowed', state: 'archived' });
});

t.test('a case is received once: a second receive on the same stream is refused', async (t) => {
  const result = decide(given(receive(R)).state, receive(R), ctx);
  t.match(result, { code: 'command-not-allowed', state: 'received' });
});

t.test('a correction notice goes out once (第30条 一次性告知)', async (t) => {
  const state = given(
    receive(R),
    register(R),
    cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-10-20' }),
    cmd('receiveCorrection', '2025-09-30', { summary: '补正' }),
  ).state;
  t.notOk(allowedCommands(state).includes('requestCorrection'));
});

t.test('with two consultations open the case stays in consultation until both close', async (t) => {
  const two = given(
    receive(R),
    register(R),
    cmd('consultThirdParty', '2025-10-09', { consultationId: 'c1', party: '甲公司', question: '意见' }),
    cmd('consultThirdParty', '2025-10-09', { consultationId: 'c2', party: '乙公司', question: '意见' }),
    cmd('recordConsultationAnswer', '2025-10-10', { consultationId: 'c1', opinion: 'consent', summary: '同意' }),
  );
  t.equal(two.state.status, 'consulting');
  const done = given(
    receive(R),
    register(R),
    cmd('consultThirdParty', '2025-10-09', { consultationId: 'c1', party: '甲公司', question: '意见' }),
    cmd('consultThirdParty', '2025-10-09', { consultationId: 'c2', party: '乙公司', question: '意见' }),
    cmd('recordConsultationAnswer', '2025-10-10', { consultationId: 'c1', opinion: 'consent', summary: '同意' }),
    cmd('recordConsultationAnswer', '2025-10-13', { consultationId: 'c2', opinion: 'objection', summary: '不同意' }),
  );
  t.equal(done.state.status, 'processing');
});
