import { randomUUID } from 'node:crypto';
import type { EventStore } from '@disclosure/event-store';

/** The type of the event that records an auditor's look at a case. Not a case event: the projector skips it. */
export const CASE_ACCESSED_BY_AUDITOR = 'CaseAccessedByAuditor';

/** What an auditor looked at: the four auditor endpoints of `routes/audit.ts`. */
export type AuditedEndpoint = 'history' | 'as-of' | 'verify' | 'export';

/** One look at a case, as the audit stream records it. */
export interface CaseAccess {
  readonly caseId: string;
  readonly agency: string;
  readonly endpoint: AuditedEndpoint;
  readonly viewer: { readonly id: string; readonly name?: string };
  readonly role: string;
  /** When it was looked at (the server's clock). */
  readonly at: string;
  /** The instants asked for (`as-of`), so the record says what was seen. */
  readonly query?: Readonly<Record<string, string>>;
  readonly requestId: string;
}

/**
 * The stream that records who looked at an agency's cases: one per agency, hash-chained like a
 * case stream, verified with the agency's cases by `disclosure verify`.
 * @example auditStreamOf('demo') // 'audit-demo'
 */
export const auditStreamOf = (agency: string) => `audit-${agency}`;

/**
 * Records an auditor's look at a case in the agency's audit stream, before anything is shown
 * (a look that cannot be recorded is not answered). Appended with `any`: looks at several cases
 * at once all land, in whatever order they commit.
 * @example await recordCaseAccess(store, { caseId, agency: 'demo', endpoint: 'history', viewer: { id: 'au-1' }, role: 'auditor', at, requestId }, correlationId)
 */
export async function recordCaseAccess(store: EventStore, access: CaseAccess, correlationId: string): Promise<void> {
  await store.append(
    auditStreamOf(access.agency),
    [
      {
        id: randomUUID(),
        type: CASE_ACCESSED_BY_AUDITOR,
        version: 1,
        data: access,
        metadata: { actor: access.viewer.id, agency: access.agency, role: access.role, correlationId, causationId: null, occurredAt: access.at },
      },
    ],
    { expectedRevision: 'any' },
  );
}
