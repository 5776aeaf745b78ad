import { randomUUID } from 'node:crypto';
import type { CalendarRegistry } from '@disclosure/calendar';
import { decide, foldCase, initialCaseState, isDomainError, parseCaseEvent, type CaseCommand, type CaseCommandOf, type CaseState } from '@disclosure/domain';
import { keepWithin, StreamNotFound, WrongExpectedRevision, type AppendResult, type EventStore, type NewEvent, type RecordedEvent } from '@disclosure/event-store';
import { fromDomainError, HttpProblem } from '../http/problems.js';

/** A case as its stream says right now. */
export interface LoadedCase {
  readonly state: CaseState;
  /** The revision of its last event: the ETag. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

export interface CommandContext {
  /** The role the actor acts in (recorded in the metadata). */
  readonly role: string;
  readonly correlationId: string;
  /** The case's revision the client last saw (If-Match); a stale one is refused with 412. */
  readonly ifMatch?: number;
  /** Deterministic event ids (idempotent creation); random when absent. */
  readonly eventId?: (index: number) => string;
  /** The event that caused this command (a referral that creates a linked case), recorded in the metadata. */
  readonly causationId?: string;
}

/** Cases a {@link CaseService} keeps folded unless told otherwise (`CASE_CACHE_SIZE`). */
export const DEFAULT_CASE_CACHE_SIZE = 5_000;

export interface CaseServiceOptions {
  /** How many cases, most recently used, it keeps folded in memory (0: none); default {@link DEFAULT_CASE_CACHE_SIZE}. */
  readonly cacheSize?: number;
}

/**
 * load → fold → decide → append: how every HTTP command reaches the case stream. Reads come from
 * the stream itself, so what a caller gets back is exactly what was decided on.
 *
 * The cases it has folded lately are kept (a bounded cache, most recently used): loading one again
 * reads the stream from the last event it holds — one statement, one row when nothing is new — and
 * folds only the events after it, once that event is found as it was (same id and hash). Every load
 * still asks the stream, so a case changed by another process is never answered stale, and a stream
 * that lost or replaced its last events (a restore, a failover) is read whole again; the cache saves
 * the parsing and folding of what was already folded. An earlier event's data edited in the
 * database under a running process is not seen by that process's loads of a case it holds (it keeps
 * what was recorded); the audit's chain check is what finds such an edit.
 * @example await cases.execute(command, { role: 'caseworker', correlationId, ifMatch: 3 })
 */
export class CaseService {
  readonly #folded: FoldedCases;

  constructor(
    readonly store: EventStore,
    readonly calendars: CalendarRegistry,
    options: CaseServiceOptions = {},
  ) {
    this.#folded = new FoldedCases(options.cacheSize ?? DEFAULT_CASE_CACHE_SIZE);
  }

  /** The case, or 404 when it does not exist or belongs to another agency. */
  async load(caseId: string, agency: string): Promise<LoadedCase> {
    const loaded = await this.#tryLoad(caseId, agency);
    if (!loaded || loaded.state.agency !== agency) throw new HttpProblem('not-found', 'no such case');
    return loaded;
  }

  /** The case folded from its stream; null when there is none, or (given `agency`) it was received by another agency. */
  async #tryLoad(caseId: string, agency?: string): Promise<LoadedCase | null> {
    const known = this.#folded.get(caseId);
    // before reading or folding: another agency's case does not even fail here
    if (known && agency !== undefined && known.events[0]!.metadata.agency !== agency) return null;
    let events: RecordedEvent[];
    try {
      events = await this.store.read(caseId, known ? { from: known.revision } : {});
    } catch (e) {
      if (!(e instanceof StreamNotFound)) throw e;
      this.#folded.forget(caseId);
      return null;
    }
    if (known) {
      // read from the held fold's last event: the stream must still hold it, as it was, for the fold to go on from it
      const [joint, ...newer] = events;
      const last = known.events[known.events.length - 1]!;
      if (joint?.id === last.id && joint.metadata.hash === last.metadata.hash) return this.#folded.keep(caseId, newer.length === 0 ? known : this.#replay(known, newer));
      // it does not (a database restored or failed over to one that lost commits, a row edited): read it whole
      this.#folded.forget(caseId);
      return this.#tryLoad(caseId, agency);
    }
    if (agency !== undefined && events[0]!.metadata.agency !== agency) return null;
    return this.#folded.keep(caseId, this.#replay(null, events));
  }

  /** The case `before` (null: none yet) followed by stored `events`: each event parsed with its schema, then folded. */
  #replay(before: LoadedCase | null, events: readonly RecordedEvent[]): LoadedCase {
    let state = before?.state ?? initialCaseState();
    for (const e of events) {
      try {
        state = foldCase([parseCaseEvent(e)], state);
      } catch (err) {
        // a stored event its schema or the workflow refuses (a row edited in the database): named, never a 500
        throw new HttpProblem('history-not-replayable', `event ${e.revision} (${e.type}) of this case does not replay: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`, { revision: e.revision, eventId: e.id, eventType: e.type });
      }
    }
    return { state, revision: events[events.length - 1]!.revision, events: before ? [...before.events, ...events] : events };
  }

  /** Throws what `execute` would refuse the command with (404, 412, the domain's refusal) without appending anything. */
  async check(command: CaseCommand, context: CommandContext): Promise<void> {
    await this.#decide(command, context);
  }

  async #decide(command: CaseCommand, context: CommandContext) {
    const current = await this.#tryLoad(command.caseId);
    if (command.type !== 'receiveRequest' && (!current || current.state.agency !== command.actor.agency)) throw new HttpProblem('not-found', 'no such case');
    if (context.ifMatch !== undefined && current && context.ifMatch !== current.revision)
      throw new HttpProblem('precondition-failed', `If-Match is "${context.ifMatch}", the case is at "${current.revision}"`, { currentRevision: current.revision });
    const state = current?.state ?? initialCaseState();
    const decided = decide(state, command, { calendars: this.calendars });
    if (isDomainError(decided)) throw fromDomainError(decided);
    return { current, decided };
  }

  /**
   * Decides and appends a command; answers with the case after it. A request received (a new case)
   * is first tried without reading its stream: see {@link CaseService.#createNew}.
   */
  async execute(command: CaseCommand, context: CommandContext): Promise<LoadedCase & { readonly appended: number }> {
    const created = command.type === 'receiveRequest' && context.ifMatch === undefined ? await this.#createNew(command, context) : undefined;
    if (created) return created;
    const { current, decided } = await this.#decide(command, context);
    const events = this.#newEvents(decided, command, context);
    let result: AppendResult;
    try {
      result = await this.store.append(command.caseId, events, { expectedRevision: current ? current.revision : 'no_stream' });
    } catch (e) {
      if (!(e instanceof WrongExpectedRevision)) throw e;
      this.#folded.forget(command.caseId); // the stream is not where the fold decided on says: the next load reads it whole
      throw new HttpProblem('concurrent-update', 'the case changed while this command was decided; read it again and retry', { currentRevision: e.actual === 'no_stream' ? null : e.actual });
    }
    return this.#after(command.caseId, current, result, events.length);
  }

  /**
   * A new case: decided on the initial state and appended with `no_stream`, with no read before
   * (a stream that does not exist yet has nothing to read: two round trips and a StreamNotFound
   * saved per case created). When the stream does exist after all — a retried or racing creation
   * with a deterministic id — nothing is appended and it answers undefined, so that `execute` takes
   * the ordinary path, whose load gives the answer it always gave (the workflow's refusal); so does
   * a command the domain refuses, whose refusal then comes from the state actually stored.
   */
  async #createNew(command: CaseCommandOf<'receiveRequest'>, context: CommandContext): Promise<(LoadedCase & { readonly appended: number }) | undefined> {
    try {
      return await this.createWith(command, [], context);
    } catch (e) {
      if (e instanceof HttpProblem) return undefined; // refused on a new case; an existing one may refuse it otherwise
      throw e;
    }
  }

  /**
   * A new case received with further commands decided on it at once (a referred request and its
   * link to the case it came from): the events of all of them are appended together with
   * `no_stream`, so neither a retry nor a crash leaves the receipt without the rest. Answers
   * undefined, appending nothing, when the stream exists already (a retry with deterministic ids);
   * throws the domain's refusal of any of the commands.
   * @example await cases.createWith(receive, [link], { role: 'integrator', correlationId, eventId: (i) => uuidV5(`${caseId}/${i}`) })
   */
  async createWith(receive: CaseCommandOf<'receiveRequest'>, then: readonly CaseCommand[], context: CommandContext): Promise<(LoadedCase & { readonly appended: number }) | undefined> {
    let state = initialCaseState();
    const events: NewEvent[] = [];
    for (const command of [receive, ...then]) {
      const decided = decide(state, command, { calendars: this.calendars });
      if (isDomainError(decided)) throw fromDomainError(decided);
      state = foldCase(decided, state);
      events.push(...this.#newEvents(decided, command, context, events.length));
    }
    let result: AppendResult;
    try {
      result = await this.store.append(receive.caseId, events, { expectedRevision: 'no_stream' });
    } catch (e) {
      if (e instanceof WrongExpectedRevision) return undefined;
      throw e;
    }
    if (result.duplicate) return undefined;
    return 'events' in result ? created(state, result.nextExpectedRevision, result, events.length) : this.#after(receive.caseId, null, result, events.length);
  }

  #newEvents(decided: readonly { type: string; version: number; data: unknown }[], command: CaseCommand, context: CommandContext, first = 0): NewEvent[] {
    return decided.map((e, i) => ({
      id: context.eventId?.(first + i) ?? randomUUID(),
      type: e.type,
      version: e.version,
      data: e.data,
      metadata: { actor: command.actor.id, agency: command.actor.agency, role: context.role, correlationId: context.correlationId, causationId: context.causationId ?? null, occurredAt: command.at },
    }));
  }

  /**
   * The case as stored after an append of `count` events decided on `before`: what the caller gets
   * back is what the stream holds. When the store hands back the events as stored, they are folded
   * onto `before` — the expected revision made sure they follow it — instead of reading and folding
   * the whole stream again; otherwise, and after a duplicate (deterministic ids stored already:
   * nothing appended), the stream is read.
   */
  async #after(caseId: string, before: LoadedCase | null, result: AppendResult, count: number): Promise<LoadedCase & { readonly appended: number }> {
    if (result.events && !result.duplicate) {
      const after = this.#replay(before, result.events);
      // a new case is held once it is read, not when created: under a stream of requests received,
      // holding each would keep thousands alive past their first scavenges, for the garbage collector to copy
      return { ...(before ? this.#folded.keep(caseId, after) : after), appended: count };
    }
    const after = await this.#tryLoad(caseId);
    return { ...after!, appended: result.duplicate ? 0 : count };
  }
}

/**
 * A case just created, as its decisions folded it: the same state a replay of its stored events
 * gives (the domain's specs check that every event the decider makes reads back from storage as
 * itself: packages/domain/test/support/caseFactory.ts), so the events are not read back through
 * their schemas and folded again; the stored events are built (their JSON parsed back) only when
 * someone asks for them (an Idempotency-Key's comparison).
 */
function created(state: CaseState, revision: number, result: { readonly events?: readonly RecordedEvent[] }, appended: number): LoadedCase & { readonly appended: number } {
  return Object.defineProperty({ state, revision, appended } as LoadedCase & { appended: number }, 'events', { enumerable: true, get: () => result.events! });
}

/**
 * Folded cases by id, at most `capacity`, the least recently used dropped first (a Map keeps
 * insertion order: a case used is moved to the end). A case folded to an older revision than the
 * one held (two loads racing) does not replace it.
 */
class FoldedCases {
  readonly #cases = new Map<string, LoadedCase>();

  constructor(readonly capacity: number) {}

  get(caseId: string): LoadedCase | undefined {
    return this.#cases.get(caseId);
  }

  /** Keeps `loaded` as the case's latest fold (unless a later one is held); answers it. */
  keep(caseId: string, loaded: LoadedCase): LoadedCase {
    if (this.capacity === 0) return loaded;
    const held = this.#cases.get(caseId);
    if (held && held.revision > loaded.revision) return loaded;
    this.#cases.delete(caseId);
    this.#cases.set(caseId, loaded);
    keepWithin(this.#cases, this.capacity);
    return loaded;
  }

  forget(caseId: string): void {
    this.#cases.delete(caseId);
  }
}

/** Name-based ids live with the store whose idempotency they serve; re-exported for the API's callers. */
export { uuidV5 } from '@disclosure/event-store';
