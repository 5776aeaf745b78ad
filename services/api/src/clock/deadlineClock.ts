import type { Kysely } from 'kysely';
import { BUILTIN_PROFILES, profileById, type CalendarChange, type CalendarRegistry, type IsoDate } from '@disclosure/calendar';
import { clockEventsDue, deadlineRecomputation, DEFAULT_ALERT_THRESHOLDS, DEFAULT_FEE_SETTLEMENT_DAYS, localDate, type CaseEvent, type CaseStatus } from '@disclosure/domain';
import type { EventStore } from '@disclosure/event-store';
import type { ReadModelDatabase } from '@disclosure/read-models';
import type { CalendarBook } from '../calendars/calendarBook.js';
import { uuidV5 } from '../commands/caseService.js';
import { caseToday, recordSystemEvents } from '../commands/systemEvents.js';

/** Who the clock's events are recorded as (metadata `actor` and `role`). */
export const DEADLINE_CLOCK_ACTOR = 'deadline-clock';
const PAGE = 5_000;

export interface DeadlineClockOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly calendars: CalendarBook;
  /** Working days ahead to warn at (default 5 and 1). */
  readonly thresholds?: readonly number[];
  /** Working days after a payment period before its lapse is recorded (default 3: DEFAULT_FEE_SETTLEMENT_DAYS). */
  readonly feeSettlementDays?: number;
  /** The clock's clock: today is taken from it, in each case's time zone. */
  readonly now?: () => Date;
  /** Cases loaded, decided and appended at once (default 8). */
  readonly concurrency?: number;
}

/** What one sweep did. */
export interface SweepReport {
  /** Open cases with a due date looked at (rows of the deadlines view). */
  readonly examined: number;
  /** Cases whose row said an alert may be due: their streams were read. */
  readonly loaded: number;
  /** Events appended (a duplicate, written first by another worker, is not counted). */
  readonly appended: number;
  /** Cases given up for this sweep after repeated concurrent writes (the next sweep retries them). */
  readonly contended: number;
}

/** The rows of the deadlines view the clock reads (open cases with a due date). */
const candidates = (db: Kysely<ReadModelDatabase>) => db.selectFrom('deadlines').select(['case_id', 'status', 'clock_facts', 'alerts']);
type CandidateQuery = ReturnType<typeof candidates>;

/**
 * The deadline clock (条例 第33条; 受理一件按时答复一件, 可督办): a sweep over the open cases that
 * records `DeadlineApproaching` and `DeadlineMissed` on the case streams, `FeeLapsed` when an unpaid
 * fee notice's payment period has ended (国办函〔2020〕109号, FOIA s.9(2): the request is abandoned
 * from the day after; recorded `feeSettlementDays` working days later, for a late-reported payment),
 * and after a calendar amendment `DeadlineRecomputed` on each open case whose due date it moved.
 *
 * Candidates come from the read models' `deadlines` view (an indexed bound on `overdue_from` and
 * `due_date`, then the pure decision on the row's clock facts and alerts), so a sweep reads only the
 * streams of cases with something due. For those it loads the stream, decides again on the case
 * itself (the domain's `deadlineAlerts` / `deadlineRecomputation`), and appends at the revision it
 * read. Event ids are derived from the case, the kind, the due date and the threshold (or the
 * calendar version), so a sweep run twice, rerun after a crash, or run by two workers at once
 * never records an event twice: the store answers a re-sent id as a duplicate, and a concurrent
 * write (WrongExpectedRevision) makes it read the case again and decide again.
 * @example const report = await new DeadlineClock({ store, db, calendars }).sweep();
 */
export class DeadlineClock {
  readonly #store: EventStore;
  readonly #db: Kysely<ReadModelDatabase>;
  readonly #calendars: CalendarBook;
  readonly #thresholds: readonly number[];
  readonly #settlementDays: number;
  readonly #now: () => Date;
  readonly #concurrency: number;

  constructor(options: DeadlineClockOptions) {
    this.#store = options.store;
    this.#db = options.db;
    this.#calendars = options.calendars;
    this.#thresholds = options.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
    this.#settlementDays = options.feeSettlementDays ?? DEFAULT_FEE_SETTLEMENT_DAYS;
    this.#now = options.now ?? (() => new Date());
    this.#concurrency = options.concurrency ?? 8;
  }

  /** One tick of the clock: recomputations any amendment still owes, then the alerts due today. */
  async tick(): Promise<{ recomputed: number; alerts: SweepReport }> {
    const recomputed = await this.recomputePending();
    return { recomputed, alerts: await this.sweep() };
  }

  /** Records the lapses and alerts due today on every open case. */
  async sweep(): Promise<SweepReport> {
    const at = this.#now().toISOString();
    const ctx = { calendars: this.#calendars.snapshot() };
    const { today, bound } = this.#bounds(at, ctx.calendars);
    const thresholds = this.#thresholds;
    const due: string[] = [];
    let examined = 0;
    // an unpaid fee notice is looked at whatever its dates: its payment period may have ended (lapsesDue)
    for await (const rows of this.#pages((q) => q.where((eb) => eb.or([eb('overdue_from', '<=', today), eb('due_date', '<=', bound), eb('status', '=', 'awaitingFee')])))) {
      examined += rows.length;
      for (const r of rows) {
        if (r.clock_facts === null) continue; // a row from before migration 0003, until it is replayed
        const facts = { status: r.status as CaseStatus, clock: r.clock_facts, alerts: r.alerts ?? [] };
        if (clockEventsDue(facts, caseToday(r.clock_facts, at), thresholds, ctx, this.#settlementDays).length > 0) due.push(r.case_id);
      }
    }
    const outcome = await this.#each(due, (caseId) => recordSystemEvents(this.#store, caseId, { actor: DEADLINE_CLOCK_ACTOR, at, correlationId: `${DEADLINE_CLOCK_ACTOR}/${today}`, causationId: null, eventId: (e) => clockEventId(caseId, e) }, (state) => (state.clock ? clockEventsDue(state, caseToday(state.clock, at), thresholds, ctx, this.#settlementDays) : [])));
    return { examined, loaded: due.length, ...outcome };
  }

  /**
   * Records `DeadlineRecomputed` on every open case whose due date a calendar change moved (or made
   * official), and remembers that the change is done. Resolves to the number of cases recomputed.
   */
  async recompute(change: CalendarChange): Promise<number> {
    const at = this.#now().toISOString();
    const ctx = { calendars: this.#calendars.snapshot() };
    const due: string[] = [];
    for await (const rows of this.#pages((q) => q))
      for (const r of rows) {
        if (r.clock_facts === null || profileById(r.clock_facts.profileId).calendarId !== change.calendarId) continue;
        if (deadlineRecomputation({ status: r.status as CaseStatus, clock: r.clock_facts, recomputations: [] }, change, caseToday(r.clock_facts, at), ctx).length > 0) due.push(r.case_id);
      }
    const cause = uuidV5(`calendar-${change.calendarId}/recomputation/${change.version}`);
    const outcome = await this.#each(due, (caseId) => recordSystemEvents(this.#store, caseId, { actor: DEADLINE_CLOCK_ACTOR, at, correlationId: cause, causationId: cause, eventId: (e) => clockEventId(caseId, e) }, (state) => (state.clock ? deadlineRecomputation(state, change, caseToday(state.clock, at), ctx) : [])));
    if (outcome.contended > 0) return outcome.appended; // not done: the next tick runs it again
    await this.#db
      .insertInto('calendar_recomputations')
      .values({ calendar_version: change.version, calendar_id: change.calendarId, previous_version: change.previousVersion, reason: change.reason, recomputed: outcome.appended, completed_at: at })
      .onConflict((oc) => oc.column('calendar_version').doNothing())
      .execute();
    return outcome.appended;
  }

  /** Runs the recomputation of every calendar change the book knows that has not been done yet. */
  async recomputePending(): Promise<number> {
    const changes = this.#calendars.changes();
    if (changes.length === 0) return 0;
    const done = new Set((await this.#db.selectFrom('calendar_recomputations').select('calendar_version').execute()).map((r) => r.calendar_version));
    let recomputed = 0;
    for (const change of changes) if (!done.has(change.version)) recomputed += await this.recompute(change);
    return recomputed;
  }

  /** The deadlines view, a page at a time in case-id order, narrowed by `where`. */
  async *#pages(where: (q: CandidateQuery) => CandidateQuery) {
    let after = '';
    for (;;) {
      const rows = await where(candidates(this.#db)).where('case_id', '>', after).orderBy('case_id').limit(PAGE).execute();
      if (rows.length > 0) yield rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.case_id;
    }
  }

  /** The widest bounds any profile's today and calendar give: the SQL keeps every candidate, the decision on each row is exact. */
  #bounds(at: string, calendars: CalendarRegistry): { today: IsoDate; bound: IsoDate } {
    const ahead = Math.max(0, ...this.#thresholds);
    let today = '0000-01-01';
    let bound = '0000-01-01';
    for (const p of BUILTIN_PROFILES) {
      const day = localDate(at, p.timeZone);
      const until = calendars.current(p.calendarId).addWorkingDays(day, ahead).date;
      if (day > today) today = day;
      if (until > bound) bound = until;
    }
    return { today, bound };
  }

  /** Runs `fn` over the cases, `concurrency` at a time; sums what was appended and what was given up. */
  async #each(caseIds: readonly string[], fn: (caseId: string) => Promise<number | 'contended'>): Promise<{ appended: number; contended: number }> {
    let next = 0;
    let appended = 0;
    let contended = 0;
    const lane = async () => {
      while (next < caseIds.length) {
        const r = await fn(caseIds[next++]!);
        if (r === 'contended') contended++;
        else appended += r;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, caseIds.length) }, lane));
    return { appended, contended };
  }
}

/**
 * The id of an event the clock records: the same case, kind, due date and threshold (or calendar
 * version) always give the same id, so the store keeps one however many sweeps decide it.
 * @example clockEventId(caseId, caseEvent('DeadlineMissed', { dueDate: '2025-10-30', noticedOn: '2025-10-31' }))
 */
export function clockEventId(caseId: string, event: CaseEvent): string {
  switch (event.type) {
    case 'DeadlineApproaching':
      return uuidV5(`${caseId}/DeadlineApproaching/${event.data.dueDate}/${event.data.threshold}`);
    case 'DeadlineMissed':
      return uuidV5(`${caseId}/DeadlineMissed/${event.data.dueDate}`);
    case 'DeadlineRecomputed':
      return uuidV5(`${caseId}/DeadlineRecomputed/${event.data.calendarVersion}`);
    case 'FeeLapsed':
      return uuidV5(`${caseId}/FeeLapsed/${event.data.lapsedOn}`);
    default:
      throw new TypeError(`the deadline clock does not record ${event.type}`);
  }
}
