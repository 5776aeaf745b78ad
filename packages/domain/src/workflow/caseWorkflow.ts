import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { CaseEventType } from '../events/caseEvents.js';

/**
 * The case workflow (条例 第29–37条; DOMAIN.md § Workflow): the single source of which event may
 * happen in which state. It is used as a pure transition function over recorded events, never as
 * a running actor: no timers, no clock. Time-based rules (windows, lapses) are checked by `decide`.
 *
 * receive → register → process ⇄ (correction · consultation · fee) → review ⇄ process → approved → reply → archive
 * any open state → withdrawn; correction or fee lapsed → abandoned (a fee lapse undone by a payment made in
 * time and reported late → processing); both → archive.
 */

/** What the workflow remembers beyond its state: counters its guards need. */
export interface WorkflowContext {
  readonly openConsultations: number;
  readonly extensionsLeft: number;
  readonly correctionsLeft: number;
  /** Abandoned by a fee lapse: a payment made within the period, reported after it, reopens the case. */
  readonly feeLapsed: boolean;
  /** Flips with every accepted event, so a refused event is visible as an unchanged parity. */
  readonly parity: 0 | 1;
}

/** A machine event: a case event type, plus for `RequestReceived` the limits its profile sets. */
export interface WorkflowEvent {
  readonly type: CaseEventType;
  readonly limits?: { readonly extensions: number; readonly corrections: number };
}

const counted = (target?: string) => ({ ...(target ? { target } : {}), actions: 'touch' as const });

/** What the deadline clock records, in every open state: the reply is not yet given (条例 第33条). */
const deadlineClock = {
  DeadlineApproaching: counted(),
  DeadlineMissed: counted(),
  DeadlineRecomputed: counted(),
};

/** Events allowed in every open state after registration. */
const openAfterRegistration = {
  ...deadlineClock,
  CaseAssigned: counted(),
  SupervisionInstructed: counted(),
  SupervisionAnswered: counted(),
  DeadlineOverridden: counted(), // 条例 第35条: a reasonable later date for an excessive request, approved and notified
  CaseLinked: counted(),
  ReferralRefused: counted(), // a referral made in processing may be refused by its agency at any later step
  RequestWithdrawn: counted('withdrawn'),
};

const extension = { ExtensionApproved: { guard: 'extensionLeft' as const, actions: ['touch' as const, 'useExtension' as const] } }; // 条例 第33条第2款 caps the length; allowing it once is our reading

export const caseWorkflow = setup({
  types: {} as { context: WorkflowContext; events: WorkflowEvent },
  guards: {
    extensionLeft: ({ context }) => context.extensionsLeft > 0,
    correctionLeft: ({ context }) => context.correctionsLeft > 0,
    lastOpenConsultation: ({ context }) => context.openConsultations <= 1,
    feeLapsed: ({ context }) => context.feeLapsed,
  },
  actions: {
    touch: assign({ parity: ({ context }) => (context.parity === 0 ? 1 : 0) }),
    setLimits: assign(({ event }) => ({ extensionsLeft: event.limits?.extensions ?? 0, correctionsLeft: event.limits?.corrections ?? 0 })),
    useExtension: assign({ extensionsLeft: ({ context }) => context.extensionsLeft - 1 }),
    useCorrection: assign({ correctionsLeft: ({ context }) => context.correctionsLeft - 1 }),
    openConsultation: assign({ openConsultations: ({ context }) => context.openConsultations + 1 }),
    closeConsultation: assign({ openConsultations: ({ context }) => context.openConsultations - 1 }),
    markFeeLapsed: assign({ feeLapsed: true }),
    clearFeeLapsed: assign({ feeLapsed: false }),
  },
}).createMachine({
  id: 'disclosureCase',
  initial: 'new',
  context: { openConsultations: 0, extensionsLeft: 0, correctionsLeft: 0, feeLapsed: false, parity: 0 },
  states: {
    new: { on: { RequestReceived: { target: 'received', actions: ['touch', 'setLimits'] } } },
    // 接收: received, waiting to be registered
    received: {
      on: {
        RequestRegistered: counted('processing'), // 登记
        RequestWithdrawn: counted('withdrawn'),
        SupervisionInstructed: counted(),
        SupervisionAnswered: counted(),
        CaseLinked: counted(), // a referred request arrives linked to the case it was referred from (会商/转办)
        ...deadlineClock,
      },
    },
    // 办理
    processing: {
      on: {
        ...openAfterRegistration,
        ...extension,
        CorrectionRequested: { target: 'awaitingCorrection', guard: 'correctionLeft', actions: ['touch', 'useCorrection'] }, // 第30条 一次性告知 (one notice with every item; one notice per request is our reading)
        ThirdPartyConsulted: { target: 'consulting', actions: ['touch', 'openConsultation'] }, // 第32条
        AgencyConsulted: { target: 'consulting', actions: ['touch', 'openConsultation'] }, // 第34条
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
        ThirdPartyConsulted: { actions: ['touch', 'openConsultation'] },
        AgencyConsulted: { actions: ['touch', 'openConsultation'] },
        ConsultationAnswered: [
          { guard: 'lastOpenConsultation', target: 'processing', actions: ['touch', 'closeConsultation'] },
          { actions: ['touch', 'closeConsultation'] },
        ],
        ConsultationLapsed: [
          { guard: 'lastOpenConsultation', target: 'processing', actions: ['touch', 'closeConsultation'] },
          { actions: ['touch', 'closeConsultation'] },
        ],
      },
    },
    // 收费: the clock is paused until payment (109号)
    awaitingFee: {
      on: {
        ...openAfterRegistration,
        FeePaid: counted('processing'),
        FeeLapsed: { target: 'abandoned', actions: ['touch', 'markFeeLapsed'] }, // 逾期未缴费视为放弃申请
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
        ReferralRefused: counted(),
      },
    },
    withdrawn: { on: { CaseArchived: counted('archived'), CaseLinked: counted(), ReferralRefused: counted(), SupervisionAnswered: counted() } },
    abandoned: {
      on: {
        CaseArchived: counted('archived'),
        CaseLinked: counted(),
        ReferralRefused: counted(),
        SupervisionAnswered: counted(),
        AppealOutcomeRecorded: counted(),
        // a payment made within the period but reported after the lapse was recorded: the request was never abandoned
        FeePaid: { guard: 'feeLapsed', target: 'processing', actions: ['touch', 'clearFeeLapsed'] },
      },
    },
    // 归档: appeals and the applicant's rating can still be recorded
    archived: { on: { AppealOutcomeRecorded: counted(), ApplicantRatingRecorded: counted(), CaseLinked: counted(), ReferralRefused: counted() } },
  },
});

export type WorkflowSnapshot = SnapshotFrom<typeof caseWorkflow>;

/** The workflow states a case can be in. */
export const CASE_STATUSES = ['new', 'received', 'processing', 'awaitingCorrection', 'consulting', 'awaitingFee', 'inReview', 'approved', 'replied', 'withdrawn', 'abandoned', 'archived'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the reply clock still matters (the request is not yet answered or closed). */
export const OPEN_STATUSES: ReadonlySet<CaseStatus> = new Set(['received', 'processing', 'awaitingCorrection', 'consulting', 'awaitingFee', 'inReview', 'approved']);

const INITIAL = initialTransition(caseWorkflow)[0];

/** The workflow before any event (one shared, immutable snapshot). */
export function initialWorkflow(): WorkflowSnapshot {
  return INITIAL;
}

// Snapshots are immutable and the context is a handful of small counters, so the machine's answer
// for (state, counters, event) is memoised: the machine stays the only source of the rules, and
// folding a long history costs a map lookup per event instead of a machine step.
const MEMO_LIMIT = 10_000;
const advanced = new Map<string, WorkflowSnapshot>();
const allowed = new Map<string, boolean>();

function keyOf(snapshot: WorkflowSnapshot, event: WorkflowEvent): string {
  const c = snapshot.context;
  const limits = event.limits ? `${event.limits.extensions}/${event.limits.corrections}` : '';
  return `${String(snapshot.value)}|${c.openConsultations}|${c.extensionsLeft}|${c.correctionsLeft}|${c.feeLapsed ? 1 : 0}|${c.parity}|${event.type}|${limits}`;
}

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

/** Whether an event may happen now. @example canHappen(initialWorkflow(), { type: 'RequestReceived' }) // true */
export function canHappen(snapshot: WorkflowSnapshot, event: WorkflowEvent): boolean {
  const key = keyOf(snapshot, event);
  return allowed.get(key) ?? remember(allowed, key, snapshot.can(event));
}

/** The workflow after an event; a refused event leaves the snapshot as it was (same parity). */
export function advanceWorkflow(snapshot: WorkflowSnapshot, event: WorkflowEvent): WorkflowSnapshot {
  const key = keyOf(snapshot, event);
  return advanced.get(key) ?? remember(advanced, key, transition(caseWorkflow, snapshot, event)[0]);
}

/** Whether `after` is `before` advanced by an accepted event. */
export function accepted(before: WorkflowSnapshot, after: WorkflowSnapshot): boolean {
  return before.context.parity !== after.context.parity;
}

/** The state a snapshot is in. */
export function statusOf(snapshot: WorkflowSnapshot): CaseStatus {
  return snapshot.value as CaseStatus;
}
