import type { IsoDate } from '../dates/isoDate.js';
import { chinaOfficialCalendarData } from '../sources/chinaOfficial.js';
import { RULE_CALENDARS, ruleCalendarData } from '../sources/dateHolidaysCalendars.js';
import { UnknownCalendar } from './errors.js';
import { WorkingDayCalendar } from './workingDayCalendar.js';

/** One step of a calendar's history: the version that became current, and from which day. */
export interface CalendarEpoch {
  readonly calendar: WorkingDayCalendar;
  /** The first day it is in force (the day its amendment was loaded); none: as if it always had been. */
  readonly from?: IsoDate;
}

/**
 * Every calendar version the engine knows, by id. Immutable: `with` returns a new registry, and a
 * version once known stays resolvable, so a due date computed last year can be recomputed exactly.
 * Besides its versions, each id has a history of which version became current on which day, so a
 * clock that stopped before an amendment keeps its dates ({@link CalendarRegistry.inForceOn}).
 * @example
 * const registry = builtinCalendars();
 * registry.current('CN').version         // the newest CN version
 * registry.get('CN', oldVersion)         // still there after an amendment
 */
export class CalendarRegistry {
  readonly #versions: ReadonlyMap<string, readonly WorkingDayCalendar[]>;
  readonly #lazy: ReadonlyMap<string, () => WorkingDayCalendar>;
  /** Per id, when one was given: which version became current on which day, oldest first. */
  readonly #history: ReadonlyMap<string, readonly CalendarEpoch[]>;

  constructor(calendars: readonly WorkingDayCalendar[] = [], lazy: ReadonlyMap<string, () => WorkingDayCalendar> = new Map(), history: ReadonlyMap<string, readonly CalendarEpoch[]> = new Map()) {
    const versions = new Map<string, WorkingDayCalendar[]>();
    for (const c of calendars) {
      const list = versions.get(c.id) ?? [];
      if (!list.some((v) => v.version === c.version)) list.push(c);
      versions.set(c.id, list);
    }
    this.#versions = versions;
    this.#lazy = lazy;
    this.#history = history;
  }

  /** The newest version of a calendar. @example registry.current('GB-UK') */
  current(id: string): WorkingDayCalendar {
    const history = this.#history.get(id);
    if (history) return history[history.length - 1]!.calendar;
    const list = this.#list(id);
    return list[list.length - 1]!;
  }

  /** A calendar at a given version (the newest when no version is given). */
  get(id: string, version?: string): WorkingDayCalendar {
    if (version === undefined) return this.current(id);
    const found = this.#list(id).find((c) => c.version === version);
    if (!found) throw new UnknownCalendar(id, version);
    return found;
  }

  /** All versions of a calendar, oldest first. */
  versions(id: string): readonly WorkingDayCalendar[] {
    return this.#list(id);
  }

  /** Ids of every calendar known. */
  ids(): readonly string[] {
    return [...new Set([...this.#lazy.keys(), ...this.#versions.keys()])].sort();
  }

  /**
   * The version that was current on `date`: the one a clock that stopped that day counts with, so a
   * closed case keeps the due date it had when it closed, whatever is amended later.
   * @example registry.with(cn2027, '2026-11-23').inForceOn('CN', '2026-11-20') === cn // true
   */
  inForceOn(id: string, date: IsoDate): WorkingDayCalendar {
    const history = this.#history.get(id);
    if (!history) return this.current(id);
    for (let i = history.length - 1; i >= 0; i--) {
      const { calendar, from } = history[i]!;
      if (from === undefined || from <= date) return calendar;
    }
    return history[0]!.calendar;
  }

  /**
   * A registry in which `calendar` is the current version of its id, from `inForceFrom` on when
   * given (else as if it always had been). A version already known is reused, not duplicated; one
   * already current changes nothing.
   * @example builtinCalendars().with(amendCalendar(cn, notice2027), '2026-11-23').current('CN').hasOfficialYear(2027) // true
   */
  with(calendar: WorkingDayCalendar, inForceFrom?: IsoDate): CalendarRegistry {
    const base = this.#lazy.has(calendar.id) || this.#versions.has(calendar.id) ? this.#list(calendar.id) : [];
    const known = base.find((c) => c.version === calendar.version);
    if (known && this.current(calendar.id) === known) return this;
    const others = [...this.#versions].filter(([id]) => id !== calendar.id).flatMap(([, list]) => list);
    const before = this.#history.get(calendar.id) ?? base.map((c) => ({ calendar: c }));
    const history = new Map(this.#history).set(calendar.id, [...before, { calendar: known ?? calendar, ...(inForceFrom === undefined ? {} : { from: inForceFrom }) }]);
    return new CalendarRegistry([...others, ...base, calendar], this.#lazy, history);
  }

  #list(id: string): readonly WorkingDayCalendar[] {
    const known = this.#versions.get(id);
    if (known) return known;
    const make = this.#lazy.get(id);
    if (!make) throw new UnknownCalendar(id);
    const made = [make()];
    (this.#versions as Map<string, readonly WorkingDayCalendar[]>).set(id, made); // memoised build, not a visible change
    return made;
  }
}

const builders = new Map<string, () => WorkingDayCalendar>([
  ['CN', () => new WorkingDayCalendar(chinaOfficialCalendarData())],
  ...RULE_CALENDARS.map((c) => [c.id, () => new WorkingDayCalendar(ruleCalendarData(c.id)!)] as const),
]);

let builtin: CalendarRegistry | undefined;

/** The calendars shipped with the engine (CN, GB-EAW, GB-SCT, GB-NIR, GB-UK, US-FED, IE, AU-FED, AU-NSW), built on first use. */
export function builtinCalendars(): CalendarRegistry {
  return (builtin ??= new CalendarRegistry([], builders));
}
