import type { CaseCommandType, Role } from '@disclosure/domain';
import type { Scope } from '@disclosure/webhooks';

/**
 * The role × route matrix: the one table that says who may do what. One hook enforces it
 * (`app.ts`); a route names its entry in `config.access`. Another agency's case is not found,
 * whatever the role.
 */
const CASEWORK: readonly CaseCommandType[] = [
  'registerRequest',
  'assignCase',
  'requestCorrection',
  'receiveCorrection',
  'lapseCorrection',
  'consultThirdParty',
  'consultAgency',
  'recordConsultationAnswer',
  'lapseConsultation',
  'issueFeeNotice',
  'recordFeePayment',
  'lapseFee',
  'referCase',
  'linkCase',
  'withdrawRequest',
  'submitForReview',
  'issueReply',
  'archiveCase',
  'recordAppealOutcome',
  'recordApplicantRating',
  'answerSupervision',
];

/** Who may issue each case command (the domain then checks the law: e.g. approvals by the OGI office head). */
export const COMMAND_ROLES: Readonly<Record<Exclude<CaseCommandType, 'receiveRequest'>, readonly Role[]>> = {
  ...(Object.fromEntries(CASEWORK.map((c) => [c, ['caseworker', 'supervisor']])) as Record<(typeof CASEWORK)[number], Role[]>),
  approveReply: ['reviewer', 'supervisor'],
  returnReply: ['reviewer', 'supervisor'],
  approveExtension: ['supervisor'],
  overrideDeadline: ['supervisor'],
  instructSupervision: ['supervisor'],
};

const READERS: readonly Role[] = ['caseworker', 'reviewer', 'supervisor', 'auditor'];

/** Route access entries. `public` needs no token. */
export const ROUTE_ROLES = {
  'cases.create': ['caseworker', 'supervisor'],
  'cases.list': READERS,
  'cases.get': [...READERS, 'integrator'],
  'cases.deadline': READERS,
  'queue': ['caseworker', 'reviewer', 'supervisor'],
  'agency.stats': ['supervisor', 'auditor', 'admin'],
  'intake': ['integrator'],
  // 可督办: cases due within days or late, and instructions awaiting an answer
  'supervision.queue': ['supervisor', 'auditor'],
  // the official calendar: amendments (a year's 放假安排) recompute open cases' due dates
  'calendars.read': ['admin', 'supervisor', 'auditor'],
  'calendars.amend': ['admin'],
  // the auditor replays a case from its stream, read-only; every access is itself recorded (routes/audit.ts)
  'audit.history': ['auditor'],
  'audit.asOf': ['auditor'],
  'audit.verify': ['auditor'],
  'audit.export': ['auditor'],
  // webhook subscriptions of other government systems: their own agency's, read and managed
  'webhooks.read': ['integrator'],
  'webhooks.manage': ['integrator'],
  // a subscription that receives applicants' personal data (its `applicant-data` scope): an explicit
  // grant beside webhooks.manage, never implied by the integrator role
  'webhooks.applicant-data': ['applicant-data-recipient'],
  'public': [],
} as const satisfies Record<string, readonly Role[]>;

export type RouteAccess = keyof typeof ROUTE_ROLES | `command.${Exclude<CaseCommandType, 'receiveRequest'>}`;

/** The access entry a webhook subscription's scope needs besides `webhooks.manage`, checked when a subscription asks for it. */
export const SCOPE_ACCESS = { 'applicant-data': 'webhooks.applicant-data' } as const satisfies Record<Scope, RouteAccess>;

/** The roles a route (or a command route) admits. */
export function rolesFor(access: RouteAccess): readonly Role[] {
  if (access.startsWith('command.')) return COMMAND_ROLES[access.slice('command.'.length) as keyof typeof COMMAND_ROLES];
  return ROUTE_ROLES[access as keyof typeof ROUTE_ROLES];
}

/** The role a principal acts in for a route: the first of its roles the route admits. */
export function actingRole(roles: readonly Role[], access: RouteAccess): Role | undefined {
  const admitted = rolesFor(access);
  return roles.find((r) => admitted.includes(r));
}
