import type { EventStore, ReadAllOptions, RecordedEvent } from '../port/eventStore.js';

/** The default page of `readAll`, as the adapters have it. */
const DEFAULT_LIMIT = 1_000;

/**
 * `store`, with a `readAll` that remembers the last page it read, so that a second consumer reading
 * the same stretch of the log right after the first — in one worker, the webhook outbox after the
 * projector — is answered from it instead of by a second query (the server reading, and the worker
 * receiving and parsing, every event twice). Everything else is passed through.
 *
 * A page `readAll` gave is a prefix of the log as it will always be (it never skips an event that
 * commits later), so it is a right answer for any later reader too: from anywhere between its start
 * and its last event, the events after that, up to the reader's limit. It may be shorter than what the
 * store would give by now — a page is at most a page — but never empty: a reader at or past its end,
 * or before its start, reads the store.
 * @example const store = sharingReadAll(await openEventStore(config)); new Projector({ store, … }); new OutboxFeeder({ store, … });
 */
export function sharingReadAll(store: EventStore): EventStore {
  let last: { readonly after: bigint; readonly events: readonly RecordedEvent[] } | undefined;
  const fromLast = (after: bigint, limit: number): RecordedEvent[] | undefined => {
    if (!last || last.events.length === 0) return undefined;
    const { events } = last;
    // it holds every event after `last.after` up to its last one: a reader from anywhere in between gets the rest of it
    if (after < last.after || after >= events[events.length - 1]!.position) return undefined;
    let lo = 0; // the first event after `after` (positions ascend)
    let hi = events.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid]!.position <= after) lo = mid + 1;
      else hi = mid;
    }
    return events.slice(lo, lo + limit);
  };
  return {
    append: (...args) => store.append(...args),
    read: (...args) => store.read(...args),
    async readAll(options: ReadAllOptions = {}) {
      const after = options.fromPosition ?? -1n;
      const limit = options.limit ?? DEFAULT_LIMIT;
      const shared = limit > 0 ? fromLast(after, limit) : undefined;
      if (shared) return shared;
      const events = await store.readAll(options);
      if (events.length > 0) last = { after, events }; // an empty page tells a later reader nothing
      return events.slice();
    },
    backlog: (...args) => store.backlog(...args),
    subscribeToAll: (...args) => store.subscribeToAll(...args),
    close: () => store.close(),
  };
}
