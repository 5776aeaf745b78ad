import type { CommandType } from './http.js';

/** A calendar day `n` days after `day` (plain calendar arithmetic, not the working-day clock). */
export function plusDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** An applicant of a kind, with every contact field filled. */
export function applicant(overrides: Record<string, unknown> = {}) {
  return { kind: 'natural-person', name: '张三丰', idNumber: '110101198001010011', phone: '13800000001', email: 'zhang@example.cn', address: '上海市黄浦区某路1号', ...overrides };
}

/** A partly-disclosed outcome that says what was withheld and why (条例 第37条). */
export function partlyDisclosed() {
  return {
    kind: 'partly-disclosed',
    provision: { form: 'electronic', location: '电子邮件附件：征地补偿标准（2024）.pdf' },
    withheld: [{ what: '被征收户的姓名与身份证号', ground: 'third-party-rights', reason: '涉及第三方个人隐私，第三方不同意公开（条例 第15条、第32条）' }],
  };
}

/** Agencies under laws other than 条例, for an instance that serves them beside demo and other (`testApp({ agencies })`). */
export const UK_COUNCIL = { id: 'uk.council', name: 'Example Borough Council', jurisdiction: 'GB' } as const;
export const US_AGENCY = { id: 'us.agency', name: 'Example Federal Agency', jurisdiction: 'US' } as const;

/** An intake from another government system (a provincial portal). */
export function intakeBody(sourceReference: string, statedReceiptDate: string, overrides: Record<string, unknown> = {}) {
  return {
    sourceSystem: 'province-portal',
    sourceReference,
    statedReceiptDate,
    applicant: applicant({ kind: 'commercial-enterprise', name: '某某科技有限公司', idNumber: undefined, organisationCode: '91310000MA1FL0000X', contactPerson: '李四' }),
    request: { description: '2025年第三季度政府采购合同目录', writtenDownFromOralRequest: false },
    ...overrides,
  };
}

/**
 * A body each command's schema accepts, for a case on `today`. Whether the domain accepts it depends
 * on the case's state; the dates are chosen so that a case received shortly before `today` can take it.
 */
export function commandBody(type: CommandType, today: string, n = 1): Record<string, unknown> {
  switch (type) {
    case 'registerRequest':
      return {};
    case 'assignCase':
      return { assignee: { id: 'caseworker-1', name: '李办理' } };
    case 'requestCorrection':
      return { items: ['请写明所需文件的年份与发文机关'], respondBy: plusDays(today, 15) };
    case 'receiveCorrection':
      return { receivedOn: today, summary: '申请人补正：2024年度，区自然资源局' };
    case 'lapseCorrection':
      return {};
    case 'consultThirdParty':
      return { consultationId: `tp-${n}`, party: '某某房地产开发有限公司', question: '是否同意公开贵公司的补偿协议？', sentOn: today, deliveredOn: today };
    case 'consultAgency':
      return { consultationId: `ag-${n}`, agency: '区财政局', basis: 'co-produced', question: '联合制作的文件是否同意公开？', sentOn: today, deliveredOn: today };
    case 'recordConsultationAnswer':
      return { consultationId: `tp-${n}`, answeredOn: today, opinion: 'objection', summary: '第三方不同意公开个人信息部分' };
    case 'lapseConsultation':
      return { consultationId: `ag-${n}` };
    case 'issueFeeNotice':
      return { method: 'per-page', quantity: 120, alreadyCounted: 0 };
    case 'recordFeePayment':
      return { paidOn: today, amount: 1100, reference: `FEE-${n}` };
    case 'lapseFee':
      return {};
    case 'approveExtension':
      return { amount: 20, reason: '需要调取档案馆纸质档案', applicantNotifiedOn: today };
    case 'referCase':
      return { toAgency: 'district-finance', scope: 'part', part: '财政拨付记录', reason: '该部分信息由区财政局制作（条例 第36条第5项）' };
    case 'linkCase':
      return { linkedCaseId: '00000000-0000-4000-8000-000000000001', linkedAgency: 'demo', relation: 'related' };
    case 'withdrawRequest':
      return { reason: '申请人已通过其他途径获取' };
    case 'submitForReview':
      return { outcome: partlyDisclosed(), draft: '答复书草稿：经审查，部分公开……' };
    case 'approveReply':
      return { note: '同意' };
    case 'returnReply':
      return { reasons: ['请补充不予公开部分的法律依据'] };
    case 'issueReply':
      return { delivery: 'email' };
    case 'archiveCase':
      return {};
    case 'recordAppealOutcome':
      return { kind: 'reconsideration', result: 'upheld', reference: `复议〔2025〕${n}号`, decidedOn: today };
    case 'recordApplicantRating':
      return { rating: 'basically-satisfied', comment: '电话回访记录' };
    case 'instructSupervision':
      return { instructionId: `ins-${n}`, instruction: '请于本周内答复（督办）', respondBy: plusDays(today, 5) };
    case 'answerSupervision':
      return { instructionId: `ins-${n}`, answer: '已按督办要求办理' };
    case 'overrideDeadline':
      return { dueDate: '2026-01-30', reason: '申请数量明显超出合理范围，经审核延长答复期限（条例 第35条）', applicantNotifiedOn: today };
  }
}
