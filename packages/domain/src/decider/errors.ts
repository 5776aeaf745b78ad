import type { IsoDate, ReceiptRule } from '@disclosure/calendar';
import type { CaseStatus } from '../workflow/caseWorkflow.js';

/**
 * A command the domain refuses. Every refusal is a small named class with a stable `code` (the
 * API maps it to a problem+json `type`) and the data a caller needs to act on it.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** The workflow does not allow this command in the case's current state. */
export class CommandNotAllowed extends DomainError {
  readonly code = 'command-not-allowed';
  override readonly name = 'CommandNotAllowed';
  constructor(readonly state: CaseStatus, readonly command: string, readonly allowed: readonly string[]) {
    super(`${command} is not allowed while the case is ${state}; allowed: ${allowed.join(', ') || 'nothing'}`);
  }
}

/** The command belongs to another agency's case. */
export class WrongAgency extends DomainError {
  readonly code = 'wrong-agency';
  override readonly name = 'WrongAgency';
  constructor(readonly caseAgency: string, readonly actorAgency: string) {
    super(`the case belongs to ${caseAgency}, not ${actorAgency}`);
  }
}

/** The day each receipt rule names, in the words of a refusal. */
const RECEIPT_DAY: Readonly<Record<ReceiptRule, string>> = {
  'handed-in': 'it was handed in',
  'signed-for': 'the agency signed for it',
  'confirmed-with-applicant': 'receipt was confirmed with the applicant',
  'confirmed-by-both': 'both sides confirmed it',
  'stated-by-sender': 'the sending system states',
  arrived: 'it arrived',
};

/**
 * The channel's receipt rule needs a fact the command does not give; `citation` names the rule's
 * source in the profile's law (条例 第31条, FOIA s.10(6), …).
 */
export class ReceiptEvidenceMissing extends DomainError {
  readonly code = 'receipt-evidence-missing';
  override readonly name = 'ReceiptEvidenceMissing';
  constructor(readonly channel: string, readonly rule: ReceiptRule, readonly field: string, readonly citation: string) {
    super(`a request by ${channel} is received on the day ${RECEIPT_DAY[rule]} (${citation}): evidence.${field} is required`);
  }
}

/** A reported date is after the day the command is given. */
export class DateInFuture extends DomainError {
  readonly code = 'date-in-future';
  override readonly name = 'DateInFuture';
  constructor(readonly field: string, readonly date: IsoDate, readonly today: IsoDate) {
    super(`${field} ${date} is after today (${today})`);
  }
}

/** A reported date is before the step it answers. */
export class DateOutOfOrder extends DomainError {
  readonly code = 'date-out-of-order';
  override readonly name = 'DateOutOfOrder';
  constructor(readonly field: string, readonly date: IsoDate, readonly notBefore: IsoDate) {
    super(`${field} ${date} is before ${notBefore}`);
  }
}

/** The correction notice is late: it must go out within the window after receipt the case's law sets (条例 第30条: 7个工作日内). */
export class CorrectionWindowClosed extends DomainError {
  readonly code = 'correction-window-closed';
  override readonly name = 'CorrectionWindowClosed';
  constructor(readonly windowEndedOn: IsoDate, readonly citation: string) {
    super(`a correction notice had to go out by ${windowEndedOn} (${citation})`);
  }
}

/** A lapse is recorded before its period has run out. */
export class PeriodStillRunning extends DomainError {
  readonly code = 'period-still-running';
  override readonly name = 'PeriodStillRunning';
  constructor(readonly what: string, readonly endsOn: IsoDate) {
    super(`the ${what} period runs until ${endsOn}; it cannot lapse before then`);
  }
}

/** The extension is not available, too long, or too late (条例 第33条第2款). */
export class ExtensionRefused extends DomainError {
  readonly code = 'extension-refused';
  override readonly name = 'ExtensionRefused';
  constructor(readonly reason: 'unknown-kind' | 'too-long' | 'after-due-date', readonly detail: { readonly kind?: string; readonly max?: number; readonly dueDate?: IsoDate | null }) {
    super(
      reason === 'unknown-kind'
        ? `this law has no extension of kind ${detail.kind}`
        : reason === 'too-long'
          ? `an extension is at most ${detail.max}`
          : `an extension must be approved on or before the due date ${detail.dueDate}`,
    );
  }
}

/** The step needs the approval of a supervisor (under 条例, the head of the OGI office), not of this role. */
export class ApprovalRequired extends DomainError {
  readonly code = 'approval-required';
  override readonly name = 'ApprovalRequired';
  constructor(readonly command: string, readonly role: string, readonly citation: string) {
    super(`${command} must be approved by a supervisor, not a ${role} (${citation})`);
  }
}

/** No open consultation (or supervision instruction) with that id, or a duplicate id. */
export class UnknownReference extends DomainError {
  readonly code = 'unknown-reference';
  override readonly name = 'UnknownReference';
  constructor(readonly what: 'consultation' | 'instruction', readonly id: string, readonly problem: 'not-found' | 'duplicate' | 'closed') {
    super(`${what} ${id}: ${problem.replace('-', ' ')}`);
  }
}

/** The reviewer drafted the reply: review needs a second person (审核). */
export class SelfReviewNotAllowed extends DomainError {
  readonly code = 'self-review-not-allowed';
  override readonly name = 'SelfReviewNotAllowed';
  constructor(readonly actorId: string) {
    super(`${actorId} submitted this draft and cannot review it`);
  }
}

/** The outcome does not fit the case (e.g. 补正后仍不明确 without a correction). */
export class OutcomeNotApplicable extends DomainError {
  readonly code = 'outcome-not-applicable';
  override readonly name = 'OutcomeNotApplicable';
  constructor(readonly outcome: string, readonly reason: string) {
    super(`${outcome}: ${reason}`);
  }
}

/** A value the command gave is not acceptable for this case. */
export class InvalidValue extends DomainError {
  readonly code = 'invalid-value';
  override readonly name = 'InvalidValue';
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** Whether a value is a domain refusal. */
export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}

/** A stored stream holds an event its workflow does not allow: the history is corrupt. */
export class InvalidEventSequence extends Error {
  override readonly name = 'InvalidEventSequence';
  constructor(readonly state: CaseStatus, readonly eventType: string, readonly index: number) {
    super(`event ${index} (${eventType}) cannot follow state ${state}`);
  }
}
