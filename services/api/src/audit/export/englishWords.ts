import type { CaseEventData, ReplyOutcome } from '@disclosure/domain';
import { extensionOf, shortCitation, type Channel, type JurisdictionProfile } from '@disclosure/calendar';
import type { Describe, TimelineWords } from './eventWords.js';

/**
 * The timeline in English, for a case under an Act other than the 条例 (FOIA 2000, 5 U.S.C. 552,
 * the Irish and the Australian Acts): each line cites the section the profile gives for its rule,
 * and says whether the step stops the clock as that profile counts it.
 */

const EVENT_NAMES: TimelineWords['eventNames'] = {
  RequestReceived: 'Request received',
  RequestRegistered: 'Registered',
  CaseAssigned: 'Assigned',
  CorrectionRequested: 'Clarification asked for',
  CorrectionReceived: 'Clarification received',
  CorrectionLapsed: 'Clarification not given in time',
  ThirdPartyConsulted: 'Third party consulted',
  AgencyConsulted: 'Another body consulted',
  ConsultationAnswered: 'Consultation answered',
  ConsultationLapsed: 'Consultation lapsed',
  FeeNoticeIssued: 'Fees notice issued',
  FeePaid: 'Fee paid',
  FeeLapsed: 'Fee not paid in time',
  ExtensionApproved: 'Time limit extended',
  CaseReferred: 'Referred to another body',
  CaseLinked: 'Case linked',
  ReferralRefused: 'Referral not received',
  RequestWithdrawn: 'Request withdrawn',
  ReplySubmittedForReview: 'Reply submitted for review',
  ReplyApproved: 'Reply approved',
  ReplyReturned: 'Reply returned',
  ReplyIssued: 'Reply given',
  CaseArchived: 'Archived',
  AppealOutcomeRecorded: 'Review or appeal outcome recorded',
  ApplicantRatingRecorded: 'Applicant’s rating recorded',
  SupervisionInstructed: 'Supervisor’s instruction',
  SupervisionAnswered: 'Instruction answered',
  DeadlineOverridden: 'Due date set',
  DeadlineApproaching: 'Due date approaching',
  DeadlineMissed: 'Due date missed',
  DeadlineRecomputed: 'Due date recomputed',
};

const ROLE_NAMES: TimelineWords['roles'] = {
  caseworker: 'caseworker',
  reviewer: 'reviewer',
  supervisor: 'supervisor',
  auditor: 'auditor',
  integrator: 'integrating system',
  admin: 'administrator',
  applicant: 'applicant',
  system: 'system',
};

const STATUS_NAMES: TimelineWords['statuses'] = {
  new: 'new',
  received: 'received',
  processing: 'in progress',
  awaitingCorrection: 'awaiting clarification',
  consulting: 'in consultation',
  awaitingFee: 'awaiting fee',
  inReview: 'in review',
  approved: 'approved, to be sent',
  replied: 'replied',
  withdrawn: 'withdrawn',
  abandoned: 'abandoned, no longer processed',
  archived: 'archived',
};

const CLOCK_NAMES: TimelineWords['clocks'] = {
  running: 'clock running',
  paused: 'clock paused',
  'awaiting-correction': 'clock stopped until clarified',
  stopped: 'clock stopped',
};

const CHANNEL_NAMES: Readonly<Record<Channel, string>> = {
  'in-person': 'in person',
  'registered-post': 'by registered post',
  'ordinary-post': 'by ordinary post',
  online: 'online',
  fax: 'by fax',
  email: 'by email',
  system: 'from another government system',
};

const APPLICANT_KIND_NAMES: Readonly<Record<string, string>> = {
  'natural-person': 'individual',
  'commercial-enterprise': 'company',
  'research-institution': 'research institution',
  'public-welfare-organisation': 'public-benefit organisation',
  'legal-service-organisation': 'legal service',
  'other-organisation': 'other organisation',
};

const UNIT_NAMES: Readonly<Record<string, string>> = { 'working-days': 'working days', 'calendar-days': 'days', weeks: 'weeks' };
const DELIVERY_NAMES: Readonly<Record<string, string>> = { 'in-person': 'in person', post: 'by post', email: 'by email', online: 'online', fax: 'by fax', collect: 'for collection' };
const OPINION_NAMES: Readonly<Record<string, string>> = { consent: 'consents to disclosure', objection: 'objects to disclosure', partial: 'consents in part', other: 'other view' };
const APPEAL_NAMES: Readonly<Record<string, string>> = { reconsideration: 'Internal review', litigation: 'Appeal to a court', 'litigation-after-reconsideration': 'Appeal to a court after review' };
const APPEAL_RESULTS: Readonly<Record<string, string>> = { upheld: 'upheld', corrected: 'decision changed', other: 'other result', pending: 'pending' };
const RATING_NAMES: Readonly<Record<string, string>> = { satisfied: 'satisfied', 'basically-satisfied': 'mostly satisfied', dissatisfied: 'dissatisfied' };
const RELATION_NAMES: Readonly<Record<string, string>> = { 'referred-to': 'referred to it', 'referred-from': 'referred from it', related: 'related', duplicate: 'duplicate' };
const PLATFORM_NAMES: Readonly<Record<string, string>> = { 'provincial-portal': 'a regional portal', 'hotline-12345': 'a public hotline platform', 'government-system': 'another government system', referral: 'a referral' };
const OUTCOME_NAMES: Readonly<Record<ReplyOutcome['kind'], string>> = {
  disclosed: 'disclosed',
  'partly-disclosed': 'partly disclosed',
  withheld: 'withheld',
  'cannot-provide': 'cannot be provided',
  'not-handled': 'not handled',
  other: 'other',
};
const BREAK_NAMES: Readonly<Record<string, string>> = {
  'hash-mismatch': 'its content was changed after it was recorded (hash mismatch)',
  'broken-link': 'its link to the event before it was changed (prevHash mismatch)',
  'revision-gap': 'events before it are missing (revisions not consecutive)',
  'tail-missing': 'it and the events after it are missing (the read models saw that revision)',
  'stream-missing': 'the whole event record of the case is missing',
};

function originWords(e: CaseEventData<'RequestReceived'>['evidence']): string {
  const parts: string[] = [];
  if (e.platform) parts.push(`via ${PLATFORM_NAMES[e.platform] ?? e.platform}${e.sourceSystem ? ` (${e.sourceSystem}${e.sourceReference ? ` ${e.sourceReference}` : ''})` : ''}`);
  if (e.routedBy) parts.push(`routed by rule ${e.routedBy.rule} (platform ${e.routedBy.platformId})`);
  if (e.referral) parts.push(`referred by ${e.referral.fromAgency} (their case ${e.referral.registrationNumber ?? e.referral.sourceCaseId}${e.referral.scope === 'part' && e.referral.part ? `, in part: ${e.referral.part}` : ''}; reason: ${e.referral.reason})`);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

const person = (p: { id: string; name?: string | undefined }) => (p.name ? `${p.name} (${p.id})` : p.id);
const ground = (g: string) => g.replaceAll('-', ' ');
const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);

/**
 * A reply's outcome, with its ground and reason; for a partial disclosure, what was withheld and why.
 * @example outcomeWordsEnglish({ kind: 'withheld', ground: 'third-party-rights', reason: 'personal data' }) // 'withheld (third party rights); reason: personal data'
 */
export function outcomeWordsEnglish(outcome: ReplyOutcome): string {
  const head = OUTCOME_NAMES[outcome.kind];
  if (outcome.kind === 'partly-disclosed') return `${head}; withheld: ${outcome.withheld.map((w) => `${w.what} (${ground(w.ground)}: ${w.reason})`).join('; ')}`;
  if (outcome.kind === 'disclosed') return head;
  return `${head} (${ground(outcome.ground)}); reason: ${outcome.reason}`;
}

/** The sentence on what a step does to the clock, from the profile's effect for it. */
function clockWords(rule: JurisdictionProfile['correction'], pause: string, restart: string): string {
  const cite = shortCitation(rule.citation);
  if (rule.effect === 'pause') return ` ${pause} (${cite}).`;
  if (rule.effect === 'restart') return ` ${restart} (${cite}).`;
  return ` This does not pause the clock: ${rule.citation}.`;
}

function describe(profile: JurisdictionProfile): Describe {
  const consultation = (rule: JurisdictionProfile['thirdPartyConsultation']) => clockWords(rule, 'The time the consultation takes is not counted', 'The time limit counts again from the answer');
  return {
    RequestReceived: (d) =>
      `Received ${CHANNEL_NAMES[d.channel] ?? d.channel}${originWords(d.evidence)}; date of receipt ${d.receivedOn} (${shortCitation(profile.receiptCitation)}). Applicant: ${d.applicant.name} (${APPLICANT_KIND_NAMES[d.applicant.kind] ?? d.applicant.kind}). Information requested: “${d.request.description}”${d.request.writtenDownFromOralRequest ? ' (made orally, written down by staff)' : ''}.`,
    RequestRegistered: (d) => `Registered as ${d.registrationNumber} on ${d.registeredOn}.`,
    CaseAssigned: (d) => `Assigned to ${person(d.assignee)}.`,
    CorrectionRequested: (d) => `On ${d.noticeOn} the applicant was asked to clarify the request, by ${d.respondBy} (${shortCitation(profile.correction.citation)}). Needed: ${d.items.join('; ')}.`,
    CorrectionReceived: (d) =>
      `${sentence(`${d.receivedOn}: clarification received: ${d.summary}`)}${clockWords(profile.correction, 'The clock runs again from this day', 'The time limit counts again from this day')}`,
    CorrectionLapsed: (d) => `${d.lapsedOn}: the time to clarify ran out without an answer; the request is no longer processed.`,
    ThirdPartyConsulted: (d) => `${d.party} consulted (consultation ${d.consultationId}); notice sent ${d.noticeOn}, delivered ${d.deliveredOn}: ${sentence(d.question)}${consultation(profile.thirdPartyConsultation)}`,
    AgencyConsulted: (d) =>
      `${d.agency} consulted (consultation ${d.consultationId}${d.basis === 'co-produced' ? ', information produced jointly' : ''}); notice sent ${d.noticeOn}, delivered ${d.deliveredOn}: ${sentence(d.question)}${consultation(profile.agencyConsultation)}`,
    ConsultationAnswered: (d) => `Consultation ${d.consultationId} answered on ${d.answeredOn}: ${OPINION_NAMES[d.opinion] ?? d.opinion}. ${d.summary}`,
    ConsultationLapsed: (d) =>
      `Consultation ${d.consultationId} lapsed on ${d.lapsedOn} without an answer: ${d.consequence === 'deemed-consent' ? 'treated as consent to disclosure' : 'the agency decides on disclosure itself'}.`,
    FeeNoticeIssued: (d) =>
      `${d.noticeOn}: fees notice issued, ${d.method === 'per-item' ? 'per item' : 'by volume'}, ${d.quantity} ${d.method === 'per-item' ? 'item(s)' : 'page(s)'}, ${d.amount} ${d.currency}.${clockWords(profile.fee, 'The days until the fee is paid are not counted', 'The time limit counts again from payment')}`,
    FeePaid: (d) => `${d.paidOn}: fee of ${d.amount} paid, reference ${d.reference}.`,
    FeeLapsed: (d) => `${d.lapsedOn}: the fee was not paid in time; the request is no longer processed (${shortCitation(profile.fee.lapseCitation ?? profile.fee.citation)}).`,
    ExtensionApproved: (d) => {
      const extension = extensionOf(profile, d.kind);
      return `${d.approvedOn}: time limit extended by ${d.amount} ${UNIT_NAMES[extension?.max.unit ?? 'working-days']} (${d.kind}), approved by ${person(d.approver)}; the applicant was told on ${d.applicantNotifiedOn}${extension ? ` (${shortCitation(extension.citation)})` : ''}. Reason: ${d.reason}`;
    },
    CaseReferred: (d) => `${d.referredOn}: referred to ${d.toAgency}${d.scope === 'part' && d.part ? ` (in part: ${d.part})` : ''}; the applicant was told. Reason: ${d.reason}`,
    CaseLinked: (d) => `Linked to case ${d.linkedCaseId} (${d.linkedAgency}): ${RELATION_NAMES[d.relation] ?? d.relation}.`,
    ReferralRefused: (d) => `${d.noticedOn}: ${d.toAgency} could not receive the referred request (${d.problem}): ${sentence(d.detail)} No case was opened there; the applicant still has to be told where to ask.`,
    RequestWithdrawn: (d) => `${d.withdrawnOn}: the applicant withdrew the request${d.reason ? `: ${d.reason}` : ''}.`,
    ReplySubmittedForReview: (d) => `${person(d.submittedBy)} submitted the reply for review. Proposed outcome: ${outcomeWordsEnglish(d.outcome)}`,
    ReplyApproved: (d) => `${person(d.reviewer)} approved the reply${d.note ? `: ${d.note}` : ''}.`,
    ReplyReturned: (d) => `${person(d.reviewer)} returned the reply: ${d.reasons.join('; ')}.`,
    ReplyIssued: (d) => `${d.givenOn}: reply given ${DELIVERY_NAMES[d.delivery] ?? d.delivery}. Outcome: ${outcomeWordsEnglish(d.outcome)}`,
    CaseArchived: (d) => `${d.archivedOn}: archived.`,
    AppealOutcomeRecorded: (d) => `${APPEAL_NAMES[d.kind] ?? d.kind} (${d.reference}): ${APPEAL_RESULTS[d.result] ?? d.result}${d.decidedOn ? `, ${d.decidedOn}` : ''}.`,
    ApplicantRatingRecorded: (d) => `${d.ratedOn}: the applicant rated the reply ${RATING_NAMES[d.rating] ?? d.rating}${d.comment ? `: ${d.comment}` : ''}.`,
    SupervisionInstructed: (d) => `${person(d.supervisor)} instructed (${d.instructionId}): ${d.instruction}${d.respondBy ? `; answer by ${d.respondBy}` : ''}.`,
    SupervisionAnswered: (d) => `Answer to instruction ${d.instructionId}: ${d.answer}`,
    DeadlineOverridden: (d) =>
      `${person(d.approver)} set the due date to ${d.dueDate}; the applicant was told on ${d.applicantNotifiedOn}${profile.lateReplyCitation ? ` (${shortCitation(profile.lateReplyCitation)})` : ` (the agency's own decision: no rule of ${profile.law} provides for it)`}. Reason: ${d.reason}`,
    DeadlineApproaching: (d) => `${d.noticedOn}: ${d.workingDaysLeft} working day(s) left to the due date ${d.dueDate} (alert at ${d.threshold}).`,
    DeadlineMissed: (d) => `The due date ${d.dueDate} passed with no reply by ${d.noticedOn} (${shortCitation(profile.period.citation)}).`,
    DeadlineRecomputed: (d) =>
      `${d.recomputedOn}: the official calendar was amended (${d.previousCalendarVersion} → ${d.calendarVersion}); due date ${d.previousDueDate}${d.previousProvisional ? ' (provisional)' : ''} is now ${d.dueDate}${d.provisional ? ' (provisional)' : ''}. Reason: ${d.reason}`,
  };
}

/**
 * The English words of a profile, citing its sections.
 * @example englishWords(UK_FOIA).describe.DeadlineMissed?.({ dueDate: '2025-11-03', noticedOn: '2025-11-04' }) // 'The due date 2025-11-03 passed with no reply by 2025-11-04 (s.10(1)).'
 */
export function englishWords(profile: JurisdictionProfile): TimelineWords {
  return {
    lang: 'en',
    law: `${profile.title} (${profile.law})`,
    title: 'Information request: case timeline',
    colon: ': ',
    howToVerify:
      'Exported by Disclosure Engine from the case’s event stream. events.jsonl in the same archive lists the events as stored, one per line; each event’s hash = SHA-256(prevHash ‖ canonical JSON of {id, type, version, data, metadata without hash}), and the first event’s prevHash is 64 zeros. Recomputing the whole chain confirms that the record was not altered; manifest.json holds each file’s SHA-256 and the last hash.',
    labels: {
      caseId: 'Case',
      registrationNumber: 'Reference',
      notRegistered: 'not registered',
      agency: 'Agency',
      law: 'Law',
      applicant: 'Applicant',
      request: 'Information requested',
      receivedOn: 'Date of receipt',
      statusNow: 'Status',
      eventCount: 'Events',
      chain: 'Hash chain',
      replay: 'Replay',
      exportedAt: 'Exported',
      exportedBy: 'Exported by',
    },
    eventNames: EVENT_NAMES,
    describe: describe(profile),
    roles: ROLE_NAMES,
    statuses: STATUS_NAMES,
    clocks: CLOCK_NAMES,
    unreplayable: 'cannot be replayed (see the chain check)',
    chain: (chain) =>
      chain.ok
        ? `intact: the hash chain of ${chain.events} events checks out; the last hash is ${chain.lastHash}`
        : `broken at event ${chain.firstBad.revision}: ${BREAK_NAMES[chain.firstBad.reason] ?? chain.firstBad.reason}. The record from there on cannot be taken as the original.`,
    replayStopped: (revision, reason) => `cannot be replayed from event ${revision}: ${reason}`,
    standing: (status, clock) => `${status}${clock ? `, ${clock}` : ''}`,
    entryStanding: (dueDate, standing, recordedWhen) => `Due date after this: ${dueDate ?? '—'}   Status: ${standing}${recordedWhen ? `   Recorded ${recordedWhen}` : ''}`,
    person,
    actor: (p, role) => `${person(p)}, ${ROLE_NAMES[role] ?? role}`,
    entryHead: (e) => `#${e.revision}   ${e.when}   ${e.who}   ${e.name} (${e.type})`,
    page: (document, page, pages) => `${document}   page ${page} of ${pages}`,
  };
}
