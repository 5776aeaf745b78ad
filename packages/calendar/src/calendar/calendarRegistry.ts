import { chinaOfficialCalendarData } from '../sources/chinaOfficial.js';
import { RULE_CALENDARS, ruleCalendarData } from '../sources/dateHolidaysCalendars.js';
import { UnknownCalendar } from './errors.js';
import { WorkingDayCalendar } from './workingDayCalendar.js';

/**
 * Every calendar version the engine knows, by id. Immutable: `with` returns a new registry, and a
 * version once known stays resolvable, so a due date computed last year can be recomputed exactly.
 * @example
 * const registry = builtinCalendars();
 * registry.current('CN').version         // the newest CN version
 * registry.get('CN', oldVersion)         // still there after an amendment
 */
export class CalendarRegistry {
  readonly #versions: ReadonlyMap<string, readonly WorkingDayCalendar[]>;
  readonly #lazy: ReadonlyMap<string, () => WorkingDayCalendar>;

  constructor(calendars: readonly WorkingDayCalendar[] = [], lazy: ReadonlyMap<string, () => WorkingDayCalendar> = new Map()) {
    const versions = new Map<string, WorkingDayCalendar[]>();
    for (const c of calendars) {
      const list = versions.get(c.id) ?? [];
      if (!list.some((v) => v.version === c.version)) list.push(c);
      versions.set(c.id, list);
    }
    this.#versions = versions;
    this.#lazy = lazy;
  }

  /** The newest version of a calendar. @example registry.current('GB-UK') */
  current(id: string): WorkingDayCalendar {
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

  /** A registry that also knows `calendar` (as the newest version of its id unless already known). */
  with(calendar: WorkingDayCalendar): CalendarRegistry {
    const base = this.#lazy.has(calendar.id) || this.#versions.has(calendar.id) ? this.#list(calendar.id) : [];
    const others = [...this.#versions].filter(([id]) => id !== calendar.id).flatMap(([, list]) => list);
    return new CalendarRegistry([...others, ...base, calendar], this.#lazy);
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
