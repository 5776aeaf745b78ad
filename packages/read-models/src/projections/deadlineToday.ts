import type { CalendarRegistry, IsoDate } from '@disclosure/calendar';
import { deadlineToday, type ClockFacts } from '@disclosure/domain';

/** The clock columns a `cases`, `work_queue` or `public_status` row carries. */
export interface RowClock {
  readonly due_date: IsoDate | null;
  /** Null only in a row written before migration 0003, until its projection has replayed. */
  readonly clock_facts: ClockFacts | null;
}

/** A row's due date on one day and where it stands: the figures a list, a queue and the status page show. */
export interface RowDeadline {
  readonly dueDate: IsoDate | null;
  readonly clockStatus: string;
  readonly overdue: boolean;
  readonly workingDaysLeft: number | null;
}

/**
 * A row's due date as of `today`. A stored due date goes stale while a pause is open (each paused
 * day moves it on), and working days left change every day without any event: both are computed
 * here from the clock facts the row keeps, by the domain's own clock; a closed case keeps its date.
 * @example rowDeadline(row, '2025-11-05', calendars) // { dueDate: '2025-11-06', clockStatus: 'paused', overdue: false, workingDaysLeft: 1 }
 */
export function rowDeadline(row: RowClock, today: IsoDate, calendars: CalendarRegistry): RowDeadline {
  if (row.clock_facts === null) return { dueDate: row.due_date, clockStatus: 'unknown', overdue: false, workingDaysLeft: null };
  if (row.clock_facts.stoppedOn !== undefined) return { dueDate: row.due_date, clockStatus: 'stopped', overdue: false, workingDaysLeft: null };
  const d = deadlineToday(row.clock_facts, { calendars }, today);
  return { dueDate: d.dueDate, clockStatus: d.status, overdue: d.overdue, workingDaysLeft: d.workingDaysLeft };
}
