import { z } from 'zod';
import { CHANNELS, isIsoDate } from '@disclosure/calendar';
import { replyOutcomeSchema } from '../outcomes/replyOutcomes.js';

/**
 * Every event of a case stream, past tense, each with its schema version. Dates the law counts
 * (receipt, notice, answer, payment…) are in the data as agency-local calendar dates, so the
 * clock is a function of the events alone.
 */

export const isoDateSchema = z.string().refine(isIsoDate, { message: 'expected a calendar date YYYY-MM-DD' });
export const idSchema = z.string().trim().min(1).max(128);
export const text = (max: number) => z.string().trim().min(1).max(max);
const personRef = z.object({ id: idSchema, name: text(200).optional() }).strict();

/** Applicant kinds, the columns of 表三 (国办公开办函〔2021〕30号). */
export const APPLICANT_KINDS = [
  'natural-person', // 自然人
  'commercial-enterprise', // 商业企业
  'research-institution', // 科研机构
  'public-welfare-organisation', // 社会公益组织
  'legal-service-organisation', // 法律服务机构
  'other-organisation', // 其他
] as const;

/** The applicant (条例 第29条(一)): who asks and how to reach them. Personal data: redacted in logs. */
export const applicantSchema = z
  .object({
    kind: z.enum(APPLICANT_KINDS),
    name: text(200),
    idNumber: text(64).optional(),
    organisationCode: text(64).optional(),
    contactPerson: text(200).optional(),
    phone: text(64).optional(),
    email: z.string().email().max(320).optional(),
    address: text(500).optional(),
  })
  .strict();

/** What is asked for (条例 第29条(二)(三)). */
export const requestContentSchema = z
  .object({
    description: text(10_000), // 申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述
    preferredForm: z.enum(['paper', 'electronic', 'inspection', 'copy', 'other']).optional(), // 第29条(三)
    preferredDelivery: z.enum(['post', 'email', 'collect', 'online', 'fax']).optional(),
    /** 第29条: an oral request written down by staff on the applicant's behalf. */
    writtenDownFromOralRequest: z.boolean().default(false),
  })
  .strict();

/**
 * Where a request that came through another government system was first filed (channel `system`):
 * a provincial government service portal (政务服务网), the 12345 hotline platform (12345政务服务便民热线),
 * another government system, or a referral (转办) from another agency.
 */
export const ORIGIN_PLATFORMS = ['provincial-portal', 'hotline-12345', 'government-system', 'referral'] as const;

/** A referral as the receiving agency records it: who referred what, and why (会商/转办). */
export const referralOriginSchema = z
  .object({
    fromAgency: idSchema,
    sourceCaseId: idSchema,
    registrationNumber: text(64).optional(),
    scope: z.enum(['whole', 'part']),
    part: text(4000).optional(),
    reason: text(4000),
    referredOn: isoDateSchema,
  })
  .strict();

/**
 * Facts that fix the receipt date, one per channel rule (条例 第31条), and for a request from another
 * system where it came from. `platform`, `routedBy` and `referral` were added later as optional
 * fields whose absence means what it always meant, so every stored version-1 event still parses as
 * it is and the version stays 1 (a change that needs an upcaster bumps it).
 */
export const receiptEvidenceSchema = z
  .object({
    handedInOn: isoDateSchema.optional(),
    signedForOn: isoDateSchema.optional(),
    confirmedWithApplicantOn: isoDateSchema.optional(),
    confirmedByBothOn: isoDateSchema.optional(),
    statedReceiptDate: isoDateSchema.optional(),
    arrivedOn: isoDateSchema.optional(),
    sourceSystem: text(200).optional(),
    sourceReference: text(200).optional(),
    platform: z.enum(ORIGIN_PLATFORMS).optional(),
    /** 按责转办: the platform's routing table sent the request here, by this rule, on the category and region the platform gave. */
    routedBy: z.object({ platformId: idSchema, rule: idSchema, category: text(200).optional(), regionCode: z.string().regex(/^\d{2,12}$/).optional() }).strict().optional(),
    referral: referralOriginSchema.optional(),
  })
  .strict();

const consultationId = idSchema;

const eventSchemas = {
  RequestReceived: z
    .object({
      caseId: idSchema,
      agency: idSchema,
      jurisdiction: z.string().regex(/^[A-Z]{2}$/),
      profileId: idSchema,
      channel: z.enum(CHANNELS),
      evidence: receiptEvidenceSchema,
      receivedOn: isoDateSchema,
      applicant: applicantSchema,
      request: requestContentSchema,
    })
    .strict(),
  RequestRegistered: z.object({ registrationNumber: text(64), accessCodeDigest: z.string().regex(/^[0-9a-f]{64}$/), registeredOn: isoDateSchema }).strict(),
  CaseAssigned: z.object({ assignee: personRef }).strict(),
  CorrectionRequested: z.object({ noticeOn: isoDateSchema, items: z.array(text(2000)).min(1).max(50), respondBy: isoDateSchema }).strict(),
  CorrectionReceived: z.object({ receivedOn: isoDateSchema, summary: text(10_000) }).strict(),
  CorrectionLapsed: z.object({ lapsedOn: isoDateSchema }).strict(),
  ThirdPartyConsulted: z.object({ consultationId, party: text(200), noticeOn: isoDateSchema, deliveredOn: isoDateSchema, question: text(4000) }).strict(),
  AgencyConsulted: z
    .object({ consultationId, agency: text(200), basis: z.enum(['co-produced', 'other']), noticeOn: isoDateSchema, deliveredOn: isoDateSchema, question: text(4000) })
    .strict(),
  ConsultationAnswered: z.object({ consultationId, answeredOn: isoDateSchema, opinion: z.enum(['consent', 'objection', 'partial', 'other']), summary: text(4000) }).strict(),
  ConsultationLapsed: z.object({ consultationId, lapsedOn: isoDateSchema, consequence: z.enum(['agency-decides', 'deemed-consent']) }).strict(),
  FeeNoticeIssued: z
    .object({ noticeOn: isoDateSchema, method: z.enum(['per-item', 'per-page']), quantity: z.number().int().min(1).max(1_000_000), alreadyCounted: z.number().int().min(0), amount: z.number().int().min(0), currency: z.string().length(3) })
    .strict(),
  FeePaid: z.object({ paidOn: isoDateSchema, amount: z.number().int().min(0), reference: text(200) }).strict(),
  FeeLapsed: z.object({ lapsedOn: isoDateSchema }).strict(),
  ExtensionApproved: z.object({ kind: text(64), approvedOn: isoDateSchema, amount: z.number().int().min(1), approver: personRef, reason: text(4000), applicantNotifiedOn: isoDateSchema }).strict(),
  CaseReferred: z.object({ toAgency: idSchema, scope: z.enum(['whole', 'part']), part: text(4000).optional(), reason: text(4000), referredOn: isoDateSchema }).strict(),
  CaseLinked: z.object({ linkedCaseId: idSchema, linkedAgency: idSchema, relation: z.enum(['referred-to', 'referred-from', 'related', 'duplicate']) }).strict(),
  // Recorded by the referral reactor, not by a command: the agency the case was referred to could not
  // receive the referred request (its law refused it as referred), so no case was made there. `problem`
  // is the refusal's stable type (the API's problem catalogue), `detail` its words.
  ReferralRefused: z.object({ toAgency: idSchema, problem: idSchema, detail: text(2000), noticedOn: isoDateSchema }).strict(),
  RequestWithdrawn: z.object({ withdrawnOn: isoDateSchema, reason: text(4000).optional() }).strict(),
  ReplySubmittedForReview: z.object({ outcome: replyOutcomeSchema, draft: text(50_000), submittedBy: personRef }).strict(),
  ReplyApproved: z.object({ reviewer: personRef, note: text(4000).optional() }).strict(),
  ReplyReturned: z.object({ reviewer: personRef, reasons: z.array(text(4000)).min(1).max(50) }).strict(),
  ReplyIssued: z
    .object({
      outcome: replyOutcomeSchema,
      delivery: z.enum(['in-person', 'post', 'email', 'online', 'fax']),
      /**
       * The day the reply counts as given: for post, the posting day (交邮之日). Not in 条例: our
       * reading of procedural law's 在途时间 rule (期满前交邮的，不算过期), which courts apply.
       */
      givenOn: isoDateSchema,
    })
    .strict(),
  CaseArchived: z.object({ archivedOn: isoDateSchema }).strict(),
  AppealOutcomeRecorded: z
    .object({
      kind: z.enum(['reconsideration', 'litigation', 'litigation-after-reconsideration']), // 表四: 行政复议, 未经复议直接起诉, 复议后起诉
      result: z.enum(['upheld', 'corrected', 'other', 'pending']), // 结果维持, 结果纠正, 其他结果, 尚未审结
      reference: text(200),
      decidedOn: isoDateSchema.optional(),
    })
    .strict(),
  ApplicantRatingRecorded: z.object({ rating: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']), comment: text(4000).optional(), ratedOn: isoDateSchema }).strict(),
  SupervisionInstructed: z.object({ instructionId: idSchema, instruction: text(4000), supervisor: personRef, respondBy: isoDateSchema.optional() }).strict(),
  SupervisionAnswered: z.object({ instructionId: idSchema, answer: text(4000) }).strict(),
  DeadlineOverridden: z.object({ dueDate: isoDateSchema, reason: text(4000), approver: personRef, applicantNotifiedOn: isoDateSchema }).strict(),
  // Recorded by the worker's deadline clock, not by a command (受理一件按时答复一件; 可督办): the due
  // date as of the day noticed, and how many working days were left then (a threshold, e.g. 5 or 1).
  DeadlineApproaching: z.object({ dueDate: isoDateSchema, workingDaysLeft: z.number().int().min(0).max(1000), threshold: z.number().int().min(0).max(1000), noticedOn: isoDateSchema }).strict(),
  DeadlineMissed: z.object({ dueDate: isoDateSchema, noticedOn: isoDateSchema }).strict(),
  // A calendar amendment (a new or corrected year's 放假安排) moved the due date of an open case, or
  // made it official: both dates, both calendar versions, and why (the notice).
  DeadlineRecomputed: z
    .object({
      calendarId: idSchema,
      previousDueDate: isoDateSchema,
      dueDate: isoDateSchema,
      previousCalendarVersion: idSchema,
      calendarVersion: idSchema,
      previousProvisional: z.boolean(),
      provisional: z.boolean(),
      missingYears: z.array(z.number().int()),
      reason: text(500),
      recomputedOn: isoDateSchema,
    })
    .strict(),
} as const;

/** Every case event type. */
export type CaseEventType = keyof typeof eventSchemas;
export const CASE_EVENT_TYPES = Object.keys(eventSchemas) as CaseEventType[];

/** Current schema version of every event type (bump with an upcaster when a schema changes). */
export const EVENT_SCHEMA_VERSIONS: Readonly<Record<CaseEventType, number>> = Object.fromEntries(CASE_EVENT_TYPES.map((t) => [t, 1])) as Record<CaseEventType, number>;

export type CaseEventData<T extends CaseEventType> = z.infer<(typeof eventSchemas)[T]>;

/** An event as the domain sees it: type, schema version and data. Ids and metadata are the store's. */
export type CaseEvent = { [T in CaseEventType]: { readonly type: T; readonly version: number; readonly data: CaseEventData<T> } }[CaseEventType];
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

/** The zod schema of one event type's data. */
export function eventDataSchema<T extends CaseEventType>(type: T): (typeof eventSchemas)[T] {
  return eventSchemas[type];
}

/** Builds an event of the current schema version. @example caseEvent('CaseArchived', { archivedOn: '2025-11-03' }) */
export function caseEvent<T extends CaseEventType>(type: T, data: CaseEventData<T>): CaseEventOf<T> {
  return { type, version: EVENT_SCHEMA_VERSIONS[type], data } as unknown as CaseEventOf<T>;
}

/**
 * Validates a stored event (type known, data matching its schema).
 * @example parseCaseEvent({ type: 'CaseArchived', version: 1, data: { archivedOn: '2025-11-03' } })
 */
export function parseCaseEvent(input: { type: string; version?: number; data: unknown }): CaseEvent {
  if (!(input.type in eventSchemas)) throw new TypeError(`unknown case event type ${input.type}`);
  const type = input.type as CaseEventType;
  return { type, version: input.version ?? EVENT_SCHEMA_VERSIONS[type], data: eventSchemas[type].parse(input.data) } as CaseEvent;
}
