import { APPLICANT_KINDS, reportRowOf, type CaseEventData, type ReplyOutcome } from '@disclosure/domain';
import { extensionOf, shortCitation, type Channel, type JurisdictionProfile } from '@disclosure/calendar';
import type { Describe, TimelineWords } from './eventWords.js';

/**
 * The timeline in Chinese, citing the articles of the 条例 a case is handled under: the 2019
 * revision (国务院令第711号) or, for a request received before 2019-05-15, the 2008 text
 * (国务院令第492号), whose articles are numbered differently and which lacks some rules altogether
 * (docs/domain.md § Profile CN-2008).
 */

/** Where each step's rule is in one version of the 条例; null where that version has none. */
interface Articles {
  /** The law's short name, for a sentence saying it has no such rule. */
  readonly law: string;
  readonly oralRequest: string;
  /** 登记 and 归档 as required steps. */
  readonly workingSystem: string | null;
  readonly correction: string;
  /** How the correction notice is given: 一次性告知 (all items in one notice) under 2019. */
  readonly correctionNotice: string;
  /** 逾期不补正，视为放弃申请. */
  readonly correctionLapse: string | null;
  readonly thirdParty: string;
  /** 共同制作的信息: 征求意见, and 逾期未提出意见的视为同意公开. */
  readonly coProduced: string | null;
  /** 征求意见所需时间不计算在期限内. */
  readonly consultationPause: string;
  readonly period: string;
  /** 数量、频次明显超过合理范围的，可以确定延迟答复的合理期限. */
  readonly delay: string | null;
  readonly reply: string;
  /** 不属于本行政机关负责公开的，告知申请人…该行政机关的名称、联系方式. */
  readonly referral: string;
  /** The fee's rule (the pause and the payment period under 2019; only cost fees under 2008). */
  readonly fee: string;
}

const ARTICLES_2019: Articles = {
  law: '条例',
  oralRequest: '条例 第29条',
  workingSystem: '条例 第45条',
  correction: '条例 第30条',
  correctionNotice: '一次性告知',
  correctionLapse: '条例 第30条',
  thirdParty: '条例 第32条',
  coProduced: '条例 第34条',
  consultationPause: '条例 第33条第3款',
  period: '条例 第33条',
  delay: '条例 第35条',
  reply: '条例 第36条',
  referral: '条例 第36条第5项',
  fee: '国办函〔2020〕109号',
};

// 2008年条例 (国务院令第492号), 第20–28条 as transcribed in docs/domain.md
const ARTICLES_2008: Articles = {
  law: '2008年条例',
  oralRequest: '2008年条例 第20条', // 采用书面形式确有困难的，申请人可以口头提出，由受理该申请的行政机关代为填写
  workingSystem: null, // no article requires 登记 or 归档 (2019 条例 第45条 is new)
  correction: '2008年条例 第21条(四)', // 申请内容不明确的，应当告知申请人作出更改、补充
  correctionNotice: '告知',
  correctionLapse: null, // no 视为放弃申请
  thirdParty: '2008年条例 第23条', // 书面征求第三方的意见
  coProduced: null, // no 第34条: deemed consent is the engine's reading (docs/domain.md § open differences)
  consultationPause: '2008年条例 第24条第3款', // 征求第三方意见所需时间不计算在本条第二款规定的期限内
  period: '2008年条例 第24条',
  delay: null,
  reply: '2008年条例 第21条',
  referral: '2008年条例 第21条(三)', // 对能够确定该政府信息的公开机关的，应当告知申请人该行政机关的名称、联系方式
  fee: '2008年条例 第27条', // 检索、复制、邮寄等成本费用
};

const EVENT_NAMES: TimelineWords['eventNames'] = {
  RequestReceived: '收到申请',
  RequestRegistered: '登记',
  CaseAssigned: '分配承办人',
  CorrectionRequested: '告知补正',
  CorrectionReceived: '收到补正',
  CorrectionLapsed: '逾期未补正',
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
  ReferralRefused: '转办未被接收',
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

const ROLE_NAMES: TimelineWords['roles'] = {
  caseworker: '承办人员',
  reviewer: '审核人员',
  supervisor: '政府信息公开工作机构负责人',
  auditor: '审计人员',
  integrator: '对接系统',
  admin: '管理员',
  applicant: '申请人',
  system: '系统',
};

const STATUS_NAMES: TimelineWords['statuses'] = {
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

const CLOCK_NAMES: TimelineWords['clocks'] = {
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

const UNIT_NAMES: Readonly<Record<string, string>> = { 'working-days': '个工作日', 'calendar-days': '日', weeks: '周' };
const DELIVERY_NAMES: Readonly<Record<string, string>> = { 'in-person': '当面送达', post: '邮寄', email: '电子邮件', online: '网上', fax: '传真', collect: '自取' };
const OPINION_NAMES: Readonly<Record<string, string>> = { consent: '同意公开', objection: '不同意公开', partial: '部分同意公开', other: '其他意见' };
const APPEAL_NAMES: Readonly<Record<string, string>> = { reconsideration: '行政复议', litigation: '行政诉讼', 'litigation-after-reconsideration': '复议后行政诉讼' };
const APPEAL_RESULTS: Readonly<Record<string, string>> = { upheld: '维持', corrected: '纠正', other: '其他结果', pending: '尚未审结' };
const RATING_NAMES: Readonly<Record<string, string>> = { satisfied: '满意', 'basically-satisfied': '基本满意', dissatisfied: '不满意' };
const RELATION_NAMES: Readonly<Record<string, string>> = { 'referred-to': '转往', 'referred-from': '转自', related: '相关', duplicate: '重复' };
const PLATFORM_NAMES: Readonly<Record<string, string>> = { 'provincial-portal': '省级政务服务平台', 'hotline-12345': '12345政务服务便民热线平台', 'government-system': '其他政务系统', referral: '其他机关转办' };
const BREAK_NAMES: Readonly<Record<string, string>> = {
  'hash-mismatch': '该事件的内容在记录后被修改（哈希不符）',
  'broken-link': '该事件与前一事件的链接被修改（prevHash 不符）',
  'revision-gap': '该事件之前有事件缺失（序号不连续）',
  'tail-missing': '该事件及其后的事件缺失（读模型曾见到该序号）',
  'stream-missing': '整个案件的事件记录缺失',
};

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
/** `（cite）` after a sentence, or nothing where the law has no such article. */
const cited = (article: string | null) => (article ? `（${article}）` : '');

/**
 * A reply's outcome: its 表三 row, and for 部分公开 what was withheld and why.
 * @example outcomeWords({ kind: 'withheld', ground: 'state-secret', reason: '涉密' }) // '（三）不予公开/属于国家秘密；理由：涉密'
 */
export function outcomeWords(outcome: ReplyOutcome): string {
  const row = reportRowOf(outcome);
  if (outcome.kind === 'partly-disclosed') return `${row}；不予公开的部分：${outcome.withheld.map((w) => `${w.what}（${w.reason}）`).join('；')}`;
  if ('reason' in outcome) return `${row}；理由：${outcome.reason}`;
  return row;
}

/** The sentence on whether a consultation's time counts, from the profile's effect for it. */
function consultationClock(effect: JurisdictionProfile['thirdPartyConsultation'], a: Articles): string {
  return effect.effect === 'pause' ? `征求意见的时间不计入答复期限（${a.consultationPause}）。` : `征求意见的时间计入答复期限（${a.law}无扣除规定）。`;
}

function describe(profile: JurisdictionProfile, a: Articles): Describe {
  const receipt = shortCitation(profile.receiptCitation); // 条例 第31条, 2008年条例 第24条
  return {
    RequestReceived: (d) =>
      `${CHANNEL_NAMES[d.channel] ?? d.channel}${originWords(d.evidence)}，收到申请之日为 ${d.receivedOn}（${receipt}）。申请人：${d.applicant.name}（${APPLICANT_KIND_NAMES[d.applicant.kind] ?? d.applicant.kind}）。申请公开的信息：${quoted(d.request.description)}${d.request.writtenDownFromOralRequest ? `（口头申请，由工作人员代为填写，${a.oralRequest}）` : ''}。`,
    RequestRegistered: (d) => `登记编号 ${d.registrationNumber}，登记日 ${d.registeredOn}${cited(a.workingSystem)}。`,
    CaseAssigned: (d) => `承办人：${person(d.assignee)}。`,
    CorrectionRequested: (d) => `${d.noticeOn} ${a.correctionNotice}申请人补正（${a.correction}），补正期限至 ${d.respondBy}。需补正：${d.items.join('；')}。`,
    CorrectionReceived: (d) => `${d.receivedOn} 收到补正：${d.summary}。答复期限自收到补正之日起重新计算（${a.correction}${a.correctionLapse ? '' : '；重新计算为本系统对实践的理解'}）。`,
    CorrectionLapsed: (d) =>
      a.correctionLapse
        ? `${d.lapsedOn} 补正期满，申请人无正当理由逾期不补正，视为放弃申请（${a.correctionLapse}）。`
        : `${d.lapsedOn} 补正期满，申请人逾期未补正，不再处理（${a.law}未规定逾期不补正的后果）。`,
    ThirdPartyConsulted: (d) => `征求 ${d.party} 的意见（编号 ${d.consultationId}，${a.thirdParty}），${d.noticeOn} 发出，${d.deliveredOn} 送达：${d.question}。${consultationClock(profile.thirdPartyConsultation, a)}`,
    AgencyConsulted: (d) =>
      `征求 ${d.agency} 的意见（编号 ${d.consultationId}，${d.basis === 'co-produced' ? `共同制作的信息${a.coProduced ? `，${a.coProduced}` : ''}` : '会商'}），${d.noticeOn} 发出，${d.deliveredOn} 送达：${d.question}。${consultationClock(profile.agencyConsultation, a)}`,
    ConsultationAnswered: (d) => `征求意见 ${d.consultationId} 于 ${d.answeredOn} 答复：${OPINION_NAMES[d.opinion] ?? d.opinion}。${d.summary}`,
    ConsultationLapsed: (d) =>
      `征求意见 ${d.consultationId} 于 ${d.lapsedOn} 期满未答复：${d.consequence === 'deemed-consent' ? `视为同意公开（${a.coProduced ?? `${a.law}无此规定，本系统的理解`}）` : '由行政机关决定是否公开'}。`,
    FeeNoticeIssued: (d) =>
      `${d.noticeOn} 发出收费通知：${d.method === 'per-item' ? '按件' : '按量'}计收，${d.quantity}${d.method === 'per-item' ? '件' : '页'}，金额 ${d.amount} ${d.currency === 'CNY' ? '元' : d.currency}（${a.fee}）${profile.fee.effect === 'pause' ? '，收费通知至缴费之间的时间不计入答复期限' : ''}。`,
    FeePaid: (d) => `${d.paidOn} 缴费 ${d.amount} 元，凭证号 ${d.reference}。`,
    FeeLapsed: (d) => `${d.lapsedOn} 申请人逾期未缴纳费用，行政机关不再处理该申请（${a.fee}）。`,
    ExtensionApproved: (d) => {
      const extension = extensionOf(profile, d.kind);
      return `${d.approvedOn} 经 ${person(d.approver)} 同意延长答复期限 ${d.amount} ${UNIT_NAMES[extension?.max.unit ?? 'working-days']}，${d.applicantNotifiedOn} 告知申请人（${extension ? shortCitation(extension.citation) : a.period}）。理由：${d.reason}`;
    },
    CaseReferred: (d) => `${d.referredOn} 转 ${d.toAgency} 办理${d.scope === 'part' && d.part ? `（部分：${d.part}）` : ''}，并告知申请人（${a.referral}）。理由：${d.reason}`,
    CaseLinked: (d) => `与案件 ${d.linkedCaseId}（${d.linkedAgency}）关联：${RELATION_NAMES[d.relation] ?? d.relation}。`,
    ReferralRefused: (d) => `${d.noticedOn} ${d.toAgency} 未能接收转办的申请（${d.problem}）：${d.detail.replace(/[.。]$/, '')}。该机关未形成案件，仍须告知申请人向哪个机关申请（${a.referral}）。`,
    RequestWithdrawn: (d) => `${d.withdrawnOn} 申请人撤回申请${d.reason ? `：${d.reason}` : ''}。`,
    ReplySubmittedForReview: (d) => `${person(d.submittedBy)} 提交答复稿审核。拟答复：${outcomeWords(d.outcome)}`,
    ReplyApproved: (d) => `${person(d.reviewer)} 审核通过${d.note ? `：${d.note}` : ''}。`,
    ReplyReturned: (d) => `${person(d.reviewer)} 退回答复稿：${d.reasons.join('；')}。`,
    ReplyIssued: (d) => `${d.givenOn} 以${DELIVERY_NAMES[d.delivery] ?? d.delivery}方式作出答复（${a.reply}）。答复结果：${outcomeWords(d.outcome)}`,
    CaseArchived: (d) => `${d.archivedOn} 归档${cited(a.workingSystem)}。`,
    AppealOutcomeRecorded: (d) => `${APPEAL_NAMES[d.kind] ?? d.kind}（${d.reference}）：${APPEAL_RESULTS[d.result] ?? d.result}${d.decidedOn ? `，${d.decidedOn}` : ''}。`,
    ApplicantRatingRecorded: (d) => `${d.ratedOn} 申请人评价：${RATING_NAMES[d.rating] ?? d.rating}${d.comment ? `，${d.comment}` : ''}。`,
    SupervisionInstructed: (d) => `${person(d.supervisor)} 督办（${d.instructionId}）：${d.instruction}${d.respondBy ? `，请于 ${d.respondBy} 前回复` : ''}。`,
    SupervisionAnswered: (d) => `答复督办 ${d.instructionId}：${d.answer}`,
    DeadlineOverridden: (d) =>
      `经 ${person(d.approver)} 确定延迟答复的合理期限至 ${d.dueDate}，${d.applicantNotifiedOn} 告知申请人${a.delay ? `（${a.delay}）` : `（${a.law}无此规定）`}。理由：${d.reason}`,
    DeadlineApproaching: (d) => `${d.noticedOn} 距答复期限 ${d.dueDate} 还有 ${d.workingDaysLeft} 个工作日（提醒：剩 ${d.threshold} 个工作日时）。`,
    DeadlineMissed: (d) => `答复期限 ${d.dueDate} 已过，至 ${d.noticedOn} 仍未答复（${a.period}）。`,
    DeadlineRecomputed: (d) =>
      `${d.recomputedOn} 官方日历更新（${d.previousCalendarVersion} → ${d.calendarVersion}），答复期限由 ${d.previousDueDate}${d.previousProvisional ? '（暂定）' : ''} 改为 ${d.dueDate}${d.provisional ? '（暂定）' : ''}。原因：${d.reason}`,
  };
}

/**
 * The Chinese words of a CN profile: the 2008 条例's articles for CN-2008, the 2019 条例's for any other.
 * @example chineseWords(CN_2008).describe.DeadlineMissed?.({ dueDate: '2019-06-04', noticedOn: '2019-06-05' }) // '…（2008年条例 第24条）。'
 */
export function chineseWords(profile: JurisdictionProfile): TimelineWords {
  const a = profile.id === 'CN-2008' ? ARTICLES_2008 : ARTICLES_2019;
  return {
    lang: 'zh-CN',
    law: `${profile.title}（${profile.law}）`,
    title: '政府信息公开申请办理时间线',
    colon: '：',
    howToVerify:
      '本文件由 Disclosure Engine 从案件的事件流导出。同一压缩包中的 events.jsonl 逐行列出原始事件；每个事件的哈希 hash = SHA-256(prevHash ‖ 规范化 JSON {id, type, version, data, metadata（不含 hash）})，第一个事件的 prevHash 为 64 个 0。重新计算整条链即可确认记录未被改动；manifest.json 记录了每个文件的 SHA-256 和最后一个哈希。',
    labels: {
      caseId: '案件编号',
      registrationNumber: '登记编号',
      notRegistered: '未登记',
      agency: '办理机关',
      law: '适用法规',
      applicant: '申请人',
      request: '申请公开的信息',
      receivedOn: '收到申请之日',
      statusNow: '当前状态',
      eventCount: '事件数',
      chain: '哈希链校验',
      replay: '重放',
      exportedAt: '导出时间',
      exportedBy: '导出人',
    },
    eventNames: EVENT_NAMES,
    describe: describe(profile, a),
    roles: ROLE_NAMES,
    statuses: STATUS_NAMES,
    clocks: CLOCK_NAMES,
    unreplayable: '无法重放（见校验结果）',
    chain: (chain) =>
      chain.ok
        ? `完整：${chain.events} 个事件的哈希链校验通过，最后一个哈希为 ${chain.lastHash}`
        : `发现异常：第 ${chain.firstBad.revision} 号事件——${BREAK_NAMES[chain.firstBad.reason] ?? chain.firstBad.reason}。此后的记录不能视为原始记录。`,
    replayStopped: (revision, reason) => `第 ${revision} 号事件起无法重放：${reason}`,
    standing: (status, clock) => `${status}${clock ? `，${clock}` : ''}`,
    entryStanding: (dueDate, standing, recordedWhen) => `此后答复期限：${dueDate ?? '—'}　状态：${standing}${recordedWhen ? `　记录于 ${recordedWhen}` : ''}`,
    person,
    actor: (p, role) => `${person(p)}，${ROLE_NAMES[role] ?? role}`,
    entryHead: (e) => `#${e.revision}　${e.when}　${e.who}　${e.name}（${e.type}）`,
    page: (document, page, pages) => `${document}　第 ${page} 页，共 ${pages} 页`,
  };
}
