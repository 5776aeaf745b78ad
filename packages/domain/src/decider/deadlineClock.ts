import { profileById, type CalendarChange, type IsoDate, type WorkingDayCalendar } from '@disclosure/calendar';
import { caseEvent, type CaseEvent } from '../events/caseEvents.js';
import { OPEN_STATUSES } from '../workflow/caseWorkflow.js';
import type { CaseState } from './caseState.js';
import { dayAfter, feePaymentEndsOn } from '../clock/statutoryClock.js';
import { deadlineOfFacts, deadlineToday, type DecideContext } from './decide.js';

/**
 * The deadline clock's decisions: which alerts a case is due on a day, which lapses the law deems
 * on it, and whether a calendar amendment moved its due date. Pure, like `decide`: the day comes in
 * as data (the worker passes today's date in the case's time zone), the calendars in `ctx`. The
 * worker stores what these return with ids derived from the case, the kind and the due date (or
 * the day), so nothing is recorded twice.
 */

/** How many working days ahead the clock warns, by default: a week ahead and the day before. */
export const DEFAULT_ALERT_THRESHOLDS: readonly number[] = Object.freeze([5, 1]);

/** The part of a case the alert decision reads (a read-model row has it too, to pick candidates). */
export type AlertFacts = Pick<CaseState, 'status' | 'clock' | 'alerts'>;

/**
 * The alert a case is due on `today`, if any (受理一件按时答复一件; 可督办):
 * - `DeadlineMissed` once the due date as of today has passed (条例 第33条第2款), once per due date;
 * - else `DeadlineApproaching` when the working days left are at most a threshold, for the
 *   tightest threshold crossed, unless one as tight was already recorded for this due date.
 *
 * A paused clock (consultation, 第33条第3款; fee notice, 109号) gets no approaching alert, since its
 * due date moves on with every paused working day; it is still reported missed when it is late all
 * the same (a pause that began after the period ran out does not revive it). Closed cases and a
 * correction awaited under a restart rule (第30条: no due date) get nothing.
 * @example deadlineAlerts(state, '2025-10-23', [5, 1], ctx) // [DeadlineApproaching { dueDate: '2025-10-30', workingDaysLeft: 5, threshold: 5 }]
 */
export function deadlineAlerts(state: AlertFacts, today: IsoDate, thresholds: readonly number[], ctx: DecideContext): readonly CaseEvent[] {
  if (!OPEN_STATUSES.has(state.status) || state.clock === undefined || state.clock.stoppedOn !== undefined) return [];
  const d = deadlineToday(state.clock, ctx, today);
  if (d.dueDate === null || d.workingDaysLeft === null) return [];
  const dueDate = d.dueDate;
  if (d.overdue) {
    if (state.alerts.some((a) => a.kind === 'missed' && a.dueDate === dueDate)) return [];
    return [caseEvent('DeadlineMissed', { dueDate, noticedOn: today })];
  }
  if (d.status === 'paused') return [];
  const left = d.workingDaysLeft;
  const crossed = thresholds.filter((t) => left <= t);
  if (crossed.length === 0) return [];
  const threshold = Math.min(...crossed);
  if (state.alerts.some((a) => a.kind === 'approaching' && a.dueDate === dueDate && a.threshold !== undefined && a.threshold <= threshold)) return [];
  return [caseEvent('DeadlineApproaching', { dueDate, workingDaysLeft: left, threshold, noticedOn: today })];
}

/**
 * Working days the clock waits after a payment period before it records the lapse, by default:
 * a payment made on the last day may be reported days later (a bank transfer), and a lapse closes
 * the case until such a payment is reported (it then reopens it).
 */
export const DEFAULT_FEE_SETTLEMENT_DAYS = 3;

/**
 * What the law deems done by the applicant's silence, for the clock to record on `today`:
 * `FeeLapsed` for an unpaid fee notice whose payment period has ended (国办函〔2020〕109号:
 * 逾期未缴纳的视为放弃申请; FOIA s.9(2): not obliged to comply unless paid within three months),
 * dated the day after the period — the day the request counts as abandoned — and recorded once
 * `settlementDays` working days more have passed without a payment reported. The decision
 * `lapseFee` takes by hand, recorded without one.
 * @example lapsesDue(state, '2025-11-11', ctx) // [FeeLapsed { lapsedOn: '2025-11-06' }] for a notice on 2025-10-09 (paid by 11-05, or reported by 11-10)
 */
export function lapsesDue(state: Pick<CaseState, 'status' | 'clock'>, today: IsoDate, ctx: DecideContext, settlementDays = DEFAULT_FEE_SETTLEMENT_DAYS): readonly CaseEvent[] {
  const period = paymentPeriodOf(state, ctx);
  if (period === undefined || today <= period.calendar.addWorkingDays(period.endsOn, settlementDays).date) return [];
  return [caseEvent('FeeLapsed', { lapsedOn: dayAfter(period.endsOn) })];
}

/**
 * Everything the deadline clock records on a case on `today`: its alerts ({@link deadlineAlerts}),
 * except for a fee notice whose payment period has ended — the request counts as abandoned from
 * the day after, so it gets its lapse ({@link lapsesDue}) or, while a late-reported payment is
 * waited for, nothing: without a payment the fee pause stops counting at the period's end, and
 * the clock running on would report missed a request that lapsed.
 * @example clockEventsDue(state, '2025-10-31', [5, 1], ctx) // [DeadlineMissed { dueDate: '2025-10-30', noticedOn: '2025-10-31' }]
 */
export function clockEventsDue(state: AlertFacts, today: IsoDate, thresholds: readonly number[], ctx: DecideContext, settlementDays = DEFAULT_FEE_SETTLEMENT_DAYS): readonly CaseEvent[] {
  const period = paymentPeriodOf(state, ctx);
  if (period !== undefined && today > period.endsOn) return lapsesDue(state, today, ctx, settlementDays);
  return deadlineAlerts(state, today, thresholds, ctx);
}

/** The payment period of the fee notice a case awaits, with the calendar it is counted in; undefined when none is awaited or the law sets none. */
function paymentPeriodOf(state: Pick<CaseState, 'status' | 'clock'>, ctx: DecideContext): { readonly endsOn: IsoDate; readonly calendar: WorkingDayCalendar } | undefined {
  if (state.status !== 'awaitingFee' || state.clock === undefined) return undefined;
  const calendar = ctx.calendars.current(profileById(state.clock.profileId).calendarId);
  const endsOn = feePaymentEndsOn(state.clock, calendar);
  return endsOn === undefined ? undefined : { endsOn, calendar };
}

/** The part of a case the recomputation reads. */
export type RecomputationFacts = Pick<CaseState, 'status' | 'clock' | 'recomputations'>;

/**
 * What a calendar amendment records on a case: `DeadlineRecomputed` when the case is open, counts
 * with that calendar, and its due date as of `today` under the new version differs from the one
 * under the previous version, or stops (or starts) being provisional. Nothing for a closed case —
 * it keeps its dates — nor twice for one version.
 * @example deadlineRecomputation(state, { calendarId: 'CN', previousVersion, version, reason: '2027年放假安排', inForceFrom: '2026-11-23' }, '2026-11-23', ctx)
 */
export function deadlineRecomputation(state: RecomputationFacts, change: CalendarChange, today: IsoDate, ctx: DecideContext): readonly CaseEvent[] {
  if (!OPEN_STATUSES.has(state.status) || state.clock === undefined || state.clock.stoppedOn !== undefined) return [];
  if (profileById(state.clock.profileId).calendarId !== change.calendarId) return [];
  if (state.recomputations.some((r) => r.calendarVersion === change.version)) return [];
  const before = deadlineOfFacts(state.clock, ctx, { calendarVersion: change.previousVersion, asOf: today });
  const after = deadlineOfFacts(state.clock, ctx, { calendarVersion: change.version, asOf: today });
  if (before.dueDate === null || after.dueDate === null) return [];
  if (before.dueDate === after.dueDate && before.provisional === after.provisional) return [];
  return [
    caseEvent('DeadlineRecomputed', {
      calendarId: change.calendarId,
      previousDueDate: before.dueDate,
      dueDate: after.dueDate,
      previousCalendarVersion: change.previousVersion,
      calendarVersion: change.version,
      previousProvisional: before.provisional,
      provisional: after.provisional,
      missingYears: [...after.missingYears],
      reason: change.reason.trim().slice(0, 500) || `calendar ${change.calendarId} amended`,
      recomputedOn: today,
    }),
  ];
}
