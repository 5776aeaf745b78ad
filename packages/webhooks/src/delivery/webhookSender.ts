import { sql, type Kysely, type Selectable } from 'kysely';
import type { WebhookDatabase, WebhookDeliveriesTable } from '../db/schema.js';
import type { TargetGuard } from '../guard/targetGuard.js';
import { DeliverySigner } from '../subscriptions/secrets.js';
import { carriesApplicantData, subscriptionOf, type SubscriptionRecord } from '../subscriptions/subscription.js';
import { HttpPoster, unanswered, type PostOutcome } from './httpPoster.js';
import { DEFAULT_JITTER, DEFAULT_RETRY_SCHEDULE, nextAttemptAt, retryAfterMs, type RetryPolicy } from './retrySchedule.js';

const USER_AGENT = 'disclosure-engine-webhooks/0.1';
/** Deliveries a lane reads at once. */
const PAGE = 200;
/** Delivered marks written in one statement at most. */
const ACK_BATCH = 500;

export interface WebhookSenderOptions {
  readonly db: Kysely<WebhookDatabase>;
  readonly guard: TargetGuard;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
  /** Requests in flight to one endpoint (origin) at once, across its subscriptions (default 8). */
  readonly concurrencyPerEndpoint?: number;
  /** Subscriptions sent to at once (default 64); the others wait for the next round. */
  readonly maxLanes?: number;
  /** Seconds before each attempt; default {@link DEFAULT_RETRY_SCHEDULE}. */
  readonly retrySchedule?: readonly number[];
  /** Share of each retry delay added at random (default 0.2). */
  readonly jitter?: number;
  readonly random?: () => number;
  readonly now?: () => Date;
  /** How long a delivered mark may wait to be written with others (default 20 ms). */
  readonly ackDelayMs?: number;
  readonly log?: { warn(o: object, m: string): void };
  /** Called when a subscription's sending ends without an error (more may have been recorded meanwhile: look again). */
  readonly onLaneDone?: () => void;
}

/** What a sending round found. */
export interface SendRound {
  /** Subscriptions whose sending was started this round. */
  readonly started: number;
  /** When the earliest delivery not yet due falls due (null: none waits). */
  readonly nextDueAt: Date | null;
}

type Delivery = Pick<Selectable<WebhookDeliveriesTable>, 'id' | 'position' | 'body' | 'attempts' | 'next_attempt_at'>;

/**
 * Sends the outbox's deliveries, per subscription strictly in global-position order: a subscription's
 * deliveries go one at a time, and one that fails holds the later ones until it succeeds or its
 * retry schedule is spent (then it is dead-lettered and the next ones go). Each attempt is signed
 * afresh (Standard Webhooks; the `webhook-id` is the delivery's). A 2xx delivers; 410 Gone disables
 * the subscription, whose deliveries then wait; anything else — another status, a timeout, a refused
 * or failed connection — is a failed attempt, retried on the schedule (at least after `Retry-After`).
 * Requests to one endpoint (origin) are limited across subscriptions.
 *
 * A delivered mark is written in batches a few milliseconds later: a crash before it is written sends
 * that delivery again under the same `webhook-id` (at least once; receivers de-duplicate).
 * @example
 * const sender = new WebhookSender({ db, guard: new TargetGuard() });
 * await sender.drain(); // everything due now, then returns
 */
export class WebhookSender {
  readonly #db: Kysely<WebhookDatabase>;
  readonly #poster: HttpPoster;
  readonly #signer = new DeliverySigner();
  readonly #policy: RetryPolicy;
  readonly #now: () => Date;
  readonly #perEndpoint: number;
  readonly #maxLanes: number;
  readonly #log: WebhookSenderOptions['log'];
  readonly #lanes = new Map<string, Promise<void>>();
  readonly #endpoints = new Map<string, Semaphore>();
  readonly #acks: DeliveredMarks;
  readonly #onLaneDone: (() => void) | undefined;
  #stopping = false;
  #leased = true;

  constructor(options: WebhookSenderOptions) {
    this.#db = options.db;
    this.#perEndpoint = options.concurrencyPerEndpoint ?? 8;
    this.#maxLanes = options.maxLanes ?? 64;
    this.#poster = new HttpPoster({ guard: options.guard, timeoutMs: options.timeoutMs ?? 10_000, maxSocketsPerOrigin: this.#perEndpoint });
    this.#policy = { schedule: options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE, jitter: options.jitter ?? DEFAULT_JITTER, random: options.random ?? Math.random };
    this.#now = options.now ?? (() => new Date());
    this.#log = options.log;
    this.#onLaneDone = options.onLaneDone;
    this.#acks = new DeliveredMarks(this.#db, options.ackDelayMs ?? 20);
  }

  /**
   * Whether this sender may send (default true). A worker that lost the sender's lease sets it false:
   * subscriptions under way stop after their request in flight, and no round starts new ones.
   */
  set leased(value: boolean) {
    this.#leased = value;
  }

  /** Subscriptions with deliveries under way. */
  get busy(): number {
    return this.#lanes.size;
  }

  /** One round: starts sending for every active subscription whose next delivery is due (and not already under way). */
  async sendDue(): Promise<SendRound> {
    if (this.#stopping || !this.#leased) return { started: 0, nextDueAt: null };
    const heads = await sql<{ id: string; next_attempt_at: Date | null }>`
      SELECT s.id, h.next_attempt_at FROM webhook_subscriptions s
      CROSS JOIN LATERAL (
        SELECT d.next_attempt_at FROM webhook_deliveries d
        WHERE d.subscription_id = s.id AND d.status IN ('pending', 'failed')
        ORDER BY d.position LIMIT 1
      ) h
      WHERE s.status = 'active'
      ORDER BY h.next_attempt_at`.execute(this.#db);
    const now = this.#now().getTime();
    let started = 0;
    let nextDueAt: Date | null = null;
    for (const head of heads.rows) {
      const due = head.next_attempt_at === null ? now : new Date(head.next_attempt_at).getTime();
      if (due > now) {
        if (nextDueAt === null || due < nextDueAt.getTime()) nextDueAt = new Date(due);
        continue;
      }
      if (this.#lanes.has(head.id) || this.#lanes.size >= this.#maxLanes) continue;
      const lane = this.#lane(head.id).then(
        () => true,
        (err: unknown) => {
          this.#log?.warn({ err, subscriptionId: head.id }, 'webhook sending stopped on an error; it resumes next round');
          return false;
        },
      );
      this.#lanes.set(
        head.id,
        lane.then((ok) => {
          this.#lanes.delete(head.id);
          if (ok) this.#onLaneDone?.();
        }),
      );
      started++;
    }
    return { started, nextDueAt };
  }

  /** Sends everything due now (and whatever falls due meanwhile), then returns: tests and the benchmark. */
  async drain(): Promise<void> {
    for (;;) {
      const round = await this.sendDue();
      if (round.started === 0 && this.#lanes.size === 0) return;
      await this.idle();
    }
  }

  /** Resolves when no subscription is being sent to. */
  async idle(): Promise<void> {
    while (this.#lanes.size > 0) await Promise.all([...this.#lanes.values()]);
    await this.#acks.flush();
  }

  /** Lets the requests in flight finish, writes their marks, and closes the connections. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.idle();
    this.#poster.close();
  }

  /** Sends one subscription's due deliveries in order until none is due, one fails, or it is no longer active. */
  async #lane(subscriptionId: string): Promise<void> {
    for (;;) {
      if (this.#stopping || !this.#leased) return;
      await this.#acks.flush(); // its delivered marks are written before it reads what is still open
      const row = await this.#db
        .selectFrom('webhook_subscriptions as s')
        .selectAll('s')
        .select(
          sql<string[]>`array(SELECT w.secret FROM webhook_secrets w WHERE w.subscription_id = s.id AND (w.valid_until IS NULL OR w.valid_until > ${this.#now()}) ORDER BY w.id DESC)`.as('secrets'), // the current one first
        )
        .where('s.id', '=', subscriptionId)
        .executeTakeFirst();
      if (!row || row.status !== 'active') return;
      const subscription = subscriptionOf(row);
      const secrets = row.secrets;
      const page = await this.#db
        .selectFrom('webhook_deliveries')
        .select(['id', 'position', 'body', 'attempts', 'next_attempt_at'])
        .where('subscription_id', '=', subscriptionId)
        .where('status', 'in', ['pending', 'failed'])
        .orderBy('position')
        .limit(PAGE)
        .execute();
      if (page.length === 0) return;
      for (const delivery of page) {
        if (this.#stopping || !this.#leased) return;
        if (delivery.next_attempt_at !== null && new Date(delivery.next_attempt_at).getTime() > this.#now().getTime()) return; // not due: a later round sends it
        const at = this.#now();
        const outcome = answerKept(subscription, await this.#send(subscription, secrets, delivery, at));
        if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) {
          this.#acks.add(delivery.id, at, outcome);
          continue;
        }
        if (outcome.statusCode === 410) return await this.#disable(subscription, delivery, at, outcome);
        if (!(await this.#failed(delivery, at, outcome))) return; // it is retried later; the ones behind it wait
      }
    }
  }

  async #send(s: SubscriptionRecord, secrets: readonly string[], d: Delivery, at: Date): Promise<PostOutcome> {
    if (secrets.length === 0) return { ...unanswered('the subscription has no signing secret in force'), durationMs: 0 };
    const headers = { ...s.headers, 'content-type': 'application/json', 'user-agent': USER_AGENT, ...this.#signer.headers(secrets, d.id, at, d.body) };
    const endpoint = this.#endpoint(s.url);
    await endpoint.acquire();
    try {
      return await this.#poster.post(s.url, headers, d.body);
    } finally {
      endpoint.release();
    }
  }

  #endpoint(url: string): Semaphore {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
    let s = this.#endpoints.get(origin);
    if (!s) this.#endpoints.set(origin, (s = new Semaphore(this.#perEndpoint)));
    return s;
  }

  /** Records a failed attempt: retried on the schedule, or dead-lettered when it is spent. Resolves true when dead (the next ones may go). */
  async #failed(d: Delivery, at: Date, outcome: PostOutcome): Promise<boolean> {
    const attempts = d.attempts + 1;
    const next = nextAttemptAt(this.#policy, attempts, at, retryAfterMs(outcome.retryAfter, at));
    await this.#record(d.id, at, outcome, { status: next === null ? 'dead' : 'failed', attempts, next_attempt_at: next?.toISOString() ?? null });
    return next === null;
  }

  /** 410 Gone: the receiver says the endpoint is no more. The subscription is disabled; its deliveries wait (resuming it sends them). */
  async #disable(s: SubscriptionRecord, d: Delivery, at: Date, outcome: PostOutcome): Promise<void> {
    await this.#record(d.id, at, outcome, { status: 'failed', attempts: d.attempts + 1, next_attempt_at: at.toISOString() });
    await this.#db
      .updateTable('webhook_subscriptions')
      .set({ status: 'disabled', disabled_reason: `the receiver answered 410 Gone at ${at.toISOString()} (delivery ${d.id})`, updated_at: at.toISOString() })
      .where('id', '=', s.id)
      .execute();
    this.#log?.warn({ subscriptionId: s.id, deliveryId: d.id }, 'webhook subscription disabled: the receiver answered 410 Gone');
  }

  async #record(id: string, at: Date, outcome: PostOutcome, change: { status: 'failed' | 'dead'; attempts: number; next_attempt_at: string | null }): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('webhook_deliveries')
        .set({
          ...change,
          last_attempt_at: at.toISOString(),
          last_status_code: outcome.statusCode,
          last_response: outcome.response,
          last_location: outcome.location,
          last_error: outcome.error ?? `the receiver answered ${outcome.statusCode}${outcome.problemType === null ? '' : ` (${outcome.problemType})`}`,
        })
        .where('id', '=', id)
        .execute();
      await recordAttempts(trx, [{ id, at, outcome }]);
    });
  }
}

/**
 * What a delivery keeps of an answer: all of it (the first 1 KB), or, when the subscription's
 * deliveries carry applicant data, not its body: a receiver may echo the applicant (a remote
 * instance's intake answers with the case it made), and every integrator of the agency with
 * `webhooks.read` sees a delivery. Its status, `Location` and problem type stay: enough to find the
 * case made there, or to see why it was refused.
 */
function answerKept(s: SubscriptionRecord, outcome: PostOutcome): PostOutcome {
  return outcome.response !== null && carriesApplicantData(s) ? { ...outcome, response: null } : outcome;
}

/**
 * Records attempts of the deliveries that still exist. A subscription deleted while its request was
 * in flight (or its mark waited to be written) takes its deliveries with it; inserting its attempt
 * anyway would fail the foreign key, and with it every later batch of marks, every lane's flush.
 */
async function recordAttempts(db: Kysely<WebhookDatabase>, attempts: readonly { id: string; at: Date; outcome: PostOutcome }[]): Promise<void> {
  const values = sql.join(attempts.map((a) => sql`(${a.id}, ${a.at.toISOString()}::timestamptz, ${a.outcome.statusCode ?? null}::integer, ${a.outcome.durationMs}::integer, ${a.outcome.error ?? null}::text)`));
  await sql`INSERT INTO webhook_attempts (delivery_id, at, status_code, duration_ms, error)
    SELECT v.id, v.at, v.code, v.ms, v.error FROM (VALUES ${values}) AS v(id, at, code, ms, error)
    JOIN webhook_deliveries d ON d.id = v.id`.execute(db);
}

/**
 * Delivered marks, written together a few milliseconds after the sends (one UPDATE and one INSERT per
 * batch). Flushes asked for while a write is under way join the next one, so subscriptions that all
 * flush at once share one transaction.
 */
class DeliveredMarks {
  readonly #db: Kysely<WebhookDatabase>;
  readonly #delayMs: number;
  #pending: { id: string; at: Date; outcome: PostOutcome }[] = [];
  #writing: Promise<void> = Promise.resolve();
  #next: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(db: Kysely<WebhookDatabase>, delayMs: number) {
    this.#db = db;
    this.#delayMs = delayMs;
  }

  add(id: string, at: Date, outcome: PostOutcome) {
    this.#pending.push({ id, at, outcome });
    if (this.#pending.length >= ACK_BATCH) void this.flush().catch(() => {}); // a failure is seen by the next flush's caller
    else this.#timer ??= setTimeout(() => void this.flush().catch(() => {}), this.#delayMs);
  }

  /** Writes every mark added so far; resolves when they are stored. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#next ??= this.#writing
      .catch(() => {})
      .then(() => {
        this.#next = undefined;
        const batch = this.#pending;
        this.#pending = [];
        return batch.length ? this.#write(batch) : undefined;
      });
    this.#writing = this.#next;
    return this.#next;
  }

  async #write(batch: readonly { id: string; at: Date; outcome: PostOutcome }[]): Promise<void> {
    try {
      await this.#db.transaction().execute(async (trx) => {
        const values = sql.join(batch.map((m) => sql`(${m.id}, ${m.at.toISOString()}::timestamptz, ${m.outcome.statusCode}::integer, ${m.outcome.response}::text, ${m.outcome.location}::text)`));
        await sql`UPDATE webhook_deliveries d
          SET status = 'delivered', attempts = d.attempts + 1, delivered_at = v.at, last_attempt_at = v.at, last_status_code = v.code,
              last_response = v.response, last_location = v.location, last_error = NULL, next_attempt_at = NULL
          FROM (VALUES ${values}) AS v(id, at, code, response, location)
          WHERE d.id = v.id`.execute(trx);
        await recordAttempts(trx, batch);
      });
    } catch (e) {
      this.#pending.unshift(...batch); // written with the next batch; until then the deliveries stay open (sent again after a crash)
      throw e;
    }
  }
}

/** Counts requests in flight to one endpoint. */
class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];
  constructor(size: number) {
    this.#free = size;
  }
  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
