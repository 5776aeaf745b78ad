import type { IsoDate } from '@disclosure/calendar';
import type { CaseEventData } from '../events/caseEvents.js';
import type { ClockFacts } from '../clock/clockFacts.js';
import type { ReplyOutcome } from '../outcomes/replyOutcomes.js';
import { initialWorkflow, statusOf, type CaseStatus, type WorkflowSnapshot } from '../workflow/caseWorkflow.js';

type Person = CaseEventData<'CaseAssigned'>['assignee'];

/** A consultation of a third party (第32条) or another agency (第34条). */
export interface Consultation {
  readonly consultationId: string;
  readonly kind: 'third-party' | 'agency';
  readonly with: string;
  readonly noticeOn: IsoDate;
  /** The day the consulted party received the letter: its 15 working days run from here. */
  readonly deliveredOn: IsoDate;
  /** For agencies: co-produced information (第34条) or another consultation. */
  readonly basis?: 'co-produced' | 'other';
  readonly answeredOn?: IsoDate;
  readonly lapsedOn?: IsoDate;
  readonly opinion?: CaseEventData<'ConsultationAnswered'>['opinion'];
}

/** An alert the deadline clock recorded: the due date it was about, and for `approaching` the threshold crossed. */
export interface DeadlineAlert {
  readonly kind: 'approaching' | 'missed';
  readonly dueDate: IsoDate;
  /** Working days ahead (approaching only). */
  readonly threshold?: number;
  readonly noticedOn: IsoDate;
}

/**
 * A case as folded from its events. Immutable: `evolve` returns a new value. This is the write
 * model `decide` works on; the lists caseworkers see are read models built elsewhere.
 */
export interface CaseState {
  readonly workflow: WorkflowSnapshot;
  readonly status: CaseStatus;
  /** Number of events folded (the stream's next expected revision). */
  readonly eventCount: number;
  readonly caseId?: string;
  readonly agency?: string;
  readonly jurisdiction?: string;
  readonly profileId?: string;
  readonly channel?: CaseEventData<'RequestReceived'>['channel'];
  readonly applicant?: CaseEventData<'RequestReceived'>['applicant'];
  readonly request?: CaseEventData<'RequestReceived'>['request'];
  readonly receivedOn?: IsoDate;
  readonly registrationNumber?: string;
  readonly accessCodeDigest?: string;
  readonly assignee?: Person;
  readonly clock?: ClockFacts;
  readonly correction?: { readonly noticeOn: IsoDate; readonly respondBy: IsoDate; readonly receivedOn?: IsoDate };
  readonly corrected: boolean;
  readonly consultations: readonly Consultation[];
  readonly fee?: { readonly noticeOn: IsoDate; readonly amount: number; readonly paidOn?: IsoDate };
  readonly draft?: { readonly outcome: ReplyOutcome; readonly submittedBy: Person };
  readonly approvedBy?: Person;
  readonly reply?: CaseEventData<'ReplyIssued'>;
  readonly referrals: readonly CaseEventData<'CaseReferred'>[];
  readonly links: readonly CaseEventData<'CaseLinked'>[];
  /** Referrals the agency referred to could not receive (`ReferralRefused`), oldest first. */
  readonly referralRefusals: readonly CaseEventData<'ReferralRefused'>[];
  readonly instructions: readonly (CaseEventData<'SupervisionInstructed'> & { readonly answer?: string })[];
  readonly appeals: readonly CaseEventData<'AppealOutcomeRecorded'>[];
  readonly rating?: CaseEventData<'ApplicantRatingRecorded'>;
  readonly closedOn?: IsoDate;
  /** How the request ended, which the annual report counts (表三): a reply, a withdrawal, or a lapse (第30条; 109号). */
  readonly closure?: 'replied' | 'withdrawn' | 'correction-lapsed' | 'fee-lapsed';
  readonly archivedOn?: IsoDate;
  /** Alerts the deadline clock recorded (DeadlineApproaching, DeadlineMissed), oldest first. */
  readonly alerts: readonly DeadlineAlert[];
  /** Due dates moved (or made official) by calendar amendments, oldest first. */
  readonly recomputations: readonly CaseEventData<'DeadlineRecomputed'>[];
}

/** A case before its first event. @example initialCaseState().status // 'new' */
export function initialCaseState(): CaseState {
  const workflow = initialWorkflow();
  return { workflow, status: statusOf(workflow), eventCount: 0, corrected: false, consultations: [], referrals: [], links: [], referralRefusals: [], instructions: [], appeals: [], alerts: [], recomputations: [] };
}
