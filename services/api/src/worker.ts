import type { Kysely } from 'kysely';
import type { CalendarRegistry } from '@disclosure/calendar';
import { sharingReadAll, type EventStore } from '@disclosure/event-store';
import { Projector, PROJECTOR_BATCH_SIZE, type ReadModelDatabase } from '@disclosure/read-models';
import { WebhookDispatcher, webhookTables, type PayloadBuilder, type WebhookDispatcherOptions } from '@disclosure/webhooks';
import type { AgencyDirectory } from './agencies/agencyDirectory.js';
import { CalendarBook } from './calendars/calendarBook.js';
import { DeadlineClock } from './clock/deadlineClock.js';
import { CaseService } from './commands/caseService.js';
import { ReferralReactor } from './referrals/referralReactor.js';

/** The worker's loops, run in the API process by `pnpm start` or on their own. */
export interface Worker {
  stop(): Promise<void>;
}

/** The deadline clock's settings. */
export interface ClockSettings {
  /** Working days ahead to warn at (default 5 and 1). */
  readonly thresholds?: readonly number[];
  /** How often it sweeps the open cases (default every minute); at once after a calendar amendment. */
  readonly intervalMs?: number;
  /** Working days after a fee's payment period before the clock records its lapse (default 3). */
  readonly feeSettlementDays?: number;
}

/** The referral reactor's settings (referrals/referralReactor.ts). */
export interface ReferralSettings {
  /** The agencies this instance serves: a referral to one of them creates the linked case here. */
  readonly agencies: AgencyDirectory;
  /** Agencies of other instances (REMOTE_AGENCIES): their referrals travel as webhooks. */
  readonly remoteAgencies?: Iterable<string>;
  /** This instance's name in the referrals it sends (INSTANCE_ID). */
  readonly instanceId: string;
}

export interface WorkerOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  /** The calendars; give the process's {@link CalendarBook} so that the API counts with the amendments the worker learns of. */
  readonly calendars: CalendarRegistry;
  readonly log: { info(o: object, m: string): void; error(o: object, m: string): void; warn?(o: object, m: string): void };
  /** How long to wait when caught up before looking again (default 200 ms). */
  readonly idleMs?: number;
  /**
   * Under a steady stream of events, how long at least from the start of a projector step that read
   * less than a full page (it found the log's end) to the start of the next one (default 100 ms, or
   * `idleMs` when that is shorter): the events of that moment are projected in one transaction
   * instead of a few each in back-to-back ones. Each step costs a score of statements and a commit whatever its
   * size, so the worker spends less on a stream, and the read models stay at most this much (plus
   * a step) behind. A step that read a full page (a backlog) is followed by the next at once.
   */
  readonly lingerMs?: number;
  /**
   * How often, at least, the calendar refresh and the deadline clock get their turn while the
   * projector, the outbox or the referral reactor has not caught up (default every second): a worker
   * kept busy by a steady stream of events still records deadline alerts. When idle they run after
   * each catch-up.
   */
  readonly periodicMs?: number;
  /** The deadline clock, or false for none (default: on, with its defaults). */
  readonly clock?: ClockSettings | false;
  /** How often the calendar streams are read for amendments other processes recorded (default 10 s). */
  readonly calendarRefreshMs?: number;
  /** The worker's clock (today for the deadline clock). */
  readonly now?: () => Date;
  /** The referral reactor (会商/转办), or absent for none. */
  readonly referrals?: ReferralSettings;
  /**
   * The webhook dispatcher: the outbox is fed after each projector step, and the sender runs as a loop
   * of its own (one worker sends at a time, by lease). Absent or false: none (WEBHOOK_DISPATCHER=off, or
   * a database without the webhook tables).
   */
  readonly webhooks?: WebhookSettings | false;
  /** Bodies of the configured subscriptions whose kind is not `events` (referral intake). */
  readonly webhookPayloads?: PayloadBuilder;
}

/** The webhook dispatcher's settings (packages/webhooks): the SSRF guard, the public base URL, timeouts, the retry schedule… */
export type WebhookSettings = Omit<WebhookDispatcherOptions, 'store' | 'db' | 'log' | 'payloadFor'>;

/**
 * Starts the worker loop: the projector steps while there is work, each step followed by one of the
 * webhook outbox (when configured; its sender runs as a loop of its own) and one of the referral
 * reactor (when configured) — in step with the projector, both read the page it has just read. The
 * periodic jobs — the calendar streams looked at for amendments, the deadline clock's sweep when
 * its interval has passed (or a calendar changed) — run once all three have caught up, then it waits
 * a moment; and under sustained load, when they do not catch up, at least every `periodicMs` between
 * two steps. A step that reached the log's end is followed by the next one `lingerMs` after it began,
 * so that a steady stream is projected in batches of that moment's events, not a few at a time. On
 * an error (a store down) it logs it and retries with backoff — it never gives up while the process
 * runs.
 *
 * The projector hands every `CalendarAmended` it reads to the calendar book before it derives the
 * rows of the same batch, so the read models count with the new version from that event on; the
 * clock then records `DeadlineRecomputed` on the open cases whose due dates moved.
 * @example const worker = startWorker({ store, db, calendars, log: app.log }); … await worker.stop();
 */
export function startWorker(options: WorkerOptions): Worker {
  const { log } = options;
  // the outbox and the referral reactor read, right after each projector step, the stretch of the log the projector just read: one query for the three
  const store = sharingReadAll(options.store);
  const now = options.now ?? (() => new Date());
  const calendars = options.calendars instanceof CalendarBook ? options.calendars : new CalendarBook(options.calendars);
  let sweepDue = true; // the clock sweeps at start, and at once after a calendar amendment
  const onOtherEvent = (event: Parameters<CalendarBook['apply']>[0]) => {
    try {
      if (calendars.apply(event)) sweepDue = true;
    } catch (err) {
      log.error({ err, eventId: event.id, stream: event.streamId }, 'a calendar event could not be applied');
    }
  };
  const projector = new Projector({ store, db: options.db, calendars, onOtherEvent });
  const clock = options.clock === false ? undefined : new DeadlineClock({ store, db: options.db, calendars, now, ...(options.clock?.thresholds ? { thresholds: options.clock.thresholds } : {}), ...(options.clock?.feeSettlementDays !== undefined ? { feeSettlementDays: options.clock.feeSettlementDays } : {}) });
  const clockEvery = options.clock === false ? Infinity : (options.clock?.intervalMs ?? 60_000);
  // the referral reactor reads each referred case once or twice: no folded cases for it to hold;
  // it reads as many events a step as the projector, so that one step after each of the projector's keeps up
  const referrals = options.referrals
    ? new ReferralReactor({ store, db: options.db, batchSize: PROJECTOR_BATCH_SIZE, cases: new CaseService(store, calendars, { cacheSize: 0 }), agencies: options.referrals.agencies, remoteAgencies: new Set(options.referrals.remoteAgencies ?? []), instanceId: options.referrals.instanceId, now, log })
    : undefined;
  const webhooks = options.webhooks
    ? new WebhookDispatcher({
        ...options.webhooks,
        store,
        db: webhookTables(options.db), // the webhook tables live beside the read models (migrated by openConfiguredReadModels)
        ...(options.webhookPayloads ? { payloadFor: options.webhookPayloads } : {}),
        log: { warn: (o, m) => (log.warn ?? log.error).call(log, o, m), error: (o, m) => log.error(o, m) },
      })
    : undefined;
  webhooks?.start();
  /** One outbox step after each projector step; true when the outbox has caught up (or waits out a failure). */
  const feedOutbox = withOwnBackoff('webhook outbox step', log, async () => !webhooks || (await webhooks.feed()).caughtUp);
  const refreshEvery = options.calendarRefreshMs ?? 10_000;
  const periodicMs = options.periodicMs ?? 1_000;
  let lastSweep = -Infinity;
  let lastRefresh = Date.now();
  let lastPeriodic = Date.now();
  /**
   * One step of the referral reactor, after each of the projector's: in step with it, it reads the
   * page the projector has just read (sharingReadAll) instead of every event once more; true when it
   * has caught up.
   */
  const stepReferrals = withOwnBackoff('referral reactor step', log, async () => {
    if (!referrals) return true;
    const r = await referrals.step();
    if (r.created > 0 || r.linked > 0) log.info({ created: r.created, linked: r.linked }, 'referrals linked');
    return r.caughtUp;
  });
  /** Amendments recorded elsewhere, then the clock when it is due. */
  const periodicJobs = async () => {
    lastPeriodic = Date.now();
    if (Date.now() - lastRefresh >= refreshEvery) {
      lastRefresh = Date.now();
      if ((await calendars.refresh(store)).length > 0) sweepDue = true;
    }
    if (clock && (sweepDue || Date.now() - lastSweep >= clockEvery)) {
      sweepDue = false;
      lastSweep = Date.now();
      const r = await clock.tick().catch((err: unknown) => {
        sweepDue = true; // try again after the backoff, not a whole interval later
        throw err;
      });
      if (r.recomputed > 0 || r.alerts.appended > 0 || r.alerts.contended > 0) log.info({ recomputed: r.recomputed, ...r.alerts }, 'deadline clock swept');
      if (r.alerts.contended > 0) sweepDue = true;
    }
  };
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
  const idleMs = options.idleMs ?? 200;
  const lingerMs = options.lingerMs ?? Math.min(100, idleMs);
  const loop = (async () => {
    let backoff = 250;
    while (!stopping) {
      try {
        const began = Date.now();
        const r = await projector.step();
        backoff = 250;
        const outboxCaughtUp = await feedOutbox();
        const referralsCaughtUp = await stepReferrals();
        const idle = r.caughtUp && outboxCaughtUp && referralsCaughtUp;
        // under sustained load none of them catches up: the periodic jobs still get their turn
        if (idle || Date.now() - lastPeriodic >= periodicMs) await periodicJobs();
        const lingering = r.events > 0 && r.events < PROJECTOR_BATCH_SIZE ? began + lingerMs - Date.now() : 0;
        if (idle) await sleep(idleMs);
        else if (lingering > 0) await sleep(lingering); // the log's end was reached: let the next events gather
        // an embedded store (PGlite) answers without I/O, so a busy loop would never let the event loop
        // turn: the API, the webhook sender and the timers of this process get their turn between steps
        else await new Promise((resolve) => setImmediate(resolve));
      } catch (err) {
        log.error({ err }, 'worker step failed; retrying');
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await webhooks?.stop();
    },
  };
}

/**
 * A step of the worker loop that waits out its own failures — logged, then skipped for 250 ms,
 * doubling up to 10 s — instead of holding the loop: a failing outbox or referral does not slow
 * the projector. Answers true (nothing to wait for) while it waits, and after a failure.
 */
function withOwnBackoff(what: string, log: WorkerOptions['log'], step: () => Promise<boolean>): () => Promise<boolean> {
  let after = 0;
  let backoff = 250;
  return async () => {
    if (Date.now() < after) return true;
    try {
      const caughtUp = await step();
      backoff = 250;
      return caughtUp;
    } catch (err) {
      log.error({ err }, `${what} failed; retrying`);
      after = Date.now() + backoff;
      backoff = Math.min(backoff * 2, 10_000);
      return true;
    }
  };
}
