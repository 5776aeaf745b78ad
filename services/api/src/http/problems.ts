import type { DomainError } from '@disclosure/domain';

/** The base of every problem `type` URI. Stable: clients branch on these. */
export const PROBLEM_BASE = 'https://disclosure-engine.dev/problems/';

interface ProblemKind {
  readonly status: number;
  readonly title: string;
}

/**
 * The one error catalogue of the API (RFC 9457 problem types). A code here never changes meaning;
 * a new error kind gets a new code. Domain refusals keep the domain's own codes.
 */
export const PROBLEMS = {
  'validation-failed': { status: 400, title: 'The request does not match its schema' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  'unauthorized': { status: 401, title: 'A valid bearer token is required' },
  'forbidden': { status: 403, title: 'Your role may not do this' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send application/json' },
  'precondition-failed': { status: 412, title: 'The case changed since you read it (If-Match does not match its ETag)' },
  'concurrent-update': { status: 409, title: 'Someone else changed the case at the same time; read it again and retry' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for a different request' },
  'source-reference-reused': { status: 422, title: 'This source reference was already filed with a different request' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'store-unavailable': { status: 503, title: 'A store is unavailable; retry shortly' },
  'internal': { status: 500, title: 'Internal error' },
  // calendar amendments (routes/calendars.ts)
  'conflicting-calendar-entry': { status: 422, title: 'The amendment names one date both a holiday and a working day' },
  // the auditor's replay (routes/audit.ts)
  'case-did-not-exist-yet': { status: 422, title: 'The case did not exist yet at that instant (or the system did not know of it yet)' },
  'history-not-replayable': { status: 409, title: 'The case’s recorded history cannot be replayed to that instant; verify its chain' },
  // provincial platforms and the payment platform (routes/public.ts, routes/payments.ts)
  'no-routing-rule': { status: 422, title: 'No rule of the platform’s routing table names an agency for this request' },
  'routed-agency-not-served': { status: 422, title: 'The routing table sends this request to an agency this instance does not serve' },
  'payment-signature-invalid': { status: 401, title: 'The callback’s Standard Webhooks signature is missing, wrong or expired' },
  'no-open-fee-notice': { status: 422, title: 'The case has no open fee notice of that day to pay' },
  'payment-amount-mismatch': { status: 422, title: 'The amount paid is not the amount of the fee notice' },
  // webhook subscriptions (routes/webhooks.ts)
  'webhook-target-refused': { status: 422, title: 'The webhook URL is not http(s) or reaches a private, loopback or link-local address that is not allow-listed' },
  'webhook-state-conflict': { status: 409, title: 'The subscription or delivery is not in a state that allows this' },
  // domain refusals (packages/domain/src/decider/errors.ts)
  'command-not-allowed': { status: 409, title: 'The workflow does not allow this command in the case’s current state' },
  'wrong-agency': { status: 404, title: 'No such resource' },
  'receipt-evidence-missing': { status: 422, title: 'The channel’s receipt rule needs a date the request does not give (the rule’s source is in citation)' },
  'date-in-future': { status: 422, title: 'A reported date is after today' },
  'date-out-of-order': { status: 422, title: 'A reported date is before the step it answers' },
  'correction-window-closed': { status: 422, title: 'The correction notice is later than the case’s law allows after receipt' },
  'period-still-running': { status: 422, title: 'The period has not run out yet' },
  'extension-refused': { status: 422, title: 'The extension is not available under the case’s law' },
  'approval-required': { status: 403, title: 'Only a supervisor may approve this' },
  'unknown-reference': { status: 422, title: 'No such consultation or instruction, or it is already closed' },
  'self-review-not-allowed': { status: 403, title: 'A draft needs a reviewer other than its author' },
  'outcome-not-applicable': { status: 422, title: 'The outcome does not fit this case' },
  'invalid-value': { status: 422, title: 'A value is not acceptable for this case' },
} as const satisfies Record<string, ProblemKind>;

export type ProblemCode = keyof typeof PROBLEMS;

/** An RFC 9457 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly [extension: string]: unknown;
}

/** An error that the API answers with a problem document. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(readonly code: ProblemCode, detail?: string, readonly extensions: Readonly<Record<string, unknown>> = {}) {
    super(detail ?? PROBLEMS[code].title);
  }
  get status(): number {
    return PROBLEMS[this.code].status;
  }
  toProblem(instance?: string): Problem {
    return { type: PROBLEM_BASE + this.code, title: PROBLEMS[this.code].title, status: this.status, detail: this.message, ...(instance ? { instance } : {}), ...this.extensions };
  }
}

/**
 * A domain refusal as a problem: its code becomes the type, its fields (state, allowed commands,
 * dates…) the extensions a client acts on. Another agency's case is "not found", never "forbidden".
 * @example fromDomainError(new CommandNotAllowed('replied', 'approveReply', ['archiveCase']))
 */
export function fromDomainError(error: DomainError): HttpProblem {
  if (error.code === 'wrong-agency') return new HttpProblem('not-found', 'no such case');
  const code = (error.code in PROBLEMS ? error.code : 'invalid-value') as ProblemCode;
  const { message: _m, name: _n, stack: _s, code: _c, ...fields } = error as unknown as Record<string, unknown>;
  return new HttpProblem(code, error.message, fields);
}
