import type { ClockFacts, DeadlineAlert } from '@disclosure/domain';
import type { ColumnType, Generated } from 'kysely';

type Day = ColumnType<string, string, string>; // a `date`, read back as YYYY-MM-DD
type Big = ColumnType<string, string | bigint, string | bigint>; // bigint positions travel as text
type Stamp = ColumnType<string, string, string>;
/** The clock facts of the case (jsonb), from which its due date on any day is computed. */
type Facts = ColumnType<ClockFacts, ClockFacts, ClockFacts>;
/** The alerts the deadline clock recorded on the case (jsonb). */
type Alerts = ColumnType<DeadlineAlert[], readonly DeadlineAlert[], readonly DeadlineAlert[]>;

/** One row per case: what caseworkers list, filter and sort. */
export interface CasesTable {
  case_id: string;
  agency: string;
  registration_number: string | null;
  applicant_kind: string;
  applicant_name: string;
  channel: string;
  profile_id: string;
  description: string;
  status: string;
  is_open: boolean;
  assignee_id: string | null;
  assignee_name: string | null;
  received_on: Day;
  /** The due date as the last event left it (an open pause counted up to its notice day). */
  due_date: Day | null;
  /** The first day the case is late if nothing more is recorded (domain `overdueFrom`); null when only an event can make it late. */
  overdue_from: Day | null;
  clock_facts: Facts | null;
  period_ends_on: Day | null;
  provisional: boolean;
  missing_years: string;
  clock_status: string;
  outcome_kind: string | null;
  outcome_row: string | null;
  replied_on: Day | null;
  on_time: boolean | null;
  closed_on: Day | null;
  archived_on: Day | null;
  calendar_version: string;
  profile_version: string;
  revision: number;
  last_position: Big;
  created_at: Stamp;
  updated_at: Stamp;
  /** Null only in a row written before migration 0004, until the projection has replayed. */
  alerts: Alerts | null;
  /** Supervision instructions (督办) not yet answered. */
  open_instructions: ColumnType<number, number | undefined, number>;
}

/** What an applicant may see by registration number and access code: no names, no notes. */
export interface PublicStatusTable {
  registration_number: string;
  access_code_digest: string;
  agency: string;
  case_id: string;
  status: string;
  received_on: Day;
  due_date: Day | null;
  overdue_from: Day | null;
  clock_facts: Facts | null;
  replied_on: Day | null;
  outcome_kind: string | null;
  updated_at: Stamp;
  /** The position of the case's last event folded into the row (a replay only replaces a row it has reached). */
  last_position: Big;
}

/** Counters per agency; time-dependent figures (due this week, overdue) are computed from `cases` when asked. */
export interface AgencyStatsTable {
  agency: string;
  received: number;
  open_cases: number;
  replies: number;
  replies_on_time: number;
  withdrawn: number;
  abandoned: number;
  outcome_disclosed: number;
  outcome_partly_disclosed: number;
  outcome_withheld: number;
  outcome_cannot_provide: number;
  outcome_not_handled: number;
  outcome_other: number;
}

/** One row per case per calendar year it was open in: the base of the annual report's 表三. */
export interface AnnualFactsTable {
  case_id: string;
  year: number;
  agency: string;
  applicant_kind: string;
  is_new: boolean;
  carried_in: boolean;
  outcome_row: string | null;
  carried_forward: boolean;
}

export interface ProjectionCheckpointsTable {
  projection: string;
  position: Big;
  events: Big;
  updated_at: Stamp;
}

export interface ParkedEventsTable {
  id: Generated<number>;
  projection: string;
  position: Big;
  case_id: string;
  event_type: string;
  error: string;
  parked_at: Stamp;
}

/** The work queue and the deadline list are views over `cases`: other orderings of the same rows. */
export interface WorkQueueView {
  case_id: string;
  agency: string;
  assignee_id: string | null;
  registration_number: string | null;
  status: string;
  due_date: Day | null;
  overdue_from: Day | null;
  provisional: boolean;
  clock_status: string;
  clock_facts: Facts | null;
}

export interface DeadlinesView {
  case_id: string;
  agency: string;
  due_date: Day;
  overdue_from: Day | null;
  provisional: boolean;
  clock_status: string;
  clock_facts: Facts | null;
  registration_number: string | null;
  status: string;
  assignee_id: string | null;
  assignee_name: string | null;
  calendar_version: string;
  alerts: Alerts | null;
  open_instructions: number;
}

/** A calendar amendment whose open cases the deadline clock has recomputed (DeadlineRecomputed recorded where the due date changed). */
export interface CalendarRecomputationsTable {
  calendar_version: string;
  calendar_id: string;
  previous_version: string;
  reason: string;
  /** How many cases got a DeadlineRecomputed event. */
  recomputed: number;
  completed_at: Stamp;
}

/** The next registration number per agency and year (`{agency}-{year}-{seq}`). */
export interface RegistrationSequencesTable {
  agency: string;
  year: number;
  last: number;
}

/** The first answer to a POST with an Idempotency-Key, replayed to retries. */
export interface IdempotencyKeysTable {
  agency: string;
  key: string;
  request_hash: string;
  status_code: number;
  response: string;
  created_at: Stamp;
}

export interface ReadModelDatabase {
  registration_sequences: RegistrationSequencesTable;
  idempotency_keys: IdempotencyKeysTable;
  cases: CasesTable;
  public_status: PublicStatusTable;
  agency_stats: AgencyStatsTable;
  annual_facts: AnnualFactsTable;
  projection_checkpoints: ProjectionCheckpointsTable;
  parked_events: ParkedEventsTable;
  calendar_recomputations: CalendarRecomputationsTable;
  work_queue: WorkQueueView;
  deadlines: DeadlinesView;
}
