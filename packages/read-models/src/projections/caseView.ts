import type { CalendarRegistry } from '@disclosure/calendar';
import { deadlineOf, OPEN_STATUSES, overdueFromOf, reportRowOf, OTHER_GROUNDS, OUTCOME_LABELS, type CaseState } from '@disclosure/domain';
import type { Insertable } from 'kysely';
import type { AgencyStatsTable, AnnualFactsTable, CasesTable, PublicStatusTable } from '../db/schema.js';

/** Where a case's stream stood when the view was taken. */
export interface StreamMark {
  readonly revision: number;
  readonly position: bigint;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The agency-local year of the newest event (open cases reach into it in the annual facts). */
  readonly lastEventYear: number;
}

export type StatsVector = Omit<AgencyStatsTable, 'agency'>;

/** Every read-model row one case contributes, derived from its folded state: one source for all projections. */
export interface CaseView {
  readonly caseId: string;
  readonly agency: string;
  readonly cases: Insertable<CasesTable>;
  readonly publicStatus: Insertable<PublicStatusTable> | null;
  readonly stats: StatsVector;
  readonly annualFacts: readonly Insertable<AnnualFactsTable>[];
}

const PUBLIC_STATUS: Readonly<Record<string, string>> = {
  received: 'received',
  processing: 'processing',
  consulting: 'processing',
  inReview: 'processing',
  approved: 'processing',
  awaitingCorrection: 'awaiting-correction',
  awaitingFee: 'awaiting-fee',
  replied: 'replied',
  withdrawn: 'withdrawn',
  abandoned: 'closed',
};

const otherRow = (ground: keyof typeof OTHER_GROUNDS) => `${OUTCOME_LABELS.other}/${OTHER_GROUNDS[ground]}`;

/** The 表三 row a closed case is counted in. */
export function closureRow(state: CaseState): string | null {
  switch (state.closure) {
    case 'replied':
      return reportRowOf(state.reply!.outcome);
    case 'correction-lapsed':
      return otherRow('correction-lapsed');
    case 'fee-lapsed':
      return otherRow('fee-lapsed');
    case 'withdrawn':
      return otherRow('other');
    default:
      return null;
  }
}

const zeroStats = (): StatsVector => ({
  received: 0,
  open_cases: 0,
  replies: 0,
  replies_on_time: 0,
  withdrawn: 0,
  abandoned: 0,
  outcome_disclosed: 0,
  outcome_partly_disclosed: 0,
  outcome_withheld: 0,
  outcome_cannot_provide: 0,
  outcome_not_handled: 0,
  outcome_other: 0,
});

const OUTCOME_COLUMN: Readonly<Record<string, keyof StatsVector>> = {
  disclosed: 'outcome_disclosed',
  'partly-disclosed': 'outcome_partly_disclosed',
  withheld: 'outcome_withheld',
  'cannot-provide': 'outcome_cannot_provide',
  'not-handled': 'outcome_not_handled',
  other: 'outcome_other',
};

/**
 * The rows of every projection for one case.
 * @example caseView(foldCase(events, initialCaseState()), mark, calendars).cases.due_date
 */
export function caseView(state: CaseState, mark: StreamMark, calendars: CalendarRegistry): CaseView {
  const deadline = deadlineOf(state, { calendars });
  const open = OPEN_STATUSES.has(state.status);
  const overdueFrom = open ? overdueFromOf(state.clock!, { calendars }, deadline) : null;
  const replied = state.closure === 'replied' ? state.reply! : undefined;
  const onTime = replied && deadline.dueDate ? replied.givenOn <= deadline.dueDate : null;
  const outcomeKind = replied?.outcome.kind ?? null;
  const row = closureRow(state);
  const cases: Insertable<CasesTable> = {
    case_id: state.caseId!,
    agency: state.agency!,
    registration_number: state.registrationNumber ?? null,
    applicant_kind: state.applicant!.kind,
    applicant_name: state.applicant!.name,
    channel: state.channel!,
    profile_id: state.profileId!,
    description: state.request!.description,
    status: state.status,
    is_open: open,
    assignee_id: state.assignee?.id ?? null,
    assignee_name: state.assignee?.name ?? null,
    received_on: state.receivedOn!,
    due_date: deadline.dueDate,
    overdue_from: overdueFrom,
    clock_facts: state.clock!,
    period_ends_on: deadline.periodEndsOn,
    provisional: deadline.provisional,
    missing_years: deadline.missingYears.join(','),
    clock_status: deadline.status,
    outcome_kind: outcomeKind,
    outcome_row: row,
    replied_on: replied?.givenOn ?? null,
    on_time: onTime,
    closed_on: state.closedOn ?? null,
    archived_on: state.archivedOn ?? null,
    calendar_version: deadline.calendarVersion,
    profile_version: deadline.profileVersion,
    revision: mark.revision,
    last_position: mark.position.toString(),
    created_at: mark.createdAt,
    updated_at: mark.updatedAt,
    alerts: state.alerts,
    open_instructions: state.instructions.filter((i) => i.answer === undefined).length,
  };
  const publicStatus: Insertable<PublicStatusTable> | null =
    state.registrationNumber && state.accessCodeDigest
      ? {
          registration_number: state.registrationNumber,
          access_code_digest: state.accessCodeDigest,
          agency: state.agency!,
          case_id: state.caseId!,
          status: PUBLIC_STATUS[state.status === 'archived' ? archivedAs(state) : state.status] ?? 'processing',
          received_on: state.receivedOn!,
          due_date: open ? deadline.dueDate : null,
          overdue_from: overdueFrom,
          clock_facts: state.clock!,
          replied_on: replied?.givenOn ?? null,
          outcome_kind: outcomeKind,
          updated_at: mark.updatedAt,
          last_position: mark.position.toString(),
        }
      : null;
  const stats = zeroStats();
  stats.received = 1;
  if (open) stats.open_cases = 1;
  if (replied) {
    stats.replies = 1;
    if (onTime) stats.replies_on_time = 1;
    stats[OUTCOME_COLUMN[replied.outcome.kind]!] = 1;
  }
  if (state.closure === 'withdrawn') stats.withdrawn = 1;
  if (state.closure === 'correction-lapsed' || state.closure === 'fee-lapsed') stats.abandoned = 1;

  const receivedYear = Number(state.receivedOn!.slice(0, 4));
  const closedYear = state.closedOn ? Number(state.closedOn.slice(0, 4)) : undefined;
  const lastYear = Math.max(receivedYear, closedYear ?? mark.lastEventYear);
  const annualFacts: Insertable<AnnualFactsTable>[] = [];
  for (let year = receivedYear; year <= lastYear; year++)
    annualFacts.push({
      case_id: state.caseId!,
      year,
      agency: state.agency!,
      applicant_kind: state.applicant!.kind,
      is_new: year === receivedYear,
      carried_in: year > receivedYear,
      outcome_row: closedYear === year ? row : null,
      carried_forward: closedYear === undefined || closedYear > year,
    });
  return { caseId: state.caseId!, agency: state.agency!, cases, publicStatus, stats, annualFacts };
}

function archivedAs(state: CaseState): string {
  if (state.closure === 'withdrawn') return 'withdrawn';
  if (state.closure === 'replied') return 'replied';
  return 'abandoned';
}

/** The difference two views make to an agency's counters (after − before). */
export function statsDelta(before: CaseView | null, after: CaseView | null): StatsVector {
  const d = zeroStats();
  for (const key of Object.keys(d) as (keyof StatsVector)[]) d[key] = (after?.stats[key] ?? 0) - (before?.stats[key] ?? 0);
  return d;
}
