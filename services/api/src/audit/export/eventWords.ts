import { APPLICANT_KINDS, reportRowOf, type CaseEventData, type CaseEventType, type CaseStatus, type ClockStatus, type ReplyOutcome } from '@disclosure/domain';
import { BUILTIN_PROFILES, type Channel } from '@disclosure/calendar';

/**
 * A case's events in the words of the people who work and audit it: what the readable timeline of
 * an export says. Chinese, the language of the cases, with the article of 条例 each step follows
 * (the same words as docs/domain.md). An event type not named here (a newer one) is shown by its
 * type name and its data, never dropped.
 */

/** Each event's name (the heading of its line in the timeline). */
export const EVENT_NAMES: Readonly<Partial<Record<CaseEventType, string>>> = {
  RequestReceived: '收到申请',
  RequestRegistered: '登记',
  CaseAssigned: '分配承办人',
  CorrectionRequested: '告知补正',
  CorrectionReceived: '收到补正',
  CorrectionLapsed: '逾期未补正，视为放弃申请',
  ThirdPartyConsulted: '征求第三方意见',
  AgencyConsulted: '征求其他机关意见',
  ConsultationAnswered: '收到征求意见答复',
  ConsultationLapsed: '征求意见期满未答复',
  FeeNoticeIssued: '发出收费通知',
  FeePaid: '收到信息处理费',
  FeeLapsed: '逾期未缴费，不再处理',
  ExtensionApproved: '批准延长答复期限',
  CaseReferred: '转办其他机关',
  CaseLinked: '关联案件',
  RequestWithdrawn: '申请人撤回申请',
  ReplySubmittedForReview: '答复提交审核',
  ReplyApproved: '审核通过',
  ReplyReturned: '审核退回',
  ReplyIssued: '作出答复',
  CaseArchived: '归档',
  AppealOutcomeRecorded: '记录复议或诉讼结果',
  ApplicantRatingRecorded: '记录申请人评价',
  SupervisionInstructed: '督办',
  SupervisionAnswered: '答复督办',
  DeadlineOverridden: '确定延迟答复的期限',
  DeadlineApproaching: '答复期限临近',
  DeadlineMissed: '超过答复期限',
  DeadlineRecomputed: '答复期限重新计算',
};

/** Who acted, by role. */
export const ROLE_NAMES: Readonly<Record<string, string>> = {
  caseworker: '承办人员',
  reviewer: '审核人员',
  supervisor: '政府信息公开工作机构负责人',
  auditor: '审计人员',
  integrator: '对接系统',
  admin: '管理员',
  applicant: '申请人',
};

/** Where the case stands. */
export const STATUS_NAMES: Readonly<Record<CaseStatus, string>> = {
  new: '新建',
  received: '已接收',
  processing: '办理中',
  awaitingCorrection: '待补正',
  consulting: '征求意见中',
  awaitingFee: '待缴费',
  inReview: '审核中',
  approved: '已审核，待答复',
  replied: '已答复',
  withdrawn: '已撤回',
  abandoned: '视为放弃，不再处理',
  archived: '已归档',
};

/** Where the reply clock stands. */
export const CLOCK_NAMES: Readonly<Record<ClockStatus, string>> = {
  running: '计时中',
  paused: '暂停计时',
  'awaiting-correction': '待补正，不计时',
  stopped: '已停止计时',
};

const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  'in-person': '当面提交',
  'registered-post': '邮寄（需签收）',
  'ordinary-post': '平常信函',
  online: '互联网渠道',
  fax: '传真',
  email: '电子邮件',
  system: '其他政务系统转入',
};

const APPLICANT_KIND_NAMES: Readonly<Record<(typeof APPLICANT_KINDS)[number], string>> = {
  'natural-person': '自然人',
  'commercial-enterprise': '商业企业',
  'research-institution': '科研机构',
  'public-welfare-organisation': '社会公益组织',
  'legal-service-organisation': '法律服务机构',
  'other-organisation': '其他组织',
};

const DELIVERY_NAMES: Readonly<Record<string, string>> = { 'in-person': '当面送达', post: '邮寄', email: '电子邮件', online: '网上', fax: '传真', collect: '自取' };
const OPINION_NAMES: Readonly<Record<string, string>> = { consent: '同意公开', objection: '不同意公开', partial: '部分同意公开', other: '其他意见' };
const APPEAL_NAMES: Readonly<Record<string, string>> = { reconsideration: '行政复议', litigation: '行政诉讼', 'litigation-after-reconsideration': '复议后行政诉讼' };
const APPEAL_RESULTS: Readonly<Record<string, string>> = { upheld: '维持', corrected: '纠正', other: '其他结果', pending: '尚未审结' };
const RATING_NAMES: Readonly<Record<string, string>> = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意' };
const RELATION_NAMES: Readonly<Record<string, string>> = { 'referred-to': '转往', 'referred-from': '转自', related: '相关', duplicate: '重复' };

const PLATFORM_NAMES: Readonly<Record<string, string>> = { 'provincial-portal': '省级政务服务平台', 'hotline-12345': '12345政务服务便民热线平台', 'government-system': '其他政务系统', referral: '其他机关转办' };

/** Where a request from another system came from: the platform, the routing rule (按责转办), or the referring agency's case. */
function originWords(e: CaseEventData<'RequestReceived'>['evidence']): string {
  const parts: string[] = [];
  if (e.platform) parts.push(`经${PLATFORM_NAMES[e.platform] ?? e.platform}${e.sourceSystem ? `（${e.sourceSystem}${e.sourceReference ? ` ${e.sourceReference}` : ''}）` : ''}`);
  if (e.routedBy) parts.push(`按责转办规则 ${e.routedBy.rule}（平台 ${e.routedBy.platformId}）`);
  if (e.referral) parts.push(`由 ${e.referral.fromAgency} 转来（原案件 ${e.referral.registrationNumber ?? e.referral.sourceCaseId}${e.referral.scope === 'part' && e.referral.part ? `，部分：${e.referral.part}` : ''}；理由：${e.referral.reason}）`);
  return parts.length ? `，${parts.join('，')}` : '';
}

const person = (p: { id: string; name?: string | undefined }) => (p.name ? `${p.name}（${p.id}）` : p.id);
const quoted = (s: string) => `“${s}”`;

/**
 * A reply's outcome: its 表三 row, and for 部分公开 what was withheld and why (第37条).
 * @example outcomeWords({ kind: 'withheld', ground: 'state-secret', reason: '涉密' }) // '（三）不予公开/属于国家秘密；理由：涉密'
 */
export function outcomeWords(outcome: ReplyOutcome): string {
  const row = reportRowOf(outcome);
  if (outcome.kind === 'partly-disclosed') return `${row}；不予公开的部分：${outcome.withheld.map((w) => `${w.what}（${w.reason}）`).join('；')}`;
  if ('reason' in outcome) return `${row}；理由：${outcome.reason}`;
  return row;
}

/** Where the receipt date's rule comes from: 条例 第31条 under the 2019 条例, else the profile's own law (2008年条例 第24条, FOIA s.10(6), …). */
function receiptLaw(profileId: string): string {
  if (profileId === 'CN-2019') return '条例 第31条';
  return BUILTIN_PROFILES.find((p) => p.id === profileId)?.receiptCitation ?? profileId;
}

type Describe = { readonly [T in CaseEventType]?: (d: CaseEventData<T>) => string };

const DESCRIBE: Describe = {
  RequestReceived: (d) =>
    `${CHANNEL_NAMES[d.channel] ?? d.channel}${originWords(d.evidence)}，收到申请之日为 ${d.receivedOn}（${receiptLaw(d.profileId)}）。申请人：${d.applicant.name}（${APPLICANT_KIND_NAMES[d.applicant.kind] ?? d.applicant.kind}）。申请公开的信息：${quoted(d.request.description)}${d.request.writtenDownFromOralRequest ? '（口头申请，由工作人员代为填写，第29条）' : ''}。`,
  RequestRegistered: (d) => `登记编号 ${d.registrationNumber}，登记日 ${d.registeredOn}（条例 第45条）。`,
  CaseAssigned: (d) => `承办人：${person(d.assignee)}。`,
  CorrectionRequested: (d) => `${d.noticeOn} 一次性告知申请人补正（条例 第30条），补正期限至 ${d.respondBy}。需补正：${d.items.join('；')}。`,
  CorrectionReceived: (d) => `${d.receivedOn} 收到补正：${d.summary}。答复期限自收到补正之日起重新计算（条例 第30条）。`,
  CorrectionLapsed: (d) => `${d.lapsedOn} 补正期满，申请人无正当理由逾期不补正，视为放弃申请（条例 第30条）。`,
  ThirdPartyConsulted: (d) => `征求 ${d.party} 的意见（编号 ${d.consultationId}，条例 第32条），${d.noticeOn} 发出，${d.deliveredOn} 送达：${d.question}。征求意见的时间不计入答复期限（第33条第3款）。`,
  AgencyConsulted: (d) => `征求 ${d.agency} 的意见（编号 ${d.consultationId}，${d.basis === 'co-produced' ? '共同制作的信息，条例 第34条' : '会商'}），${d.noticeOn} 发出，${d.deliveredOn} 送达：${d.question}。征求意见的时间不计入答复期限（第33条第3款）。`,
  ConsultationAnswered: (d) => `征求意见 ${d.consultationId} 于 ${d.answeredOn} 答复：${OPINION_NAMES[d.opinion] ?? d.opinion}。${d.summary}`,
  ConsultationLapsed: (d) => `征求意见 ${d.consultationId} 于 ${d.lapsedOn} 期满未答复：${d.consequence === 'deemed-consent' ? '视为同意公开（条例 第34条）' : '由行政机关依照条例决定是否公开（条例 第32条）'}。`,
  FeeNoticeIssued: (d) => `${d.noticeOn} 发出收费通知：${d.method === 'per-item' ? '按件' : '按量'}计收，${d.quantity}${d.method === 'per-item' ? '件' : '页'}，金额 ${d.amount} ${d.currency === 'CNY' ? '元' : d.currency}（国办函〔2020〕109号）。`,
  FeePaid: (d) => `${d.paidOn} 缴费 ${d.amount} 元，凭证号 ${d.reference}。`,
  FeeLapsed: (d) => `${d.lapsedOn} 申请人逾期未缴纳费用，行政机关不再处理该申请（国办函〔2020〕109号）。`,
  ExtensionApproved: (d) => `${d.approvedOn} 经 ${person(d.approver)} 同意延长答复期限 ${d.amount} 个工作日，${d.applicantNotifiedOn} 告知申请人（条例 第33条第2款）。理由：${d.reason}`,
  CaseReferred: (d) => `${d.referredOn} 转 ${d.toAgency} 办理${d.scope === 'part' && d.part ? `（部分：${d.part}）` : ''}，并告知申请人（条例 第36条第5项）。理由：${d.reason}`,
  CaseLinked: (d) => `与案件 ${d.linkedCaseId}（${d.linkedAgency}）关联：${RELATION_NAMES[d.relation] ?? d.relation}。`,
  RequestWithdrawn: (d) => `${d.withdrawnOn} 申请人撤回申请${d.reason ? `：${d.reason}` : ''}。`,
  ReplySubmittedForReview: (d) => `${person(d.submittedBy)} 提交答复稿审核。拟答复：${outcomeWords(d.outcome)}`,
  ReplyApproved: (d) => `${person(d.reviewer)} 审核通过${d.note ? `：${d.note}` : ''}。`,
  ReplyReturned: (d) => `${person(d.reviewer)} 退回答复稿：${d.reasons.join('；')}。`,
  ReplyIssued: (d) => `${d.givenOn} 以${DELIVERY_NAMES[d.delivery] ?? d.delivery}方式作出答复（条例 第36条）。答复结果：${outcomeWords(d.outcome)}`,
  CaseArchived: (d) => `${d.archivedOn} 归档（条例 第45条）。`,
  AppealOutcomeRecorded: (d) => `${APPEAL_NAMES[d.kind] ?? d.kind}（${d.reference}）：${APPEAL_RESULTS[d.result] ?? d.result}${d.decidedOn ? `，${d.decidedOn}` : ''}。`,
  ApplicantRatingRecorded: (d) => `${d.ratedOn} 申请人评价：${RATING_NAMES[d.rating] ?? d.rating}${d.comment ? `，${d.comment}` : ''}。`,
  SupervisionInstructed: (d) => `${person(d.supervisor)} 督办（${d.instructionId}）：${d.instruction}${d.respondBy ? `，请于 ${d.respondBy} 前回复` : ''}。`,
  SupervisionAnswered: (d) => `答复督办 ${d.instructionId}：${d.answer}`,
  DeadlineOverridden: (d) => `经 ${person(d.approver)} 确定延迟答复的合理期限至 ${d.dueDate}，${d.applicantNotifiedOn} 告知申请人（条例 第35条）。理由：${d.reason}`,
  DeadlineApproaching: (d) => `${d.noticedOn} 距答复期限 ${d.dueDate} 还有 ${d.workingDaysLeft} 个工作日（提醒：剩 ${d.threshold} 个工作日时）。`,
  DeadlineMissed: (d) => `答复期限 ${d.dueDate} 已过，至 ${d.noticedOn} 仍未答复（条例 第33条）。`,
  DeadlineRecomputed: (d) =>
    `${d.recomputedOn} 官方日历更新（${d.previousCalendarVersion} → ${d.calendarVersion}），答复期限由 ${d.previousDueDate}${d.previousProvisional ? '（暂定）' : ''} 改为 ${d.dueDate}${d.provisional ? '（暂定）' : ''}。原因：${d.reason}`,
};

/**
 * One event in plain words: its name and what it recorded.
 * @example describeEvent('CaseAssigned', { assignee: { id: 'cw-1', name: '李办理' } }) // { name: '分配承办人', words: '承办人：李办理（cw-1）。' }
 */
export function describeEvent(type: string, data: unknown): { readonly name: string; readonly words: string } {
  const name = EVENT_NAMES[type as CaseEventType];
  const describe = DESCRIBE[type as CaseEventType] as ((d: unknown) => string) | undefined;
  if (name && describe) {
    try {
      return { name, words: describe(data) };
    } catch {
      // data that does not have the shape of its type (a row edited in the database): shown as stored
    }
  }
  return { name: name ?? type, words: JSON.stringify(data) };
}

/** A chain break in words (the `reason` of a checked chain). */
const BREAK_NAMES: Readonly<Record<string, string>> = {
  'hash-mismatch': '该事件的内容在记录后被修改（哈希不符）',
  'broken-link': '该事件与前一事件的链接被修改（prevHash 不符）',
  'revision-gap': '该事件之前有事件缺失（序号不连续）',
  'tail-missing': '该事件及其后的事件缺失（读模型曾见到该序号）',
  'stream-missing': '整个案件的事件记录缺失',
};

/**
 * What the hash-chain check found, in one sentence.
 * @example chainWords({ ok: true, events: 12, lastHash: 'ab…' }) // '完整：12 个事件的哈希链校验通过，最后一个哈希为 ab…'
 */
export function chainWords(chain: { ok: true; events: number; lastHash: string } | { ok: false; events: number; firstBad: { revision: number; reason: string } }): string {
  if (chain.ok) return `完整：${chain.events} 个事件的哈希链校验通过，最后一个哈希为 ${chain.lastHash}`;
  return `发现异常：第 ${chain.firstBad.revision} 号事件——${BREAK_NAMES[chain.firstBad.reason] ?? chain.firstBad.reason}。此后的记录不能视为原始记录。`;
}
