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
    const loaded = await this.#tryLoad(caseId);
    if (!loaded || loaded.state.agency !== agency) throw new HttpProblem('not-found', 'no such case');
    return loaded;
  }

  async #tryLoad(caseId: string): Promise<LoadedCase | null> {
    try {
      const events = await this.store.read(caseId);
      return { state: foldCase(events.map((e) => parseCaseEvent(e)), initialCaseState()), revision: events[events.length - 1]!.revision, events };
    } catch (e) {
      if (e instanceof StreamNotFound) return null;
      throw e;
    }
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

  /** Decides and appends a command; answers with the case after it. */
  async execute(command: CaseCommand, context: CommandContext): Promise<LoadedCase & { readonly appended: number }> {
    const { current, decided } = await this.#decide(command, context);
    const events: NewEvent[] = decided.map((e, i) => ({
      id: context.eventId?.(i) ?? randomUUID(),
      type: e.type,
      version: e.version,
      data: e.data,
      metadata: { actor: command.actor.id, agency: command.actor.agency, role: context.role, correlationId: context.correlationId, causationId: null, occurredAt: command.at },
    }));
    try {
      await this.store.append(command.caseId, events, { expectedRevision: current ? current.revision : 'no_stream' });
    } catch (e) {
      if (e instanceof WrongExpectedRevision) throw new HttpProblem('concurrent-update', 'the case changed while this command was decided; read it again and retry', { currentRevision: e.actual === 'no_stream' ? null : e.actual });
      throw e;
    }
    const after = await this.#tryLoad(command.caseId);
    return { ...after!, appended: events.length };
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
