import { BUILTIN_PROFILES, fromEpochDay, NoProfileForDate, profileById, profileFor, shortCitation, toEpochDay, type CalendarRegistry, type Channel, type IsoDate, type JurisdictionProfile, type ReceiptRule, type WorkingDayCalendar } from '@disclosure/calendar';
import type { ClockFacts } from '../clock/clockFacts.js';
import { computeDeadline, dayAfter, deadlineStanding, feePaymentEndsOn, lapsedFeePaymentEndsOn, lapseEndsOn, overdueFrom, type ClockOptions, type Deadline, type DeadlineStanding } from '../clock/statutoryClock.js';
import { CASE_COMMAND_TYPES, type CaseCommand, type CaseCommandOf, type CaseCommandType } from '../commands/caseCommands.js';
import { caseEvent, type CaseEvent, type CaseEventType } from '../events/caseEvents.js';
import { informationProcessingFee } from '../fees/informationProcessingFee.js';
import { localDate } from '../time/localDate.js';
import { canHappen } from '../workflow/caseWorkflow.js';
import type { CaseState } from './caseState.js';
import {
  CommandNotAllowed,
  CorrectionWindowClosed,
  DateInFuture,
  DateOutOfOrder,
  ExtensionRefused,
  InvalidValue,
  OutcomeNotApplicable,
  PeriodStillRunning,
  ReceiptEvidenceMissing,
  SelfReviewNotAllowed,
  UnknownReference,
  WrongAgency,
  ApprovalRequired,
  isDomainError,
  type DomainError,
} from './errors.js';

/** What `decide` needs besides the case: the calendars (data, not I/O). */
export interface DecideContext {
  readonly calendars: CalendarRegistry;
}

/** The event each command records when it succeeds. */
export const COMMAND_EVENTS: Readonly<Record<CaseCommandType, CaseEventType>> = {
  receiveRequest: 'RequestReceived',
  registerRequest: 'RequestRegistered',
  assignCase: 'CaseAssigned',
  requestCorrection: 'CorrectionRequested',
  receiveCorrection: 'CorrectionReceived',
  lapseCorrection: 'CorrectionLapsed',
  consultThirdParty: 'ThirdPartyConsulted',
  consultAgency: 'AgencyConsulted',
  recordConsultationAnswer: 'ConsultationAnswered',
  lapseConsultation: 'ConsultationLapsed',
  issueFeeNotice: 'FeeNoticeIssued',
  recordFeePayment: 'FeePaid',
  lapseFee: 'FeeLapsed',
  approveExtension: 'ExtensionApproved',
  referCase: 'CaseReferred',
  linkCase: 'CaseLinked',
  withdrawRequest: 'RequestWithdrawn',
  submitForReview: 'ReplySubmittedForReview',
  approveReply: 'ReplyApproved',
  returnReply: 'ReplyReturned',
  issueReply: 'ReplyIssued',
  archiveCase: 'CaseArchived',
  recordAppealOutcome: 'AppealOutcomeRecorded',
  recordApplicantRating: 'ApplicantRatingRecorded',
  instructSupervision: 'SupervisionInstructed',
  answerSupervision: 'SupervisionAnswered',
  overrideDeadline: 'DeadlineOverridden',
};

/**
 * The commands the workflow allows in a case's current state.
 * @example allowedCommands(initialCaseState()) // ['receiveRequest']
 */
export function allowedCommands(state: CaseState): readonly CaseCommandType[] {
  let allowed = allowedInSnapshot.get(state.workflow);
  if (allowed === undefined) allowedInSnapshot.set(state.workflow, (allowed = Object.freeze(CASE_COMMAND_TYPES.filter((c) => canHappen(state.workflow, { type: COMMAND_EVENTS[c] })))));
  return allowed;
}

/**
 * The answer of {@link allowedCommands} per workflow snapshot: it depends on the snapshot alone, and
 * a snapshot is immutable and shared by every case in the same state and counters (the workflow's
 * memo), so each case shown (every GET and command answered) no longer asks the workflow 27 times.
 */
const allowedInSnapshot = new WeakMap<CaseState['workflow'], readonly CaseCommandType[]>();

/**
 * The case's due date now, with its explanation when asked.
 * @example deadlineOf(state, ctx, { asOf: '2025-10-20', explain: true }).dueDate
 */
export function deadlineOf(state: CaseState, ctx: DecideContext, options: Omit<ClockOptions, 'profile' | 'calendar'> & { calendarVersion?: string } = {}): Deadline {
  if (!state.clock) throw new TypeError('a case has no deadline before it is received');
  return deadlineOfFacts(state.clock, ctx, options);
}

/** The due date of stored clock facts (a read-model row keeps them), under the profile they name. */
export function deadlineOfFacts(facts: ClockFacts, ctx: DecideContext, options: Omit<ClockOptions, 'profile' | 'calendar'> & { calendarVersion?: string } = {}): Deadline {
  const { profile, calendar } = clockRules(facts, ctx, options.calendarVersion);
  return computeDeadline(facts, { ...options, profile, calendar });
}

/**
 * The due date as of `today` and where it stands that day: what a list, a queue or the applicant's
 * status page shows. An open pause counts up to today (条例 第33条第3款).
 * @example deadlineToday(state.clock, ctx, '2025-11-05') // { dueDate: '2025-11-06', status: 'paused', overdue: false, workingDaysLeft: 1, … }
 */
export function deadlineToday(facts: ClockFacts, ctx: DecideContext, today: IsoDate): Deadline & DeadlineStanding {
  const { profile, calendar } = clockRules(facts, ctx);
  const deadline = computeDeadline(facts, { profile, calendar, asOf: today });
  // assigned, not spread twice: a spread given a second spread's new keys takes V8's slow path (5× the whole call)
  return Object.assign({}, deadline, deadlineStanding(deadline, today, calendar));
}

/**
 * The first day the case is late if nothing more is recorded ({@link overdueFrom}); `known` is the
 * deadline already computed without `asOf`, which answers at once when no pause is open.
 * @example overdueFromOf(state.clock, ctx) // '2025-10-31'
 */
export function overdueFromOf(facts: ClockFacts, ctx: DecideContext, known?: Deadline): IsoDate | null {
  if (known && known.status === 'running' && known.dueDate !== null) return fromEpochDay(toEpochDay(known.dueDate) + 1);
  return overdueFrom(facts, clockRules(facts, ctx));
}

/**
 * The profile and calendar a clock counts with: the version asked for; else, once the clock has
 * stopped, the version in force that day (a closed case keeps its dates whatever is amended later);
 * else the current one (an open case follows amendments, each recorded as DeadlineRecomputed).
 */
function clockRules(facts: ClockFacts, ctx: DecideContext, calendarVersion?: string) {
  const profile = profileById(facts.profileId);
  if (calendarVersion !== undefined) return { profile, calendar: ctx.calendars.get(profile.calendarId, calendarVersion) };
  return { profile, calendar: facts.stoppedOn === undefined ? ctx.calendars.current(profile.calendarId) : ctx.calendars.inForceOn(profile.calendarId, facts.stoppedOn) };
}

/** The evidence field that gives the receipt date under each receipt rule. */
export type ReceiptDateField = 'handedInOn' | 'signedForOn' | 'confirmedWithApplicantOn' | 'confirmedByBothOn' | 'statedReceiptDate' | 'arrivedOn';
const RECEIPT_FIELDS: Readonly<Record<ReceiptRule, ReceiptDateField & keyof CaseCommandOf<'receiveRequest'>['data']['evidence']>> = {
  'handed-in': 'handedInOn',
  'signed-for': 'signedForOn',
  'confirmed-with-applicant': 'confirmedWithApplicantOn',
  'confirmed-by-both': 'confirmedByBothOn',
  'stated-by-sender': 'statedReceiptDate',
  arrived: 'arrivedOn',
};

/** The receipt rule a request recorded at an instant follows on its channel, the evidence field it needs, and the recording day in the profile's zone. */
export interface ReceiptRuleInForce<C extends Channel = Channel> {
  readonly rule: JurisdictionProfile['receiptRules'][C];
  readonly field: ReceiptDateField;
  readonly recordedOn: IsoDate;
  /** Where the rule comes from in the profile's law. */
  readonly citation: string;
}

/**
 * The receipt rule for a request on `channel` recorded at `at` under `jurisdiction`: the rule of
 * the profile in force on the recording day (the receipt date is not known until the rule gives
 * it), or undefined when the engine has no profile for the jurisdiction.
 * @example receiptRuleOf('GB', 'system', '2025-12-19T15:00:00Z') // { rule: 'arrived', field: 'arrivedOn', recordedOn: '2025-12-19', citation: 's.10(6): …' }
 */
export function receiptRuleOf<C extends Channel>(jurisdiction: string, channel: C, at: string): ReceiptRuleInForce<C> | undefined {
  const anyProfile = BUILTIN_PROFILES.find((p) => p.jurisdiction === jurisdiction);
  if (!anyProfile) return undefined;
  const recordedOn = localDate(at, anyProfile.timeZone);
  const profile = profileForOrNull(jurisdiction, recordedOn) ?? anyProfile;
  const rule = profile.receiptRules[channel]; // 条例 第31条, or the profile's own law
  return { rule, field: RECEIPT_FIELDS[rule], recordedOn, citation: profile.receiptCitation };
}

const CURRENCIES: Readonly<Record<string, string>> = { CN: 'CNY', GB: 'GBP', US: 'USD', IE: 'EUR', AU: 'AUD' };

type Decision = readonly CaseEvent[] | DomainError;

/** Everything one command's rules can see. */
interface Decider<T extends CaseCommandType> {
  readonly state: CaseState;
  readonly command: CaseCommandOf<T>;
  readonly today: IsoDate;
  readonly profile: JurisdictionProfile;
  readonly calendar: WorkingDayCalendar;
  readonly ctx: DecideContext;
}

/**
 * Decides what a command records, or why it is refused. Pure: time is the command's `at`, the
 * calendars come in `ctx`; ids and metadata of the events are added by whoever stores them.
 * @example
 * const result = decide(state, { type: 'archiveCase', caseId, at: '2025-11-03T10:00:00+08:00', actor, data: {} }, ctx);
 * if (isDomainError(result)) reply409(result); else append(result);
 */
export function decide(state: CaseState, command: CaseCommand, ctx: DecideContext): Decision {
  if (state.agency !== undefined && command.actor.agency !== state.agency) return new WrongAgency(state.agency, command.actor.agency);
  if (!canHappen(state.workflow, { type: COMMAND_EVENTS[command.type] })) return new CommandNotAllowed(state.status, command.type, allowedCommands(state));
  if (command.type === 'receiveRequest') return receiveRequest(command, ctx);
  const profile = profileById(state.profileId!);
  const d = { state, command, today: localDate(command.at, profile.timeZone), profile, calendar: ctx.calendars.current(profile.calendarId), ctx } as Decider<CaseCommandType>;
  return RULES[command.type](d as never);
}

function receiveRequest(command: CaseCommandOf<'receiveRequest'>, ctx: DecideContext): Decision {
  const { jurisdiction, channel, evidence, applicant, request } = command.data;
  const inForce = receiptRuleOf(jurisdiction, channel, command.at);
  if (!inForce) return new InvalidValue('jurisdiction', `no profile for ${jurisdiction}`);
  const today = inForce.recordedOn;
  // A request that arrived while an earlier law was in force is received by that law's rule, however late it
  // is recorded: the 2008 条例 counts from the day it arrived (第24条 收到申请之日), not by 第31条's channel rules
  const arrivedUnder = evidence.arrivedOn !== undefined && evidence.arrivedOn <= today ? profileForOrNull(jurisdiction, evidence.arrivedOn) : null;
  const { rule, field, citation } = arrivedUnder?.receiptRules[channel] === 'arrived' ? { rule: 'arrived' as const, field: RECEIPT_FIELDS.arrived, citation: arrivedUnder.receiptCitation } : inForce;
  const receivedOn = evidence[field];
  if (receivedOn === undefined) return new ReceiptEvidenceMissing(channel, rule, field, citation);
  if (receivedOn > today) return new DateInFuture(`evidence.${field}`, receivedOn, today);
  const profile = profileForOrNull(jurisdiction, receivedOn); // a request received before 2019-05-15 keeps the 2008 rules
  if (!profile) return new InvalidValue(`evidence.${field}`, `no ${jurisdiction} law applies to a request received on ${receivedOn}`);
  ctx.calendars.current(profile.calendarId);
  return [
    caseEvent('RequestReceived', { caseId: command.caseId, agency: command.actor.agency, jurisdiction, profileId: profile.id, channel, evidence, receivedOn, applicant, request }),
  ];
}

function profileForOrNull(jurisdiction: string, on: IsoDate): JurisdictionProfile | null {
  try {
    return profileFor(jurisdiction, on);
  } catch (e) {
    if (e instanceof NoProfileForDate) return null;
    throw e;
  }
}

/** A reported day: not after today, not before `notBefore`. */
function reported(field: string, day: IsoDate | undefined, today: IsoDate, notBefore?: IsoDate): IsoDate | DomainError {
  const date = day ?? today;
  if (date > today) return new DateInFuture(field, date, today);
  if (notBefore !== undefined && date < notBefore) return new DateOutOfOrder(field, date, notBefore);
  return date;
}

function openConsultation(state: CaseState, id: string) {
  const c = state.consultations.find((x) => x.consultationId === id);
  if (!c) return new UnknownReference('consultation', id, 'not-found');
  if (c.answeredOn !== undefined || c.lapsedOn !== undefined) return new UnknownReference('consultation', id, 'closed');
  return c;
}

const RULES: { readonly [T in Exclude<CaseCommandType, 'receiveRequest'>]: (d: Decider<T>) => Decision } = {
  registerRequest: ({ state, command, today }) => {
    const { registrationNumber, accessCodeDigest } = command.data;
    if (!registrationNumber.startsWith(`${state.agency}-`)) return new InvalidValue('registrationNumber', `must read ${state.agency}-{year}-{seq}`);
    return [caseEvent('RequestRegistered', { registrationNumber, accessCodeDigest, registeredOn: today })];
  },

  assignCase: ({ command }) => [caseEvent('CaseAssigned', { assignee: command.data.assignee })],

  requestCorrection: ({ state, command, today, profile, calendar }) => {
    const window = profile.correction.noticeWithin;
    if (window) {
      const endsOn = calendar.addWorkingDays(state.receivedOn!, window.amount).date; // 条例 第30条: 收到申请之日起7个工作日内
      if (today > endsOn) return new CorrectionWindowClosed(endsOn, shortCitation(profile.correction.citation));
    }
    if (command.data.respondBy <= today) return new InvalidValue('respondBy', `must give the applicant a period after today (${today})`);
    return [caseEvent('CorrectionRequested', { noticeOn: today, items: command.data.items, respondBy: command.data.respondBy })];
  },

  receiveCorrection: ({ state, command, today }) => {
    const receivedOn = reported('receivedOn', command.data.receivedOn, today, state.correction!.noticeOn);
    if (isDomainError(receivedOn)) return receivedOn;
    return [caseEvent('CorrectionReceived', { receivedOn, summary: command.data.summary })];
  },

  lapseCorrection: ({ state, today }) => {
    if (today <= state.correction!.respondBy) return new PeriodStillRunning('correction', state.correction!.respondBy); // 条例 第30条 逾期不补正
    return [caseEvent('CorrectionLapsed', { lapsedOn: today })];
  },

  consultThirdParty: (d) => consult(d, 'ThirdPartyConsulted'), // 条例 第32条
  consultAgency: (d) => consult(d, 'AgencyConsulted'), // 条例 第34条, 会商

  recordConsultationAnswer: ({ state, command, today }) => {
    const c = openConsultation(state, command.data.consultationId);
    if (isDomainError(c)) return c;
    const answeredOn = reported('answeredOn', command.data.answeredOn, today, c.noticeOn);
    if (isDomainError(answeredOn)) return answeredOn;
    return [caseEvent('ConsultationAnswered', { consultationId: c.consultationId, answeredOn, opinion: command.data.opinion, summary: command.data.summary })];
  },

  lapseConsultation: ({ state, command, today, profile, calendar }) => {
    const c = openConsultation(state, command.data.consultationId);
    if (isDomainError(c)) return c;
    const rule = c.kind === 'third-party' ? profile.thirdPartyConsultation : profile.agencyConsultation;
    if (rule.lapseAfter) {
      const endsOn = lapseEndsOn(rule.lapseAfter, c.deliveredOn, calendar); // 第32条/第34条: 自收到征求意见书之日起15个工作日
      if (today <= endsOn) return new PeriodStillRunning('consultation', endsOn);
    }
    // 第34条: silence of an agency that co-produced the information is consent; otherwise (第32条, 会商), and under
    // a law without that rule (the 2008 条例, FOIA and the others), the agency decides
    const consequence = c.kind === 'agency' && c.basis === 'co-produced' && profile.agencyConsultation.deemedConsent ? 'deemed-consent' : 'agency-decides';
    return [caseEvent('ConsultationLapsed', { consultationId: c.consultationId, lapsedOn: today, consequence })];
  },

  issueFeeNotice: ({ state, command, today, profile }) => {
    const { method, quantity, alreadyCounted } = command.data;
    let amount = command.data.amount;
    const schedule = profile.feeSchedule;
    if (schedule?.id === 'CN-109' && state.receivedOn! >= schedule.from) {
      const due = informationProcessingFee(method, quantity, alreadyCounted); // 国办函〔2020〕109号
      if (amount !== undefined && amount !== due) return new InvalidValue('amount', `109号 gives ${due} yuan for ${quantity} ${method === 'per-item' ? 'requests' : 'pages'} after ${alreadyCounted}`);
      amount = due;
    }
    if (amount === undefined) return new InvalidValue('amount', `required: ${profile.id} has no fee schedule the engine computes for this request`);
    if (amount === 0) return new InvalidValue('quantity', 'no fee is due for this quantity');
    return [caseEvent('FeeNoticeIssued', { noticeOn: today, method, quantity, alreadyCounted, amount, currency: CURRENCIES[state.jurisdiction!] ?? 'XXX' })];
  },

  recordFeePayment: ({ state, command, today, calendar }) => {
    const paidOn = reported('paidOn', command.data.paidOn, today, state.fee!.noticeOn);
    if (isDomainError(paidOn)) return paidOn;
    if (state.status === 'abandoned') {
      // after a fee lapse, only a payment made within the period undoes it (109号: 逾期未缴纳的才视为放弃申请)
      // the lapse's own date stands in when the period cannot be told (it is the day after the period)
      const lapsedOn = state.closedOn!;
      const endsOn = lapsedFeePaymentEndsOn(state.clock!, calendar);
      if (endsOn !== undefined ? paidOn > endsOn : paidOn >= lapsedOn) return new InvalidValue('paidOn', `the payment period ended${endsOn ? ` on ${endsOn}` : ''}: the request lapsed on ${endsOn ? dayAfter(endsOn) : lapsedOn}`);
    }
    if (command.data.amount < state.fee!.amount) return new InvalidValue('amount', `the notice asked for ${state.fee!.amount}`);
    return [caseEvent('FeePaid', { paidOn, amount: command.data.amount, reference: command.data.reference })];
  },

  lapseFee: ({ state, today, profile, calendar }) => {
    const endsOn = feePaymentEndsOn(state.clock!, calendar); // 109号: 20个工作日内未缴费视为放弃; FOIA s.9(2): three months beginning with the notice day
    if (endsOn === undefined) return new InvalidValue('lapseFee', `${profile.id} sets no payment period`);
    if (today <= endsOn) return new PeriodStillRunning('payment', endsOn);
    return [caseEvent('FeeLapsed', { lapsedOn: dayAfter(endsOn) })]; // abandoned from the day after the period, whenever recorded
  },

  approveExtension: ({ state, command, today, profile, ctx }) => {
    const kind = command.data.kind ?? profile.extensions[0]?.kind;
    const rule = profile.extensions.find((e) => e.kind === kind);
    if (!rule || kind === undefined) return new ExtensionRefused('unknown-kind', { kind: kind ?? '(none)' });
    if (state.clock!.extensions.filter((e) => e.kind === kind).length >= rule.times) return new ExtensionRefused('unknown-kind', { kind: `${kind} (already used)` });
    if (rule.requiresApproval && command.actor.role !== 'supervisor') return new ApprovalRequired('approveExtension', command.actor.role, shortCitation(rule.citation)); // 经政府信息公开工作机构负责人同意
    if (command.data.amount > rule.max.amount) return new ExtensionRefused('too-long', { max: rule.max.amount });
    if (rule.beforeDueDate) {
      const { dueDate } = deadlineOf(state, ctx, { asOf: today });
      if (dueDate !== null && today > dueDate) return new ExtensionRefused('after-due-date', { dueDate }); // 条例 第33条第2款
    }
    const applicantNotifiedOn = reported('applicantNotifiedOn', command.data.applicantNotifiedOn, today);
    if (isDomainError(applicantNotifiedOn)) return applicantNotifiedOn;
    return [caseEvent('ExtensionApproved', { kind, approvedOn: today, amount: command.data.amount, approver: person(command), reason: command.data.reason, applicantNotifiedOn })];
  },

  referCase: ({ state, command, today }) => {
    if (command.data.toAgency === state.agency) return new InvalidValue('toAgency', 'a case cannot be referred to its own agency');
    if (command.data.scope === 'part' && !command.data.part) return new InvalidValue('part', 'say which part is referred');
    // Once per agency: the receiving side knows a referral by its source case (the linked case's id is
    // derived from it), so every part for one agency goes in one referral (会商/转办).
    const earlier = state.referrals.find((r) => r.toAgency === command.data.toAgency);
    if (earlier) return new InvalidValue('toAgency', `already referred to ${earlier.toAgency} on ${earlier.referredOn}; refer every part for one agency in one referral`);
    return [caseEvent('CaseReferred', { ...command.data, referredOn: today })];
  },

  linkCase: ({ state, command }) => {
    if (command.data.linkedCaseId === state.caseId) return new InvalidValue('linkedCaseId', 'a case cannot be linked to itself');
    return [caseEvent('CaseLinked', command.data)];
  },

  withdrawRequest: ({ command, today }) => [caseEvent('RequestWithdrawn', { withdrawnOn: today, ...(command.data.reason ? { reason: command.data.reason } : {}) })],

  submitForReview: ({ state, command, profile }) => {
    const { outcome } = command.data;
    if (outcome.kind === 'cannot-provide' && outcome.ground === 'still-unclear-after-correction' && !state.corrected)
      return new OutcomeNotApplicable('cannot-provide/still-unclear-after-correction', `the applicant was never asked to correct the request (${shortCitation(profile.correction.citation)})`);
    if (outcome.kind === 'other' && outcome.ground !== 'other')
      return new OutcomeNotApplicable(`other/${outcome.ground}`, 'a lapsed correction or fee is recorded with lapseCorrection or lapseFee, not as a reply');
    return [caseEvent('ReplySubmittedForReview', { outcome, draft: command.data.draft, submittedBy: person(command) })];
  },

  approveReply: ({ state, command }) => {
    if (state.draft?.submittedBy.id === command.actor.id) return new SelfReviewNotAllowed(command.actor.id);
    return [caseEvent('ReplyApproved', { reviewer: person(command), ...(command.data.note ? { note: command.data.note } : {}) })];
  },

  returnReply: ({ command }) => [caseEvent('ReplyReturned', { reviewer: person(command), reasons: command.data.reasons })],

  issueReply: ({ state, command, today }) => {
    const { delivery, postedOn } = command.data;
    if (postedOn !== undefined && delivery !== 'post') return new InvalidValue('postedOn', 'only a posted reply has a posting day');
    const givenOn = reported('postedOn', postedOn, today, state.receivedOn); // a posted reply counts as given on the posting day (交邮之日)
    if (isDomainError(givenOn)) return givenOn;
    return [caseEvent('ReplyIssued', { outcome: state.draft!.outcome, delivery, givenOn })];
  },

  archiveCase: ({ today }) => [caseEvent('CaseArchived', { archivedOn: today })],

  recordAppealOutcome: ({ command, today }) => {
    const { decidedOn, ...rest } = command.data;
    if (decidedOn !== undefined && decidedOn > today) return new DateInFuture('decidedOn', decidedOn, today);
    return [caseEvent('AppealOutcomeRecorded', { ...rest, ...(decidedOn ? { decidedOn } : {}) })];
  },

  recordApplicantRating: ({ command, today }) => [caseEvent('ApplicantRatingRecorded', { ...command.data, ratedOn: today })],

  instructSupervision: ({ state, command }) => {
    if (state.instructions.some((i) => i.instructionId === command.data.instructionId)) return new UnknownReference('instruction', command.data.instructionId, 'duplicate');
    return [caseEvent('SupervisionInstructed', { ...command.data, supervisor: person(command) })];
  },

  answerSupervision: ({ state, command }) => {
    const i = state.instructions.find((x) => x.instructionId === command.data.instructionId);
    if (!i) return new UnknownReference('instruction', command.data.instructionId, 'not-found');
    if (i.answer !== undefined) return new UnknownReference('instruction', command.data.instructionId, 'closed');
    return [caseEvent('SupervisionAnswered', command.data)];
  },

  // 条例 第35条: for a request whose volume or frequency clearly exceeds a reasonable range, the agency
  // may, having reviewed the applicant's reasons, set a reasonable later reply date and tell the applicant.
  overrideDeadline: ({ state, command, today, profile, calendar, ctx }) => {
    const { dueDate, reason, applicantNotifiedOn } = command.data;
    if (command.actor.role !== 'supervisor') return new ApprovalRequired('overrideDeadline', command.actor.role, profile.lateReplyCitation ? shortCitation(profile.lateReplyCitation) : 'the agency’s own rule');
    if (dueDate <= state.clock!.countFrom) return new DateOutOfOrder('dueDate', dueDate, state.clock!.countFrom);
    if (!calendar.isWorkingDay(dueDate)) return new InvalidValue('dueDate', `${dueDate} is not a working day`);
    // 第35条 确定延迟答复的合理期限: a *later* date than the law's own, as it stands today (pauses and an extension counted)
    const { override: _previous, ...byLaw } = state.clock!;
    const lawful = deadlineToday(byLaw, ctx, today).dueDate;
    if (lawful !== null && dueDate <= lawful) return new InvalidValue('dueDate', `a later reply date must come after the due date the law gives, ${lawful}`);
    const notified = reported('applicantNotifiedOn', applicantNotifiedOn, today, state.receivedOn);
    if (isDomainError(notified)) return notified;
    return [caseEvent('DeadlineOverridden', { dueDate, reason, approver: person(command), applicantNotifiedOn: notified })];
  },
};

/** Records a consultation: sent on one day (the pause starts), delivered on another (the 15 working days start). */
function consult({ state, command, today }: Decider<'consultThirdParty'> | Decider<'consultAgency'>, type: 'ThirdPartyConsulted' | 'AgencyConsulted'): Decision {
  const { sentOn, deliveredOn, ...rest } = command.data;
  if (state.consultations.some((c) => c.consultationId === rest.consultationId)) return new UnknownReference('consultation', rest.consultationId, 'duplicate');
  const noticeOn = reported('sentOn', sentOn, today, state.clock!.countFrom);
  if (isDomainError(noticeOn)) return noticeOn;
  const delivered = reported('deliveredOn', deliveredOn, today, noticeOn);
  if (isDomainError(delivered)) return delivered;
  return [caseEvent(type, { ...rest, noticeOn, deliveredOn: delivered } as never)];
}

function person(command: CaseCommand) {
  return { id: command.actor.id, ...(command.actor.name ? { name: command.actor.name } : {}) };
}
