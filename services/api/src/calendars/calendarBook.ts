import {
  applyCalendarAmended,
  BUILTIN_PROFILES,
  builtinCalendars,
  CALENDAR_AMENDED,
  CALENDAR_AMENDED_VERSION,
  calendarAmendedSchema,
  CalendarRegistry,
  calendarStreamId,
  planCalendarAmendment,
  type CalendarAmended,
  type CalendarChange,
  type IsoDate,
  type WorkingDayCalendar,
} from '@disclosure/calendar';
import { localDate } from '@disclosure/domain';
import { StreamNotFound, WrongExpectedRevision, type EventContext, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { uuidV5 } from '../commands/caseService.js';

/** A recorded event as the book reads it (from a stream read or from the projector's read of all). */
export type CalendarEventRecord = Pick<RecordedEvent, 'id' | 'type' | 'data' | 'streamId' | 'revision'>;

/**
 * The calendars a process counts with: the shipped ones plus every amendment recorded in the
 * calendar streams (`calendar-CN`, …), applied in order. A live registry: each amendment the book
 * learns of — read at start, seen by the projector in its read of all events, found by a periodic
 * {@link CalendarBook.refresh}, or appended by this process — makes a new immutable registry
 * current, so everything holding the book (the API's routes, the case service, the projector, the
 * deadline clock) counts with the new version from then on.
 * @example
 * const calendars = await loadCalendarBook(store); // builtin + amendments
 * calendars.current('CN').hasOfficialYear(2027)
 */
export class CalendarBook extends CalendarRegistry {
  #registry: CalendarRegistry;
  readonly #streams: readonly string[];
  readonly #applied = new Set<string>();
  readonly #revisions = new Map<string, number>();
  readonly #changes: CalendarChange[] = [];

  constructor(base: CalendarRegistry = builtinCalendars()) {
    super();
    this.#registry = base;
    this.#streams = base.ids().map(calendarStreamId);
  }

  override current(id: string): WorkingDayCalendar {
    return this.#registry.current(id);
  }

  override get(id: string, version?: string): WorkingDayCalendar {
    return this.#registry.get(id, version);
  }

  override versions(id: string): readonly WorkingDayCalendar[] {
    return this.#registry.versions(id);
  }

  override ids(): readonly string[] {
    return this.#registry.ids();
  }

  override inForceOn(id: string, date: IsoDate): WorkingDayCalendar {
    return this.#registry.inForceOn(id, date);
  }

  /** A detached registry: the book as it stands, plus `calendar`. */
  override with(calendar: WorkingDayCalendar, inForceFrom?: IsoDate): CalendarRegistry {
    return this.#registry.with(calendar, inForceFrom);
  }

  /** The registry as it stands now (immutable): for a computation that must not see an amendment halfway. */
  snapshot(): CalendarRegistry {
    return this.#registry;
  }

  /** Every calendar change the book applied, oldest first (at start: every amendment ever recorded). */
  changes(): readonly CalendarChange[] {
    return this.#changes;
  }

  /** The revision of a calendar stream's last event the book has applied; `no_stream` when none. */
  revisionOf(calendarId: string): number | 'no_stream' {
    return this.#revisions.get(calendarStreamId(calendarId)) ?? 'no_stream';
  }

  /**
   * Applies a recorded `CalendarAmended` the book has not seen; any other event is ignored. Resolves
   * to the change it made (null when ignored, already applied, or changing nothing).
   */
  apply(event: CalendarEventRecord): CalendarChange | null {
    if (event.type !== CALENDAR_AMENDED || this.#applied.has(event.id)) return null;
    const recorded = calendarAmendedSchema.parse(event.data);
    const { registry, change } = applyCalendarAmended(this.#registry, recorded);
    this.#applied.add(event.id);
    this.#revisions.set(event.streamId, Math.max(event.revision, this.#revisions.get(event.streamId) ?? -1));
    this.#registry = registry;
    if (change) this.#changes.push(change);
    return change;
  }

  /** Reads what was recorded in the calendar streams since the book last looked (by any process); resolves to the new changes. */
  async refresh(store: EventStore): Promise<CalendarChange[]> {
    const found: CalendarChange[] = [];
    for (const stream of this.#streams) {
      let events: RecordedEvent[];
      try {
        events = await store.read(stream, { from: (this.#revisions.get(stream) ?? -1) + 1 });
      } catch (e) {
        if (e instanceof StreamNotFound) continue;
        throw e;
      }
      for (const e of events) {
        const change = this.apply(e);
        if (change) found.push(change);
      }
    }
    return found;
  }
}

/**
 * The calendars of a deployment: the shipped data and every amendment recorded in the store.
 * @example const calendars = await loadCalendarBook(store);
 */
export async function loadCalendarBook(store: EventStore, base: CalendarRegistry = builtinCalendars()): Promise<CalendarBook> {
  const book = new CalendarBook(base);
  await book.refresh(store);
  return book;
}

/** What loading an amendment did. */
export interface AmendmentResult {
  readonly calendarId: string;
  /** False when the calendar already said all of it (loaded before, here or by another process). */
  readonly appended: boolean;
  readonly previousVersion: string;
  readonly version: string;
  readonly officialYears: readonly number[];
  readonly inForceFrom: IsoDate | null;
  readonly eventId: string | null;
}

/** The amendment could not be recorded: the calendar stream kept changing under it. */
export class CalendarStreamContended extends Error {
  override readonly name = 'CalendarStreamContended';
  constructor(readonly calendarId: string) {
    super(`calendar ${calendarId} was amended by others at the same time; try again`);
  }
}

const ATTEMPTS = 5;

/**
 * Records an amendment of a calendar as a `CalendarAmended` event in its stream (a validated
 * amendment, the version it makes, in force from today in the calendar's time zone) and applies it
 * to the book. The event id is derived from the version amended and the amendment's content, and
 * an amendment that changes nothing is not recorded: loading the same file twice appends nothing.
 * A concurrent amendment makes it read the stream again and plan again. Throws what
 * `planCalendarAmendment` throws for an amendment that cannot be loaded.
 * @example await amendCalendarStream(store, book, 'CN', JSON.parse(file), { actor: 'admin-1', agency: 'demo', role: 'admin', correlationId, causationId: null, occurredAt: now.toISOString() })
 */
export async function amendCalendarStream(store: EventStore, book: CalendarBook, calendarId: string, input: unknown, context: EventContext): Promise<AmendmentResult> {
  const stream = calendarStreamId(calendarId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    await book.refresh(store);
    const plan = planCalendarAmendment(book, calendarId, input, localDate(context.occurredAt, calendarTimeZone(calendarId)));
    if (!plan) return unchanged(book, calendarId);
    const id = uuidV5(`${stream}/${plan.previousVersion}/${plan.amendmentVersion}`);
    try {
      const r = await store.append(stream, [{ id, type: CALENDAR_AMENDED, version: CALENDAR_AMENDED_VERSION, data: plan, metadata: context }], { expectedRevision: book.revisionOf(calendarId) });
      await book.refresh(store); // the event as stored: a duplicate is the one another process recorded first
      return recorded(plan, !r.duplicate, id);
    } catch (e) {
      if (!(e instanceof WrongExpectedRevision)) throw e;
    }
  }
  throw new CalendarStreamContended(calendarId);
}

function unchanged(book: CalendarBook, calendarId: string): AmendmentResult {
  const current = book.current(calendarId);
  return { calendarId, appended: false, previousVersion: current.version, version: current.version, officialYears: current.data.officialYears, inForceFrom: null, eventId: null };
}

function recorded(plan: CalendarAmended, appended: boolean, eventId: string): AmendmentResult {
  return { calendarId: plan.calendarId, appended, previousVersion: plan.previousVersion, version: plan.version, officialYears: plan.officialYears, inForceFrom: plan.inForceFrom, eventId };
}

/** The time zone a calendar's days are counted in: that of the profiles counting with it (UTC for one no profile uses). @example calendarTimeZone('CN') // 'Asia/Shanghai' */
export function calendarTimeZone(calendarId: string): string {
  return BUILTIN_PROFILES.find((p) => p.calendarId === calendarId)?.timeZone ?? 'UTC';
}
