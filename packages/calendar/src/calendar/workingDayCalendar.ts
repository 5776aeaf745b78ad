import { fromEpochDay, isoWeekday, toEpochDay, type IsoDate } from '../dates/isoDate.js';
import { calendarVersion, canonicalCalendarData, type CalendarData, type DayEntry } from './calendarData.js';
import { ConflictingCalendarEntry, DateOutOfCalendarRange } from './errors.js';

/** Why a day is or is not a working day. */
export type DayKind = 'weekday' | 'weekend' | 'public-holiday' | 'make-up-working-day';

/** One day as the calendar sees it. */
export interface DayInfo {
  readonly date: IsoDate;
  readonly working: boolean;
  readonly kind: DayKind;
  /** The holiday's (or make-up day's) name, e.g. `国庆节`. */
  readonly name?: string;
  /**
   * False when the day's year has no official notice: it counts Mon–Fri plus any one-off entries
   * amended in, and every result touching it is provisional.
   */
  readonly official: boolean;
}

/** A computed date, with the years it ran through that have no official data. */
export interface WorkingDayResult {
  readonly date: IsoDate;
  readonly provisional: boolean;
  readonly missingYears: readonly number[];
}

/** A count of working days, with the years it ran through that have no official data. */
export interface WorkingDayCount {
  readonly days: number;
  readonly provisional: boolean;
  readonly missingYears: readonly number[];
}

const FIRST_YEAR = 1990;
const LAST_YEAR = 2150;
const KIND_WEEKDAY = 0;
const KIND_WEEKEND = 1;
const KIND_HOLIDAY = 2;
const KIND_MAKE_UP = 3;
const KINDS: readonly DayKind[] = ['weekday', 'weekend', 'public-holiday', 'make-up-working-day'];
const NONE: readonly number[] = Object.freeze([]);

/**
 * A working-day calendar of one version. Immutable: amending it yields a new calendar with a new
 * version, and the old one keeps answering as before, so old computations can be reproduced.
 *
 * All answers come from an index built once per version (a prefix count of working days and the
 * position of every working day), so `addWorkingDays` is two array reads, not a loop over days.
 *
 * @example
 * const cn = chinaCalendar();
 * cn.addWorkingDays('2025-09-26', 20).date // '2025-10-30' (National Day and its make-up Sundays/Saturdays)
 */
export class WorkingDayCalendar {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly data: CalendarData;
  readonly range: { readonly from: IsoDate; readonly to: IsoDate };

  readonly #start: number;
  readonly #kind: Uint8Array;
  /** #before[i] = working days among index days [0, i). */
  readonly #before: Int32Array;
  /** #position[k] = index day of the k-th working day (0-based). */
  readonly #position: Int32Array;
  readonly #names: ReadonlyMap<number, string>;
  readonly #yearStart: Int32Array;
  readonly #official: Uint8Array;

  constructor(data: CalendarData) {
    this.data = Object.freeze(canonicalCalendarData(data));
    this.id = data.id;
    this.name = data.name;
    this.version = calendarVersion(this.data);
    this.#start = toEpochDay(`${FIRST_YEAR}-01-01`);
    const end = toEpochDay(`${LAST_YEAR + 1}-01-01`);
    this.range = Object.freeze({ from: `${FIRST_YEAR}-01-01`, to: `${LAST_YEAR}-12-31` });
    const size = end - this.#start;

    this.#yearStart = new Int32Array(LAST_YEAR - FIRST_YEAR + 2);
    this.#official = new Uint8Array(LAST_YEAR - FIRST_YEAR + 1);
    for (let y = FIRST_YEAR; y <= LAST_YEAR + 1; y++) this.#yearStart[y - FIRST_YEAR] = toEpochDay(`${y}-01-01`) - this.#start;
    for (const y of this.data.officialYears) if (y >= FIRST_YEAR && y <= LAST_YEAR) this.#official[y - FIRST_YEAR] = 1;

    const weekend = new Set(this.data.weekend);
    const kind = new Uint8Array(size);
    for (let i = 0; i < size; i++) kind[i] = weekend.has(isoWeekday(this.#start + i)) ? KIND_WEEKEND : KIND_WEEKDAY;
    const names = new Map<number, string>();
    const mark = (entries: readonly DayEntry[], k: number) => {
      for (const e of entries) {
        const i = toEpochDay(e.date) - this.#start;
        if (i < 0 || i >= size) continue;
        if (names.has(i)) throw new ConflictingCalendarEntry(this.id, e.date);
        kind[i] = k;
        names.set(i, e.name);
      }
    };
    mark(this.data.holidays, KIND_HOLIDAY);
    mark(this.data.workingDays, KIND_MAKE_UP);

    const before = new Int32Array(size + 1);
    let count = 0;
    for (let i = 0; i < size; i++) {
      before[i] = count;
      if (kind[i] === KIND_WEEKDAY || kind[i] === KIND_MAKE_UP) count++;
    }
    before[size] = count;
    const position = new Int32Array(count);
    for (let i = 0, k = 0; i < size; i++) if (kind[i] === KIND_WEEKDAY || kind[i] === KIND_MAKE_UP) position[k++] = i;

    this.#kind = kind;
    this.#before = before;
    this.#position = position;
    this.#names = names;
  }

  /** Whether a date is a working day. @example cn.isWorkingDay('2025-10-11') // true (make-up Saturday) */
  isWorkingDay(date: IsoDate): boolean {
    const k = this.#kind[this.#index(toEpochDay(date), date)]!;
    return k === KIND_WEEKDAY || k === KIND_MAKE_UP;
  }

  /** Whether an epoch day is a working day (hot-path form of {@link isWorkingDay}). */
  isWorkingEpochDay(day: number): boolean {
    const k = this.#kind[this.#index(day, day)]!;
    return k === KIND_WEEKDAY || k === KIND_MAKE_UP;
  }

  /** What a day is and why. @example cn.describeDay('2025-10-01') // { working: false, kind: 'public-holiday', name: '国庆节', … } */
  describeDay(date: IsoDate): DayInfo {
    const i = this.#index(toEpochDay(date), date);
    const k = this.#kind[i]!;
    const name = this.#names.get(i);
    return {
      date,
      working: k === KIND_WEEKDAY || k === KIND_MAKE_UP,
      kind: KINDS[k]!,
      ...(name === undefined ? {} : { name }),
      official: this.#official[this.#yearOf(i) - FIRST_YEAR] === 1,
    };
  }

  /**
   * The n-th working day after `date` (n > 0), or before it (n < 0); `date` itself is day 0.
   * @example cn.addWorkingDays('2025-09-26', 20) // { date: '2025-10-30', provisional: false, missingYears: [] }
   */
  addWorkingDays(date: IsoDate, n: number): WorkingDayResult {
    const from = toEpochDay(date);
    const to = this.addWorkingEpochDays(from, n);
    const missingYears = n >= 0 ? this.#missingYears(from + 1, to) : this.#missingYears(to, from - 1);
    return { date: fromEpochDay(to), provisional: missingYears.length > 0, missingYears };
  }

  /** Hot-path form of {@link addWorkingDays} on epoch days, without the provisional check. */
  addWorkingEpochDays(day: number, n: number): number {
    const i = this.#index(day, day);
    if (!Number.isInteger(n)) throw new RangeError(`working days must be a whole number, got ${n}`);
    if (n === 0) return day;
    const k = n > 0 ? this.#before[i + 1]! + n - 1 : this.#before[i]! + n;
    if (k < 0 || k >= this.#position.length) throw new DateOutOfCalendarRange(this.id, `${fromEpochDay(day)} ${n > 0 ? '+' : ''}${n} working days`, this.range);
    return this.#position[k]! + this.#start;
  }

  /**
   * Working days after `from` up to and including `to` (negative when `to` is before `from`).
   * @example cn.workingDaysBetween('2025-09-26', '2025-10-30').days // 20
   */
  workingDaysBetween(from: IsoDate, to: IsoDate): WorkingDayCount {
    const a = toEpochDay(from);
    const b = toEpochDay(to);
    const days = this.workingEpochDaysBetween(a, b);
    const missingYears = b >= a ? this.#missingYears(a + 1, b) : this.#missingYears(b + 1, a);
    return { days, provisional: missingYears.length > 0, missingYears };
  }

  /** Hot-path form of {@link workingDaysBetween} on epoch days. */
  workingEpochDaysBetween(a: number, b: number): number {
    const i = this.#index(a, a);
    const j = this.#index(b, b);
    return this.#before[j + 1]! - this.#before[i + 1]!;
  }

  /** Whether the calendar has official data for a year. @example cn.hasOfficialYear(2027) // false until the notice is loaded */
  hasOfficialYear(year: number): boolean {
    return year >= FIRST_YEAR && year <= LAST_YEAR && this.#official[year - FIRST_YEAR] === 1;
  }

  /** Years between two epoch days (inclusive) without official data. */
  missingYearsBetween(fromDay: number, toDay: number): readonly number[] {
    return this.#missingYears(fromDay, toDay);
  }

  #index(day: number, shown: IsoDate | number): number {
    const i = day - this.#start;
    if (!(i >= 0 && i < this.#kind.length)) throw new DateOutOfCalendarRange(this.id, typeof shown === 'number' ? fromEpochDay(shown) : shown, this.range);
    return i;
  }

  #yearOf(i: number): number {
    let y = Math.min(LAST_YEAR, FIRST_YEAR + Math.floor(i / 365.2425));
    while (y > FIRST_YEAR && this.#yearStart[y - FIRST_YEAR]! > i) y--;
    while (y < LAST_YEAR && this.#yearStart[y + 1 - FIRST_YEAR]! <= i) y++;
    return y;
  }

  #missingYears(fromDay: number, toDay: number): readonly number[] {
    if (toDay < fromDay) return NONE;
    const y1 = this.#yearOf(this.#index(fromDay, fromDay));
    const y2 = this.#yearOf(this.#index(toDay, toDay));
    let missing: number[] | undefined;
    for (let y = y1; y <= y2; y++) if (!this.#official[y - FIRST_YEAR]) (missing ??= []).push(y);
    return missing ? Object.freeze(missing) : NONE;
  }
}
