import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent } from '@disclosure/event-store';

/** What the contract suite needs from one adapter under test. */
export interface StoreFixture {
  readonly name: string;
  /** A fresh, empty store of its own. */
  open(): Promise<EventStore>;
  /** Whether independent appends can run at the same time (a server) or queue one by one (PGlite). */
  readonly concurrentTransactions: boolean;
  /** Starts an append whose transaction stays open until `commit` is called (a second call does nothing). */
  holdOpenAppend?(store: EventStore, streamId: string, events: readonly NewEvent[]): Promise<{ commit(): Promise<void>; done: Promise<unknown> }>;
  /** Changes a stored event's data behind the store's back (an insider editing the database). */
  tamper?(store: EventStore, streamId: string, revision: number): Promise<void>;
  /** Drops everything the fixture created. */
  cleanup(): Promise<void>;
}


/** A new event with a fresh id. */
export function anEvent(type = 'ThingHappened', data: unknown = { n: 1 }, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    version: 1,
    data,
    metadata: { actor: 'cw-li', agency: 'demo', role: 'caseworker', correlationId: randomUUID(), causationId: null, occurredAt: '2025-09-26T02:00:00.000Z' },
    ...overrides,
  };
}

export const events = (n: number, type = 'ThingHappened') => Array.from({ length: n }, (_, i) => anEvent(type, { n: i }));

/** A schema name no other test file uses. */
export const uniqueSchema = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
