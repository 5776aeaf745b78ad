import type { AllSubscription, ReadAllOptions, RecordedEvent, SubscribeOptions } from '../port/eventStore.js';

/** Reads a page of all events after a position. */
export type ReadAllPage = (options: ReadAllOptions) => Promise<RecordedEvent[]>;
/** Starts listening for "something was appended" hints; resolves to a stop function. */
export type ChangeListener = (onChange: () => void) => Promise<() => Promise<void>>;

/** How long a caught-up subscription waits without a hint before it looks again. */
const IDLE_POLL_MS = 250;

/**
 * A catch-up subscription over any store's `readAll`: it pages from the checkpoint, then waits for
 * a change hint (NOTIFY) or a short poll, so an event held back by a slow transaction is picked up
 * as soon as it commits. At-least-once across restarts, exactly-once within one subscription:
 * consumers store the position of the last event they handled and resume from it.
 * @example for await (const e of store.subscribeToAll({ fromPosition: checkpoint })) await handle(e);
 */
export function catchUpSubscription(readAll: ReadAllPage, listen: ChangeListener, options: SubscribeOptions = {}): AllSubscription {
  const batchSize = options.batchSize ?? 500;
  let stopped = false;
  let wake: (() => void) | undefined;
  let changed = false;
  const onChange = () => {
    changed = true;
    wake?.();
  };
  const unlisten = listen(onChange);

  async function* events(): AsyncGenerator<RecordedEvent> {
    await unlisten;
    let position = options.fromPosition;
    while (!stopped) {
      changed = false;
      const page = await readAll({ ...(position === undefined ? {} : { fromPosition: position }), limit: batchSize });
      for (const e of page) {
        if (stopped) return;
        yield e;
        position = e.position;
      }
      if (page.length < batchSize && !changed && !stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  }

  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    async stop() {
      stopped = true;
      wake?.();
      await (await unlisten)();
      await iterator.return(undefined);
    },
  };
}
