import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { CaseEventType } from '../events/caseEvents.js';

/**
 * The case workflow (条例 第29–37条; DOMAIN.md § Workflow): the single source of which event may
 * happen in which state. It is used as a pure transition function over recorded events, never as
 * a running actor: no timers, no clock. Time-based rules (windows, lapses) are checked by `decide`.
 *
 * receive → register → process ⇄ (correction · consultation · fee) → review ⇄ process → approved → reply → archive
 * any open state → withdrawn; correction or fee lapsed → abandoned; both → archive.
 */

/** What the workflow remembers beyond its state: counters its guards need. */
export interface WorkflowContext {
  readonly openConsultations: number;
  readonly extensionsLeft: number;
  readonly correctionsLeft: number;
  readonly eventCount: number;
}

/** A machine event: a case event type, plus for `RequestReceived` the limits its profile sets. */
export interface WorkflowEvent {
  readonly type: CaseEventType;
  readonly limits?: { readonly extensions: number; readonly corrections: number };
}

const counted = (target?: string) => ({ ...(target ? { target } : {}), actions: 'count' as const });

/** Events allowed in every open state after registration. */
const openAfterRegistration = {
  CaseAssigned: counted(),
  SupervisionInstructed: counted(),
  SupervisionAnswered: counted(),
  DeadlineOverridden: counted(), // 条例 第35条: an approved, recorded due date
  CaseLinked: counted(),
  RequestWithdrawn: counted('withdrawn'),
};

const extension = { ExtensionApproved: { guard: 'extensionLeft' as const, actions: ['count' as const, 'useExtension' as const] } }; // 条例 第33条: once

export const caseWorkflow = setup({
  types: {} as { context: WorkflowContext; events: WorkflowEvent },
  guards: {
    extensionLeft: ({ context }) => context.extensionsLeft > 0,
    correctionLeft: ({ context }) => context.correctionsLeft > 0,
    lastOpenConsultation: ({ context }) => context.openConsultations <= 1,
  },
  actions: {
    count: assign({ eventCount: ({ context }) => context.eventCount + 1 }),
    setLimits: assign(({ event }) => ({ extensionsLeft: event.limits?.extensions ?? 0, correctionsLeft: event.limits?.corrections ?? 0 })),
    useExtension: assign({ extensionsLeft: ({ context }) => context.extensionsLeft - 1 }),
    useCorrection: assign({ correctionsLeft: ({ context }) => context.correctionsLeft - 1 }),
    openConsultation: assign({ openConsultations: ({ context }) => context.openConsultations + 1 }),
    closeConsultation: assign({ openConsultations: ({ context }) => context.openConsultations - 1 }),
  },
}).createMachine({
  id: 'disclosureCase',
  initial: 'new',
  context: { openConsultations: 0, extensionsLeft: 0, correctionsLeft: 0, eventCount: 0 },
  states: {
    new: { on: { RequestReceived: { target: 'received', actions: ['count', 'setLimits'] } } },
    // 接收: received, waiting to be registered
    received: {
      on: {
        RequestRegistered: counted('processing'), // 登记
        RequestWithdrawn: counted('withdrawn'),
        SupervisionInstructed: counted(),
        SupervisionAnswered: counted(),
      },
    },
    // 办理
    processing: {
      on: {
        ...openAfterRegistration,
        ...extension,
        CorrectionRequested: { target: 'awaitingCorrection', guard: 'correctionLeft', actions: ['count', 'useCorrection'] }, // 第30条 一次性告知
        ThirdPartyConsulted: { target: 'consulting', actions: ['count', 'openConsultation'] }, // 第32条
        AgencyConsulted: { target: 'consulting', actions: ['count', 'openConsultation'] }, // 第34条
        FeeNoticeIssued: counted('awaitingFee'), // 第42条
        CaseReferred: counted(),
        ReplySubmittedForReview: counted('inReview'),
      },
    },
    // 补正: the applicant is asked to correct the request (第30条)
    awaitingCorrection: {
      on: {
        ...openAfterRegistration,
        CorrectionReceived: counted('processing'),
        CorrectionLapsed: counted('abandoned'), // 视为放弃申请
      },
    },
    // 征求意见: the clock is paused while third parties or other agencies answer (第33条第3款)
    consulting: {
      on: {
        ...openAfterRegistration,
        ...extension,
        ThirdPartyConsulted: { actions: ['count', 'openConsultation'] },
        AgencyConsulted: { actions: ['count', 'openConsultation'] },
        ConsultationAnswered: [
          { guard: 'lastOpenConsultation', target: 'processing', actions: ['count', 'closeConsultation'] },
          { actions: ['count', 'closeConsultation'] },
        ],
        ConsultationLapsed: [
          { guard: 'lastOpenConsultation', target: 'processing', actions: ['count', 'closeConsultation'] },
          { actions: ['count', 'closeConsultation'] },
        ],
      },
    },
    // 收费: the clock is paused until payment (109号)
    awaitingFee: {
      on: {
        ...openAfterRegistration,
        FeePaid: counted('processing'),
        FeeLapsed: counted('abandoned'), // 逾期未缴费视为放弃申请
      },
    },
    // 审核
    inReview: {
      on: {
        ...openAfterRegistration,
        ...extension,
        ReplyApproved: counted('approved'),
        ReplyReturned: counted('processing'),
      },
    },
    approved: {
      on: {
        ...openAfterRegistration,
        ...extension,
        ReplyIssued: counted('replied'), // 答复
      },
    },
    replied: {
      on: {
        CaseArchived: counted('archived'),
        AppealOutcomeRecorded: counted(),
        ApplicantRatingRecorded: counted(),
        SupervisionInstructed: counted(),
        SupervisionAnswered: counted(),
        CaseLinked: counted(),
      },
    },
    withdrawn: { on: { CaseArchived: counted('archived'), CaseLinked: counted(), SupervisionAnswered: counted() } },
    abandoned: { on: { CaseArchived: counted('archived'), CaseLinked: counted(), SupervisionAnswered: counted(), AppealOutcomeRecorded: counted() } },
    // 归档: appeals and the applicant's rating can still be recorded
    archived: { on: { AppealOutcomeRecorded: counted(), ApplicantRatingRecorded: counted(), CaseLinked: counted() } },
  },
});

export type WorkflowSnapshot = SnapshotFrom<typeof caseWorkflow>;

/** The workflow states a case can be in. */
export const CASE_STATUSES = ['new', 'received', 'processing', 'awaitingCorrection', 'consulting', 'awaitingFee', 'inReview', 'approved', 'replied', 'withdrawn', 'abandoned', 'archived'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the reply clock still matters (the request is not yet answered or closed). */
export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set(['received', 'processing', 'awaitingCorrection', 'consulting', 'awaitingFee', 'inReview', 'approved']);

/** The workflow before any event. */
export function initialWorkflow(): WorkflowSnapshot {
  return initialTransition(caseWorkflow)[0];
}

/** Whether an event may happen now. @example canHappen(initialWorkflow(), { type: 'RequestReceived' }) // true */
export function canHappen(snapshot: WorkflowSnapshot, event: WorkflowEvent): boolean {
  return snapshot.can(event);
}

/** The workflow after an event; the caller must have checked {@link canHappen}. */
export function advanceWorkflow(snapshot: WorkflowSnapshot, event: WorkflowEvent): WorkflowSnapshot {
  return transition(caseWorkflow, snapshot, event)[0];
}

/** The state a snapshot is in. */
export function statusOf(snapshot: WorkflowSnapshot): CaseStatus {
  return snapshot.value as CaseStatus;
}
