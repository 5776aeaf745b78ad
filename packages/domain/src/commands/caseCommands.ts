import { z } from 'zod';
import { CHANNELS } from '@disclosure/calendar';
import { applicantSchema, idSchema, isoDateSchema, receiptEvidenceSchema, requestContentSchema, text } from '../events/caseEvents.js';
import { replyOutcomeSchema } from '../outcomes/replyOutcomes.js';

/**
 * Roles of the people and systems that act on cases (DESIGN.md § HTTP conventions); `applicant` rates a
 * reply through the public status page. `applicant-data-recipient` is a grant held beside `integrator`:
 * a system the agency allows to receive applicants' personal data (a webhook subscription's
 * `applicant-data` scope); alone it does nothing.
 */
export const ROLES = ['caseworker', 'reviewer', 'supervisor', 'auditor', 'integrator', 'applicant-data-recipient', 'admin', 'applicant'] as const;
export type Role = (typeof ROLES)[number];

/** Who issues a command. */
export const actorSchema = z.object({ id: idSchema, name: text(200).optional(), role: z.enum(ROLES), agency: idSchema }).strict();
export type Actor = z.infer<typeof actorSchema>;

const personRef = z.object({ id: idSchema, name: text(200).optional() }).strict();
/** A day the command reports (e.g. the day an answer arrived); defaults to the command's own day. */
const reportedDay = isoDateSchema.optional();

const commandData = {
  receiveRequest: z
    .object({
      jurisdiction: z.string().regex(/^[A-Z]{2}$/),
      channel: z.enum(CHANNELS),
      evidence: receiptEvidenceSchema,
      applicant: applicantSchema,
      request: requestContentSchema,
    })
    .strict(),
  registerRequest: z
    .object({
      registrationNumber: z.string().regex(/^[A-Za-z0-9_.]+-\d{4}-\d{1,9}$/, { message: 'expected {agency}-{year}-{seq}' }),
      accessCodeDigest: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected a sha256 hex digest' }),
    })
    .strict(),
  assignCase: z.object({ assignee: personRef }).strict(),
  requestCorrection: z.object({ items: z.array(text(2000)).min(1).max(50), respondBy: isoDateSchema }).strict(),
  receiveCorrection: z.object({ receivedOn: reportedDay, summary: text(10_000) }).strict(),
  lapseCorrection: z.object({}).strict(),
  /** `sentOn`: the day the letter went out (the pause starts); `deliveredOn`: the day it reached the party (its 15 working days start). Both default to today. */
  consultThirdParty: z.object({ consultationId: idSchema, party: text(200), question: text(4000), sentOn: reportedDay, deliveredOn: reportedDay }).strict(),
  /** `basis`: co-produced information (第34条, silence is consent) or another consultation (会商). */
  consultAgency: z.object({ consultationId: idSchema, agency: text(200), basis: z.enum(['co-produced', 'other']), question: text(4000), sentOn: reportedDay, deliveredOn: reportedDay }).strict(),
  recordConsultationAnswer: z.object({ consultationId: idSchema, answeredOn: reportedDay, opinion: z.enum(['consent', 'objection', 'partial', 'other']), summary: text(4000) }).strict(),
  lapseConsultation: z.object({ consultationId: idSchema }).strict(),
  issueFeeNotice: z
    .object({
      method: z.enum(['per-item', 'per-page']),
      quantity: z.number().int().min(1).max(1_000_000),
      alreadyCounted: z.number().int().min(0).max(1_000_000).default(0),
      /** Required where the profile has no fee schedule of its own (outside China). */
      amount: z.number().int().min(0).max(100_000_000).optional(),
    })
    .strict(),
  recordFeePayment: z.object({ paidOn: reportedDay, amount: z.number().int().min(0).max(100_000_000), reference: text(200) }).strict(),
  lapseFee: z.object({}).strict(),
  approveExtension: z.object({ kind: text(64).optional(), amount: z.number().int().min(1).max(366), reason: text(4000), applicantNotifiedOn: reportedDay }).strict(),
  referCase: z.object({ toAgency: idSchema, scope: z.enum(['whole', 'part']), part: text(4000).optional(), reason: text(4000) }).strict(),
  linkCase: z.object({ linkedCaseId: idSchema, linkedAgency: idSchema, relation: z.enum(['referred-to', 'referred-from', 'related', 'duplicate']) }).strict(),
  withdrawRequest: z.object({ reason: text(4000).optional() }).strict(),
  submitForReview: z.object({ outcome: replyOutcomeSchema, draft: text(50_000) }).strict(),
  approveReply: z.object({ note: text(4000).optional() }).strict(),
  returnReply: z.object({ reasons: z.array(text(4000)).min(1).max(50) }).strict(),
  issueReply: z.object({ delivery: z.enum(['in-person', 'post', 'email', 'online', 'fax']), postedOn: reportedDay }).strict(),
  archiveCase: z.object({}).strict(),
  recordAppealOutcome: z
    .object({ kind: z.enum(['reconsideration', 'litigation', 'litigation-after-reconsideration']), result: z.enum(['upheld', 'corrected', 'other', 'pending']), reference: text(200), decidedOn: reportedDay })
    .strict(),
  recordApplicantRating: z.object({ rating: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']), comment: text(4000).optional() }).strict(),
  instructSupervision: z.object({ instructionId: idSchema, instruction: text(4000), respondBy: isoDateSchema.optional() }).strict(),
  answerSupervision: z.object({ instructionId: idSchema, answer: text(4000) }).strict(),
  overrideDeadline: z.object({ dueDate: isoDateSchema, reason: text(4000), applicantNotifiedOn: reportedDay }).strict(),
} as const;

/** Every case command type (imperative). */
export type CaseCommandType = keyof typeof commandData;
export const CASE_COMMAND_TYPES = Object.keys(commandData) as CaseCommandType[];

const envelope = {
  caseId: idSchema,
  /** When the command was given: an ISO instant with offset. Time is data, never read from a clock. */
  at: z.iso.datetime({ offset: true }),
  actor: actorSchema,
};

/** The zod schema of every command, discriminated by `type`. */
export const caseCommandSchema = z.discriminatedUnion(
  'type',
  CASE_COMMAND_TYPES.map((type) => z.object({ type: z.literal(type), ...envelope, data: commandData[type] }).strict()) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<CaseCommandType> }>,
  ],
);

export type CaseCommandData<T extends CaseCommandType> = z.infer<(typeof commandData)[T]>;
export type CaseCommand = {
  [T in CaseCommandType]: { readonly type: T; readonly caseId: string; readonly at: string; readonly actor: Actor; readonly data: CaseCommandData<T> };
}[CaseCommandType];
export type CaseCommandOf<T extends CaseCommandType> = Extract<CaseCommand, { type: T }>;

/** The zod schema of one command's data (the HTTP body of `POST /cases/{id}/{command}`). */
export function commandDataSchema<T extends CaseCommandType>(type: T): (typeof commandData)[T] {
  return commandData[type];
}

/** One field that failed validation. */
export interface InvalidField {
  readonly path: string;
  readonly message: string;
}

/**
 * Validates a command from outside. Returns the typed command or the list of bad fields.
 * @example parseCaseCommand({ type: 'archiveCase', caseId: 'c1', at: '2025-11-03T09:00:00+08:00', actor, data: {} })
 */
export function parseCaseCommand(input: unknown): { ok: true; command: CaseCommand } | { ok: false; fields: readonly InvalidField[] } {
  const result = caseCommandSchema.safeParse(input);
  if (result.success) return { ok: true, command: result.data as unknown as CaseCommand };
  return { ok: false, fields: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}
