import type { Kysely } from 'kysely';
import type { CalendarRegistry } from '@disclosure/calendar';
import type { EventStore } from '@disclosure/event-store';
import { Projector, type ReadModelDatabase } from '@disclosure/read-models';

/** The worker's loops, run in the API process by `pnpm start` or on their own. */
export interface Worker {
  /** Events not yet projected and the age of the oldest, for /metrics. */
  lag(): Promise<{ events: number; seconds: number }>;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly calendars: CalendarRegistry;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void };
  /** How long to wait when caught up before looking again. */
  readonly idleMs?: number;
}

/**
 * Starts the projector loop: steps while there is work, waits a moment when caught up, and on an
 * error (a store down) logs it and retries with backoff — it never gives up while the process runs.
 * @example const worker = startWorker({ store, db, calendars, log: app.log }); … await worker.stop();
 */
export function startWorker(options: WorkerOptions): Worker {
  const projector = new Projector({ store: options.store, db: options.db, calendars: options.calendars });
  let stopping = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const loop = (async () => {
    let backoff = 250;
    while (!stopping) {
      try {
        const r = await projector.step();
        backoff = 250;
        if (r.caughtUp) await sleep(options.idleMs ?? 200);
      } catch (err) {
        options.log.error({ err }, 'projector step failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  })();
  return {
    lag: async () => (await projector.status()).lag,
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
