import { createHash, randomUUID } from 'node:crypto';
import type { CalendarRegistry } from '@disclosure/calendar';
import { decide, foldCase, initialCaseState, isDomainError, parseCaseEvent, type CaseCommand, type CaseState } from '@disclosure/domain';
import { StreamNotFound, WrongExpectedRevision, type EventStore, type NewEvent, type RecordedEvent } from '@disclosure/event-store';
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
}

/**
 * load → fold → decide → append: how every HTTP command reaches the case stream. Reads come from
 * the stream itself, so what a caller gets back is exactly what was decided on.
 * @example await cases.execute(command, { role: 'caseworker', correlationId, ifMatch: 3 })
 */
export class CaseService {
  constructor(
    readonly store: EventStore,
    readonly calendars: CalendarRegistry,
  ) {}

  /** The case, or 404 when it does not exist or belongs to another agency. */
  async load(caseId: string, agency: string): Promise<LoadedCase> {
    const loaded = await this.#tryLoad(caseId, agency);
    if (!loaded || loaded.state.agency !== agency) throw new HttpProblem('not-found', 'no such case');
    return loaded;
  }

  /** The case folded from its stream; null when there is none, or (given `agency`) it was received by another agency. */
  async #tryLoad(caseId: string, agency?: string): Promise<LoadedCase | null> {
    let events: RecordedEvent[];
    try {
      events = await this.store.read(caseId);
    } catch (e) {
      if (e instanceof StreamNotFound) return null;
      throw e;
    }
    if (agency !== undefined && events[0]!.metadata.agency !== agency) return null; // before folding: another agency's case does not even fail here
    let state = initialCaseState();
    for (const e of events) {
      try {
        state = foldCase([parseCaseEvent(e)], state);
      } catch (err) {
        // a stored event its schema or the workflow refuses (a row edited in the database): named, never a 500
        throw new HttpProblem('history-not-replayable', `event ${e.revision} (${e.type}) of this case does not replay: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`, { revision: e.revision, eventId: e.id, eventType: e.type });
      }
    }
    return { state, revision: events[events.length - 1]!.revision, events };
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
    try {
      await this.store.append(command.caseId, events, { expectedRevision: current ? current.revision : 'no_stream' });
    } catch (e) {
      if (e instanceof WrongExpectedRevision) throw new HttpProblem('concurrent-update', 'the case changed while this command was decided; read it again and retry', { currentRevision: e.actual === 'no_stream' ? null : e.actual });
      throw e;
    }
    return this.#after(command.caseId, events.length);
  }

  /**
   * A new case: decided on the initial state and appended with `no_stream`, with no read before
   * (a stream that does not exist yet has nothing to read: two round trips and a StreamNotFound
   * saved per case created). When the stream does exist after all — a retried or racing creation
   * with a deterministic id — nothing is appended and it answers undefined, so that `execute` takes
   * the ordinary path, whose load gives the answer it always gave (the workflow's refusal); so does
   * a command the domain refuses, whose refusal then comes from the state actually stored.
   */
  async #createNew(command: CaseCommand, context: CommandContext): Promise<(LoadedCase & { readonly appended: number }) | undefined> {
    const decided = decide(initialCaseState(), command, { calendars: this.calendars });
    if (isDomainError(decided)) return undefined; // refused on a new case; an existing one may refuse it otherwise
    const events = this.#newEvents(decided, command, context);
    try {
      if ((await this.store.append(command.caseId, events, { expectedRevision: 'no_stream' })).duplicate) return undefined;
    } catch (e) {
      if (e instanceof WrongExpectedRevision) return undefined;
      throw e;
    }
    return this.#after(command.caseId, events.length);
  }

  #newEvents(decided: readonly { type: string; version: number; data: unknown }[], command: CaseCommand, context: CommandContext): NewEvent[] {
    return decided.map((e, i) => ({
      id: context.eventId?.(i) ?? randomUUID(),
      type: e.type,
      version: e.version,
      data: e.data,
      metadata: { actor: command.actor.id, agency: command.actor.agency, role: context.role, correlationId: context.correlationId, causationId: null, occurredAt: command.at },
    }));
  }

  /** The case as stored after an append: what the caller gets back is what the stream holds. */
  async #after(caseId: string, appended: number): Promise<LoadedCase & { readonly appended: number }> {
    const after = await this.#tryLoad(caseId);
    return { ...after!, appended };
  }
}

/**
 * A name-based uuid (RFC 9562 version 5, SHA-1): the same name always gives the same id, so a
 * retried creation appends the same event ids and the store recognises the retry.
 * @example uuidV5('demo/intake/PORTAL-1')
 */
export function uuidV5(name: string, namespace = '6ba7b811-9dad-11d1-80b4-00c04fd430c8'): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
