import type { EventStore } from '@disclosure/event-store';

/**
 * `store` with some of its operations replaced — a store that fails partway, counts, or appends under
 * the reader's feet — and every other one passed through to it.
 * @example storeWith(app.store, { append: () => Promise.reject(new Error('killed')) })
 */
export function storeWith(store: EventStore, overrides: Partial<EventStore>): EventStore {
  return {
    append: (...args) => store.append(...args),
    read: (...args) => store.read(...args),
    readAll: (...args) => store.readAll(...args),
    backlog: (...args) => store.backlog(...args),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    close: () => store.close(),
    ...overrides,
  };
}
