import type { EventStore } from '@disclosure/event-store';
import type { Kysely } from 'kysely';
import type { WebhookDatabase } from '../db/schema.js';
import type { TargetGuard } from '../guard/targetGuard.js';
import { OutboxFeeder, type FeedResult, type PayloadBuilder } from '../outbox/outboxFeeder.js';
import { SenderLease } from './senderLease.js';
import { WebhookSender, type WebhookSenderOptions } from './webhookSender.js';

export interface WebhookDispatcherOptions extends Omit<WebhookSenderOptions, 'db' | 'guard' | 'log'> {
  readonly store: EventStore;
  readonly db: Kysely<WebhookDatabase>;
  readonly guard: TargetGuard;
  /** The API's public address, for the envelope's `link`. */
  readonly publicBaseUrl: string;
  /** Bodies of the subscriptions whose kind is not `events` (see {@link OutboxFeeder}). */
  readonly payloadFor?: PayloadBuilder;
  /** Events fed per transaction (default 1,000). */
  readonly feedBatchSize?: number;
  /** How often the sender looks for due deliveries when nothing wakes it (default 500 ms). */
  readonly pollMs?: number;
  /** The sender's lease (default 15 s): how long another worker waits for a dead one's sending. */
  readonly leaseTtlMs?: number;
  readonly log: { warn(o: object, m: string): void; error(o: object, m: string): void };
}

/**
 * The webhook dispatcher of a worker: the outbox feeder, stepped by the worker's loop after the
 * projector ({@link feed}), and the sender, a loop of its own ({@link start}) that holds the sender's
 * lease and is woken as soon as a step records deliveries.
 * @example
 * const dispatcher = new WebhookDispatcher({ store, db, guard, publicBaseUrl, log });
 * dispatcher.start();
 * await dispatcher.feed(); // after each projector step
 */
export class WebhookDispatcher {
  readonly feeder: OutboxFeeder;
  readonly sender: WebhookSender;
  readonly #lease: SenderLease;
  readonly #pollMs: number;
  readonly #log: WebhookDispatcherOptions['log'];
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #woken = false;

  constructor(options: WebhookDispatcherOptions) {
    this.feeder = new OutboxFeeder({
      store: options.store,
      db: options.db,
      publicBaseUrl: options.publicBaseUrl,
      ...(options.payloadFor ? { payloadFor: options.payloadFor } : {}),
      ...(options.feedBatchSize ? { batchSize: options.feedBatchSize } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.sender = new WebhookSender({ ...options, log: options.log, onLaneDone: () => this.wake() });
    this.#lease = new SenderLease(options.db, options.leaseTtlMs === undefined ? {} : { ttlMs: options.leaseTtlMs });
    this.#pollMs = options.pollMs ?? 500;
    this.#log = options.log;
  }

  /** Feeds one batch of events into the outbox; wakes the sender when it recorded deliveries. */
  async feed(): Promise<FeedResult> {
    const r = await this.feeder.step();
    if (r.deliveries > 0) this.wake();
    return r;
  }

  /** Starts the sender's loop. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Makes the sender look for due deliveries now. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Stops the sender (requests in flight finish) and gives up its lease. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await this.#loop;
    await this.sender.stop();
    await this.#lease.release().catch(() => {});
  }

  async #run(): Promise<void> {
    let backoff = 250;
    while (!this.#stopping) {
      try {
        this.#woken = false;
        const leased = await this.#lease.hold();
        this.sender.leased = leased;
        const round = leased ? await this.sender.sendDue() : { started: 0, nextDueAt: null };
        backoff = 250;
        const untilDue = round.nextDueAt === null ? this.#pollMs : Math.max(0, round.nextDueAt.getTime() - Date.now());
        if (!this.#woken) await this.#sleep(Math.min(this.#pollMs, untilDue));
      } catch (err) {
        this.#log.error({ err }, 'webhook sender round failed; retrying');
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    }).finally(() => (this.#wake = undefined));
  }
}
