import { endOfMonthsBeginningWith, fromEpochDay, toEpochDay, type IsoDate, type JurisdictionProfile, type LapsePeriod, type Period, type WorkingDayCalendar } from '@disclosure/calendar';
import { extensionOf, profileVersion, shortCitation } from '@disclosure/calendar';
import type { ClockFacts, Pause } from './clockFacts.js';

/** Why one day of the count did or did not count. */
export type ClockDayReason =
  | 'receipt-day'
  | 'restart-day'
  | 'working-day'
  | 'make-up-working-day'
  | 'weekend'
  | 'public-holiday'
  | 'paused'
  | 'calendar-day'
  | 'rolled-forward';

/** One calendar day between day 0 and the due date. */
export interface ClockDay {
  readonly date: IsoDate;
  readonly counted: boolean;
  /** 1…N over the counted days. */
  readonly ordinal?: number;
  readonly part?: 'period' | 'extension';
  readonly reason: ClockDayReason;
  /** Holiday name, or the pause that covered the day. */
  readonly detail?: string;
  /** The day's year has no official calendar data: counted Mon–Fri. */
  readonly provisional?: true;
}

/** Where the clock stands. */
export type ClockStatus = 'running' | 'paused' | 'awaiting-correction' | 'stopped';

/** A due date with everything needed to trust it. */
export interface Deadline {
  readonly status: ClockStatus;
  /** Null only while a correction is awaited under a profile where it restarts the count. */
  readonly dueDate: IsoDate | null;
  /** The due date without extensions. */
  readonly periodEndsOn: IsoDate | null;
  readonly overridden: boolean;
  readonly provisional: boolean;
  readonly missingYears: readonly number[];
  readonly profileId: string;
  readonly profileVersion: string;
  readonly calendarId: string;
  readonly calendarVersion: string;
  readonly countFrom: IsoDate;
  readonly pausedDays: number;
  readonly extension: number;
  /** Readable sentences, each with its legal source. */
  readonly notes: readonly string[];
  readonly explanation?: readonly ClockDay[];
}

/** What the clock is computed with. */
export interface ClockOptions {
  readonly profile: JurisdictionProfile;
  readonly calendar: WorkingDayCalendar;
  /** Today, for pauses still open: they count up to this day. Without it, open pauses count nothing yet. */
  readonly asOf?: IsoDate;
  /** Include the day-by-day explanation. */
  readonly explain?: boolean;
}

const calendarDays = (p: Period) => (p.unit === 'weeks' ? p.amount * 7 : p.amount);

/**
 * The due date of a case from its clock facts, a profile and a calendar version (条例 第33条).
 * Working-day periods are counted after day 0, skipping paused working days (each paused day
 * pushes the due date one working day later); extensions continue the count.
 * @example
 * computeDeadline(facts, { profile: CN_2019, calendar: cn }).dueDate // '2025-10-30' for a request received 2025-09-26
 */
export function computeDeadline(facts: ClockFacts, options: ClockOptions): Deadline {
  const { profile, calendar } = options;
  const workingUnit = profile.period.unit === 'working-days';
  const start = toEpochDay(facts.countFrom);
  const horizon = options.asOf ?? facts.stoppedOn;
  const paused = pausedDays(facts.pauses, start, workingUnit, calendar, horizon);
  const extension = facts.extensions.reduce((sum, e) => sum + e.amount, 0);
  if (facts.awaitingCorrection && profile.correction.effect === 'restart') {
    const waiting = deadlineRecord(facts, profile, calendar, extension, 'awaiting-correction', null, null, [], 0, false, null);
    return options.explain ? { ...waiting, explanation: [] } : waiting;
  }

  const periodLength = workingUnit ? profile.period.amount : calendarDays(profile.period);
  const extensionLength = workingUnit ? extension : facts.extensions.reduce((sum, e) => sum + calendarDays({ amount: e.amount, unit: extensionUnit(profile, e.kind) }), 0);
  const periodEnd = endOfCount(periodLength, start, paused, workingUnit, profile, calendar);
  const computedDue = endOfCount(periodLength + extensionLength, start, paused, workingUnit, profile, calendar);
  // 第35条 确定延迟答复的合理期限: an override is a *later* date; it never shortens the law's own period, which a
  // pause that outgrew it, or a count restarted after a correction, may have carried past it
  const overridden = facts.override !== undefined && toEpochDay(facts.override.dueDate) > computedDue;
  const due = overridden ? toEpochDay(facts.override!.dueDate) : computedDue;
  const missingYears = calendar.missingYearsBetween(start + 1, Math.max(start + 1, due));
  const openPause = facts.pauses.some((p) => p.to === undefined && p.lapsed === undefined);
  const status: ClockStatus = facts.stoppedOn ? 'stopped' : openPause ? 'paused' : 'running';
  const deadline = deadlineRecord(facts, profile, calendar, extension, status, fromEpochDay(due), fromEpochDay(periodEnd), missingYears, countUpTo(paused, computedDue), overridden, fromEpochDay(computedDue));
  return options.explain ? { ...deadline, explanation: explainDays(start, due, periodLength, paused, facts, options) } : deadline;
}

/**
 * The first day on which the case is late if nothing more is recorded: the day after the due date,
 * with every open pause running to the longest it may last (a consultation lapses, 条例 第32条 and
 * 第34条; a fee notice lapses, 国办函〔2020〕109号). `null` when only a new event can make the case
 * late: the clock stopped, a correction awaited under a restart rule (第30条), or an open pause
 * without a limit. A pure function of the facts, so a read model can store it: "overdue today" is
 * then `overdueFrom <= today`, the same answer `computeDeadline(facts, { asOf: today })` gives.
 * @example overdueFrom(facts, { profile: CN_2019, calendar: cn }) // '2025-10-31' for a case due 2025-10-30
 */
export function overdueFrom(facts: ClockFacts, options: Omit<ClockOptions, 'asOf' | 'explain'>): IsoDate | null {
  if (facts.stoppedOn !== undefined) return null;
  if (facts.awaitingCorrection && options.profile.correction.effect === 'restart') return null;
  let horizon: number | undefined; // the last day any open pause with a limit can cover
  let unlimitedFrom: number | undefined; // the first day an open pause without a limit covers
  let lastCovered = -Infinity; // the last day any pause that has ended covered
  for (const p of facts.pauses) {
    const from = toEpochDay(p.from);
    if (p.to !== undefined || p.lapsed !== undefined) lastCovered = Math.max(lastCovered, pauseEnd(p, from, true, options.calendar, undefined));
    else if (p.lapseAfter) horizon = Math.max(horizon ?? -Infinity, lapseEnd(p.lapseAfter, p.lapseFrom === undefined ? from : toEpochDay(p.lapseFrom), options.calendar));
    else unlimitedFrom = Math.min(unlimitedFrom ?? Infinity, p.includesNoticeDay ? from : from + 1);
  }
  const dueAsOf = (day: number | undefined) => computeDeadline(facts, { profile: options.profile, calendar: options.calendar, ...(day === undefined ? {} : { asOf: fromEpochDay(day) }) }).dueDate;
  if (unlimitedFrom === undefined) {
    const due = dueAsOf(horizon);
    return due === null ? null : fromEpochDay(toEpochDay(due) + 1);
  }
  // Past every limit, only the pauses without one are left. If one more paused day moves the law's due
  // date, each further day will too: the case cannot fall late while they stay open — whatever an
  // override says, since the law's date then passes it (the due date is the later of the two).
  const settled = Math.max(horizon ?? unlimitedFrom, unlimitedFrom, lastCovered);
  const { override: _override, ...law } = facts;
  const lawDueAsOf = (day: number) => computeDeadline(law, { profile: options.profile, calendar: options.calendar, asOf: fromEpochDay(day) }).dueDate;
  // Two weeks on, not one day: a day off, or a due date rolled forward over one, can hide the move.
  const lawDue = lawDueAsOf(settled);
  if (lawDue === null || lawDueAsOf(settled + 14) !== lawDue) return null;
  const due = dueAsOf(settled);
  return due === null ? null : fromEpochDay(toEpochDay(due) + 1);
}

/** Where a deadline stands on one day. */
export interface DeadlineStanding {
  /** The clock still runs (or may run again) and its due date has passed. */
  readonly overdue: boolean;
  /** Working days after `today` up to the due date; 0 on the due date, negative once late; null without a due date or once stopped. */
  readonly workingDaysLeft: number | null;
}

/**
 * Where a deadline computed as of `today` stands that day.
 * @example deadlineStanding(computeDeadline(facts, { profile, calendar, asOf: '2025-10-28' }), '2025-10-28', cn) // { overdue: false, workingDaysLeft: 2 }
 */
export function deadlineStanding(deadline: Deadline, today: IsoDate, calendar: WorkingDayCalendar): DeadlineStanding {
  if (deadline.status === 'stopped' || deadline.dueDate === null) return { overdue: false, workingDaysLeft: null };
  return { overdue: deadline.dueDate < today, workingDaysLeft: calendar.workingDaysBetween(today, deadline.dueDate).days };
}

/**
 * A deadline, always built by this one literal with its keys in one order: an object built by a
 * spread and then given more keys gets a V8 map of its own each time, several µs per deadline.
 */
function deadlineRecord(
  facts: ClockFacts,
  profile: JurisdictionProfile,
  calendar: WorkingDayCalendar,
  extension: number,
  status: ClockStatus,
  dueDate: IsoDate | null,
  periodEndsOn: IsoDate | null,
  missingYears: readonly number[],
  pausedDays: number,
  overridden: boolean,
  lawfulDue: IsoDate | null,
): Deadline {
  return {
    overridden,
    profileId: profile.id,
    profileVersion: profileVersion(profile),
    calendarId: calendar.id,
    calendarVersion: calendar.version,
    countFrom: facts.countFrom,
    extension,
    status,
    dueDate,
    periodEndsOn,
    provisional: missingYears.length > 0,
    missingYears,
    pausedDays,
    notes: clockNotes(facts, profile, overridden, lawfulDue),
  };
}

/**
 * The day `total` units after day 0 (`start`), paused days not counted. A module function, not a
 * closure in computeDeadline: under tsx (esbuild keepNames) every named closure costs an
 * Object.defineProperty each time it is made, and the read models compute a deadline per case.
 */
function endOfCount(total: number, start: number, paused: readonly number[], workingUnit: boolean, profile: JurisdictionProfile, calendar: WorkingDayCalendar): number {
  // Only paused days up to the due date move it: a pause that begins after the period ran out does not revive it.
  let skipped = 0;
  for (;;) {
    const due = workingUnit ? calendar.addWorkingEpochDays(start, total + skipped) : start + total + skipped;
    const within = countUpTo(paused, due);
    if (within === skipped) return workingUnit ? due : rollForward(due, profile, calendar);
    skipped = within;
  }
}

function rollForward(day: number, profile: JurisdictionProfile, calendar: WorkingDayCalendar): number {
  let due = day;
  if (profile.rollForwardToWorkingDay) while (!calendar.isWorkingEpochDay(due)) due++;
  return due;
}

function extensionUnit(profile: JurisdictionProfile, kind: string): Period['unit'] {
  return extensionOf(profile, kind)?.max.unit ?? profile.period.unit;
}

/** Sorted, distinct days (after day 0) that pauses cover. */
function pausedDays(pauses: readonly Pause[], start: number, workingUnit: boolean, calendar: WorkingDayCalendar, horizon: IsoDate | undefined): number[] {
  if (pauses.length === 0) return [];
  const days = new Set<number>();
  for (const p of pauses) {
    const from = toEpochDay(p.from);
    const end = pauseEnd(p, from, workingUnit, calendar, horizon);
    const first = p.includesNoticeDay ? from : from + 1;
    for (let d = Math.max(first, start + 1); d <= end; d++) if (!workingUnit || calendar.isWorkingEpochDay(d)) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

function pauseEnd(p: Pause, from: number, workingUnit: boolean, calendar: WorkingDayCalendar, horizon: IsoDate | undefined): number {
  const lapseFrom = p.lapseFrom === undefined ? from : toEpochDay(p.lapseFrom);
  if (p.to !== undefined) return toEpochDay(p.to);
  if (p.lapsed) return lapseEnd(p.lapsed, lapseFrom, calendar);
  if (horizon === undefined) return from;
  const today = toEpochDay(horizon);
  return p.lapseAfter ? Math.min(today, lapseEnd(p.lapseAfter, lapseFrom, calendar)) : today;
}

function lapseEnd(period: LapsePeriod, lapseFrom: number, calendar: WorkingDayCalendar): number {
  if (period.unit === 'months') return endOfMonthsBeginningWith(lapseFrom, period.amount);
  return period.unit === 'working-days' ? calendar.addWorkingEpochDays(lapseFrom, period.amount) : lapseFrom + calendarDays(period);
}

/**
 * The last day a lapse period may still be met: for working days the last of them after `from`
 * (条例 第32条: 自收到征求意见书之日起15个工作日); for months, of the period "beginning with" `from`
 * (FOIA s.9(2)), the day before the same day of the month `months` later — or, when that month has
 * no such day, its last day (our reading of the corresponding-date rule).
 * @example lapseEndsOn({ amount: 3, unit: 'months' }, '2025-11-28', gb) // '2026-02-27'
 */
export function lapseEndsOn(period: LapsePeriod, from: IsoDate, calendar: WorkingDayCalendar): IsoDate {
  return fromEpochDay(lapseEnd(period, toEpochDay(from), calendar));
}

/**
 * The last day to pay the fee notice a clock is paused on (国办函〔2020〕109号: 收到收费通知之日起20个
 * 工作日内; FOIA s.9(2): three months beginning with the notice day), or undefined when no notice is
 * awaited or the law sets no payment period. The day after it, the request is abandoned.
 * @example feePaymentEndsOn(state.clock, cn) // '2025-11-05' for a notice on Thu 2025-10-09
 */
export function feePaymentEndsOn(facts: ClockFacts, calendar: WorkingDayCalendar): IsoDate | undefined {
  const notice = facts.pauses.find((p) => p.kind === 'fee' && p.to === undefined && p.lapsed === undefined);
  return notice?.lapseAfter ? lapseEndsOn(notice.lapseAfter, notice.from, calendar) : undefined;
}

/**
 * The last day the payment of the fee notice that lapsed could have been made, or undefined when
 * the last fee notice did not lapse.
 * @example lapsedFeePaymentEndsOn(state.clock, cn) // '2025-11-05' for a notice on Thu 2025-10-09 that lapsed
 */
export function lapsedFeePaymentEndsOn(facts: ClockFacts, calendar: WorkingDayCalendar): IsoDate | undefined {
  const notice = facts.pauses.findLast((p) => p.kind === 'fee');
  return notice?.lapsed ? lapseEndsOn(notice.lapsed, notice.from, calendar) : undefined;
}

/**
 * The calendar day after `day`: a lapse takes effect the day after its period (视为放弃申请).
 * @example dayAfter('2025-11-05') // '2025-11-06'
 */
export const dayAfter = (day: IsoDate): IsoDate => fromEpochDay(toEpochDay(day) + 1);

function countUpTo(sorted: readonly number[], day: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function pauseCovering(pauses: readonly Pause[], day: number, workingUnit: boolean, calendar: WorkingDayCalendar, horizon: IsoDate | undefined): Pause | undefined {
  return pauses.find((p) => {
    const from = toEpochDay(p.from);
    return (p.includesNoticeDay ? from <= day : from < day) && day <= pauseEnd(p, from, workingUnit, calendar, horizon);
  });
}

function explainDays(start: number, due: number, periodLength: number, paused: readonly number[], facts: ClockFacts, options: ClockOptions): ClockDay[] {
  const { calendar, profile } = options;
  const workingUnit = profile.period.unit === 'working-days';
  const pausedSet = new Set(paused);
  const out: ClockDay[] = [];
  let ordinal = 0;
  const nominalEnd = workingUnit ? due : start + periodLength + facts.extensions.reduce((s, e) => s + calendarDays({ amount: e.amount, unit: extensionUnit(profile, e.kind) }), 0) + countUpTo(paused, due);
  for (let d = start; d <= due; d++) {
    const date = fromEpochDay(d);
    const info = calendar.describeDay(date);
    const provisional = info.official ? {} : { provisional: true as const };
    if (d === start) {
      out.push({ date, counted: false, reason: facts.restartedOn ? 'restart-day' : 'receipt-day', ...provisional });
      continue;
    }
    if (pausedSet.has(d)) {
      const p = pauseCovering(facts.pauses, d, workingUnit, calendar, options.asOf ?? facts.stoppedOn);
      out.push({ date, counted: false, reason: 'paused', ...(p ? { detail: `${p.label} (${p.citation})` } : {}), ...provisional });
      continue;
    }
    if (!workingUnit) {
      if (d > nominalEnd) {
        out.push({ date, counted: false, reason: 'rolled-forward', detail: info.working ? 'next working day' : (info.name ?? info.kind), ...provisional });
        continue;
      }
      ordinal++;
      out.push({ date, counted: true, ordinal, part: ordinal <= periodLength ? 'period' : 'extension', reason: 'calendar-day', ...(info.name ? { detail: info.name } : {}), ...provisional });
      continue;
    }
    if (!info.working) {
      out.push({ date, counted: false, reason: info.kind === 'public-holiday' ? 'public-holiday' : 'weekend', ...(info.name ? { detail: info.name } : {}), ...provisional });
      continue;
    }
    ordinal++;
    out.push({
      date,
      counted: true,
      ordinal,
      part: ordinal <= periodLength ? 'period' : 'extension',
      reason: info.kind === 'make-up-working-day' ? 'make-up-working-day' : 'working-day',
      ...(info.name ? { detail: info.name } : {}),
      ...provisional,
    });
  }
  return out;
}

function clockNotes(facts: ClockFacts, profile: JurisdictionProfile, overridden: boolean, lawfulDue: IsoDate | null): string[] {
  const unit = profile.period.unit.replace('-', ' ');
  const notes = [`Received ${facts.receivedOn} (${profile.receiptCitation}); the reply period is ${profile.period.amount} ${unit} (${profile.period.citation}).`];
  if (facts.restartedOn) notes.push(`Count restarted from ${facts.restartedOn}, the day the corrected request was received (${profile.correction.citation}).`);
  if (facts.awaitingCorrection && profile.correction.effect === 'restart') notes.push(`Awaiting the applicant's correction: the period will be counted from the day it is received (${profile.correction.citation}).`);
  for (const p of facts.pauses) {
    const end = p.to ? `answered ${p.to}` : p.lapsed ? `lapsed after ${p.lapsed.amount} ${p.lapsed.unit.replace('-', ' ')}` : 'still open';
    notes.push(`${p.label}: notice ${p.from}, ${end}; the time is not counted (${p.citation}).`);
  }
  for (const e of facts.extensions) {
    const rule = profile.extensions.find((r) => r.kind === e.kind);
    notes.push(`Extended by ${e.amount} ${(rule?.max.unit ?? profile.period.unit).replace('-', ' ')} on ${e.approvedOn}${rule ? ` (${rule.citation})` : ''}.`);
  }
  if (facts.override) {
    const { dueDate, reason } = facts.override;
    const cite = profile.lateReplyCitation ? shortCitation(profile.lateReplyCitation) : `no rule of ${profile.law} provides for it: the agency's own decision`;
    if (overridden) notes.push(`Due date set to ${dueDate}: a later reply date, approved and notified (${cite}): ${reason}.`);
    else if (lawfulDue === null) notes.push(`A later reply date, ${dueDate}, was approved and notified (${cite}); it counts again once the period runs (${reason}).`);
    else notes.push(`A later reply date, ${dueDate}, was approved and notified (${cite}), but the law's own due date, ${lawfulDue}, is later now and stands: an override never shortens the period (${reason}).`);
  }
  if (facts.stoppedOn) notes.push(`Clock stopped on ${facts.stoppedOn}.`);
  return notes;
}

