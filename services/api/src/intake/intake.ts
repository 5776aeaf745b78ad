import { z } from 'zod';
import { fromEpochDay, isIsoDate, toEpochDay, type IsoDate, type SystemReceiptRule } from '@disclosure/calendar';
import { applicantSchema, receiptRuleOf, referralOriginSchema, requestContentSchema, type Actor, type CaseCommand, type CaseCommandOf, type CaseEventData, type CaseState } from '@disclosure/domain';
import { uuidV5 } from '@disclosure/event-store';
import { PLATFORM_KINDS, type PlatformKind } from '../platforms/routingTable.js';

/**
 * The body of `POST /v1/intake`: a request another government system files (channel `system`,
 * received as the agency's profile says: under CN-2019 on the date it states, 条例 第31条 as
 * DOMAIN.md reads it for system intake; under a law without a channel rule on the day it arrives,
 * see {@link systemReceiptEvidence}). A platform's token adds what its routing table routes by; a
 * referral from an agency of another instance adds the referral.
 */
export const intakeBodySchema = z
  .object({
    sourceSystem: z.string().trim().min(1).max(200),
    sourceReference: z.string().trim().min(1).max(200),
    statedReceiptDate: z.string().refine(isIsoDate, { error: 'expected a date YYYY-MM-DD' }),
    applicant: applicantSchema,
    request: requestContentSchema,
    /** A platform's request: its category (事项类别), matched by the routing table's rules. */
    category: z.string().trim().min(1).max(200).optional(),
    /** A platform's request: the region code (行政区划代码) it concerns, matched by prefix. */
    regionCode: z.string().regex(/^\d{2,12}$/, { error: 'a region code (行政区划代码): 2–12 digits' }).optional(),
    /** What kind of system filed it, said by an agency's own integrator (a platform's kind comes from the routing table). */
    platform: z.enum(PLATFORM_KINDS).optional(),
    /** A referral (会商/转办) from an agency, here or on another instance: the new case is linked to the case it came from. */
    referral: referralOriginSchema.optional(),
  })
  .strict();
export type IntakeBody = z.infer<typeof intakeBodySchema>;

/**
 * The case a system intake creates: named by who filed it (the token's agency: an agency, or a
 * platform) and the sender's own reference, so a resend finds the case it created.
 * @example intakeCaseId('demo', 'province-portal', 'GD-2025-000123')
 */
export function intakeCaseId(filedBy: string, sourceSystem: string, sourceReference: string): string {
  return uuidV5(`${filedBy}/intake/${sourceSystem}/${sourceReference}`);
}

/** Who files the intake, for whom, when, and how it was routed. */
export interface IntakeFiling {
  readonly caseId: string;
  readonly at: string;
  /** The actor, acting for the agency the case is created in. */
  readonly actor: Actor;
  readonly jurisdiction: string;
  /** The platform's kind from its routing table (else the body's `platform`, or `referral`). */
  readonly platform?: PlatformKind;
  readonly routedBy?: NonNullable<CaseEventData<'RequestReceived'>['evidence']['routedBy']>;
}

/**
 * The commands an intake records on its new case: the receipt (channel `system`, with where it came
 * from in the evidence), and for a referral the link to the case it was referred from.
 * @example const [receive, ...then] = intakeCommands(body, { caseId, at, actor, jurisdiction: 'CN' });
 */
export function intakeCommands(body: IntakeBody, filing: IntakeFiling): [CaseCommandOf<'receiveRequest'>, ...CaseCommand[]] {
  const { caseId, at, actor } = filing;
  const platform = body.referral ? 'referral' : (filing.platform ?? body.platform);
  const inForce = receiptRuleOf(filing.jurisdiction, 'system', at);
  const evidence = {
    // a jurisdiction without a profile keeps the sender's date alone: receiveRequest refuses the jurisdiction
    ...(inForce ? systemReceiptEvidence(inForce.rule, body, inForce.recordedOn) : { statedReceiptDate: body.statedReceiptDate }),
    sourceSystem: body.sourceSystem,
    sourceReference: body.sourceReference,
    ...(platform ? { platform } : {}),
    ...(filing.routedBy ? { routedBy: filing.routedBy } : {}),
    ...(body.referral ? { referral: body.referral } : {}),
  };
  const receive = { type: 'receiveRequest', caseId, at, actor, data: { jurisdiction: filing.jurisdiction, channel: 'system', evidence, applicant: body.applicant, request: body.request } } as CaseCommandOf<'receiveRequest'>;
  if (!body.referral) return [receive];
  const link = { type: 'linkCase', caseId, at, actor, data: { linkedCaseId: body.referral.sourceCaseId, linkedAgency: body.referral.fromAgency, relation: 'referred-from' } } as CaseCommandOf<'linkCase'>;
  return [receive, link];
}

/**
 * The receipt evidence of a request this system receives from another (channel `system`), by the
 * receiving profile's rule for that channel:
 * - `stated-by-sender` (CN-2019): the date the sending system states, our rule for system intake,
 *   which 条例 第31条 does not name; for a referral the referral day, which the referring system states,
 *   unless that day has not begun yet in the agency's zone (a referral made in Sydney just after
 *   midnight reaches Beijing the evening before), then `receivedHereOn`;
 * - `arrived` (2008年条例 第24条 收到申请之日; FOIA s.10(6)(a) "the day on which the public authority
 *   receives the request"; 5 U.S.C. 552(a)(6)(A)(ii); IE FOI Act s.13(1); AU FOI Act s.15(5)(b)): the
 *   day the request reached the agency, `receivedHereOn` (the day this system received it, in the
 *   agency's zone); for a referral the referral day, as under CN-2019, unless that day has not begun
 *   yet in the agency's zone (a referral from Beijing in the morning reaches Washington the evening
 *   before), then `receivedHereOn`. The sender's stated date stays on record beside it.
 * @example systemReceiptEvidence('arrived', { statedReceiptDate: '2025-12-18' }, '2025-12-19') // { statedReceiptDate: '2025-12-18', arrivedOn: '2025-12-19' }
 */
export function systemReceiptEvidence(rule: SystemReceiptRule, sent: Pick<IntakeBody, 'statedReceiptDate' | 'referral'>, receivedHereOn: IsoDate): { statedReceiptDate: IsoDate; arrivedOn?: IsoDate } {
  const referredOn = sent.referral?.referredOn;
  // a referral from a zone ahead (Sydney just after midnight) states the referral day, which has not begun here yet: the
  // agency's own day (the referral keeps its day). Zones differ by a day at most: any other future date stays the sender's, and is refused.
  if (rule === 'stated-by-sender') {
    const aheadByADay = referredOn !== undefined && sent.statedReceiptDate === referredOn && referredOn === fromEpochDay(toEpochDay(receivedHereOn) + 1);
    return { statedReceiptDate: aheadByADay ? receivedHereOn : sent.statedReceiptDate };
  }
  return { statedReceiptDate: sent.statedReceiptDate, arrivedOn: referredOn !== undefined && referredOn < receivedHereOn ? referredOn : receivedHereOn };
}

/**
 * The intake body of a referral (会商/转办): the source case's applicant and request (for a part,
 * the part as the request's description), received on the referral day, named by the referring
 * instance and agency and the source case id. The same body files the linked case on this instance
 * and travels as the webhook to another instance's `POST /v1/intake`.
 *
 * Receipt date: 条例 has no transfer between agencies (第36条(五) only obliges telling the applicant
 * which agency is responsible); the provincial rules' 转办 hands the request over through the
 * system, and for system intake DOMAIN.md reads 第31条 as "the receipt date the sending system
 * states". The referring system states the referral day (`referredOn`): the day the request
 * leaves the referring agency is the day it reaches the other, as both are on the government
 * system; a later delivery (a retried webhook) does not move it, which never shortens the
 * receiving agency's count against the applicant. A receiving agency under another law counts
 * from the referral day too, as {@link systemReceiptEvidence} says.
 * @example referralIntakeBody(sourceState, referred.data, 'city-a')
 */
export function referralIntakeBody(source: CaseState, referral: CaseEventData<'CaseReferred'>, instanceId: string): IntakeBody {
  if (source.caseId === undefined || source.agency === undefined || source.applicant === undefined || source.request === undefined) throw new TypeError('a referral is made from a received case');
  const request = referral.scope === 'part' && referral.part ? { ...source.request, description: referral.part } : source.request;
  return {
    sourceSystem: referralSourceSystem(instanceId, source.agency),
    sourceReference: source.caseId,
    statedReceiptDate: referral.referredOn,
    applicant: source.applicant,
    request,
    referral: {
      fromAgency: source.agency,
      sourceCaseId: source.caseId,
      ...(source.registrationNumber ? { registrationNumber: source.registrationNumber } : {}),
      scope: referral.scope,
      ...(referral.part ? { part: referral.part } : {}),
      reason: referral.reason,
      referredOn: referral.referredOn,
    },
  };
}

/** How a referring instance and agency name themselves as an intake's `sourceSystem`. @example referralSourceSystem('city-a', 'demo') // 'city-a/demo' */
export function referralSourceSystem(instanceId: string, agency: string): string {
  return `${instanceId}/${agency}`;
}
