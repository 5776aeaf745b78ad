import { randomUUID } from 'node:crypto';
import { uuidV5, type EventContext, type EventStore } from '@disclosure/event-store';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DeliveryStatus, WebhookDatabase, WebhookDeliveriesTable, WebhookSubscriptionsTable } from '../db/schema.js';
import { DeliveryNotFound, SubscriptionIdReused, SubscriptionNotFound, WebhookStateConflict } from '../errors.js';
import type { TargetGuard } from '../guard/targetGuard.js';
import { OUTBOX_CHECKPOINT, webhookStream, WEBHOOK_TEST_REQUESTED } from '../outbox/outboxFeeder.js';
import { isSigningSecret, newSigningSecret } from './secrets.js';
import { EVENTS_KIND, subscriptionOf, type SubscriptionRecord, type SubscriptionStatus } from './subscription.js';

const START = -1n;
/** The default overlap of a rotated-out secret: a day. */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;

/** A subscription as the API shows it: never a secret, and of configured headers only their names. */
export interface SubscriptionView extends Pick<SubscriptionRecord, 'id' | 'kind' | 'url' | 'eventTypes' | 'scopes' | 'description' | 'status' | 'disabledReason' | 'createdAt' | 'createdBy'> {
  readonly headerNames: readonly string[];
  readonly secrets: readonly { readonly createdAt: string; readonly validUntil: string | null }[];
  readonly updatedAt: string;
}

/** A delivery as the API shows it. */
export interface DeliveryView {
  /** The `webhook-id`. */
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly position: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  /** The first 1 KB of the receiver's last answer; always null for a subscription whose deliveries carry applicant data (a receiver may echo it). */
  readonly lastResponse: string | null;
  /** The `Location` header of the receiver's last answer (a referral's intake: the case made there). */
  readonly lastLocation: string | null;
  /** Why the last attempt failed: no answer (and why), or the status answered with its problem type. */
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
  readonly createdAt: string;
}

/** One attempt at a delivery. */
export interface AttemptView {
  readonly at: string;
  readonly statusCode: number | null;
  readonly durationMs: number;
  readonly error: string | null;
}

/** What a new subscription asks for. */
export interface NewSubscription {
  readonly agency: string;
  readonly createdBy: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly scopes?: readonly string[];
  readonly description?: string;
  /** A caller's id for it (from an Idempotency-Key): the same id again returns the first answer, secret included. */
  readonly id?: string;
}

/** A subscription defined by configuration (a remote agency's intake), kept as configured at each start. */
export interface SystemSubscription {
  readonly id: string;
  readonly agency: string;
  readonly kind: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  /** Static headers sent with each delivery, e.g. `authorization: Bearer …` for a remote instance's /v1/intake. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly secret: string;
}

/** A page of deliveries, newest first. */
export interface DeliveryPage {
  readonly items: readonly DeliveryView[];
  readonly nextCursor: string | null;
}

export interface WebhookSubscriptionsOptions {
  readonly db: Kysely<WebhookDatabase>;
  readonly store: EventStore;
  readonly guard: TargetGuard;
  readonly now?: () => Date;
}

/**
 * The subscriptions of integrators (the routes under `/v1/webhooks/subscriptions`) and of configuration:
 * create (the secret is returned once), list, rotate the secret (the old one signs on through an
 * overlap), pause, resume, delete, send a test event through the outbox, and look at, redeliver and
 * replay deliveries. Every call is scoped to one agency: another agency's subscription is not found.
 * @example
 * const subs = new WebhookSubscriptions({ db, store, guard });
 * const { subscription, secret } = await subs.create({ agency: 'demo', createdBy: 'portal', url, eventTypes: ['*'] });
 */
export class WebhookSubscriptions {
  readonly #db: Kysely<WebhookDatabase>;
  readonly #store: EventStore;
  readonly #guard: TargetGuard;
  readonly #now: () => Date;

  constructor(options: WebhookSubscriptionsOptions) {
    this.#db = options.db;
    this.#store = options.store;
    this.#guard = options.guard;
    this.#now = options.now ?? (() => new Date());
  }

  /** Makes a subscription after the SSRF guard has passed its URL (throws `TargetRefused`); its secret is in the answer and never again. */
  async create(input: NewSubscription): Promise<{ subscription: SubscriptionView; secret: string; replayed: boolean }> {
    await this.#guard.checkUrl(input.url);
    const id = input.id ?? randomUUID();
    const wanted = { url: input.url, event_types: [...new Set(input.eventTypes)], scopes: [...new Set(input.scopes ?? [])], description: input.description ?? '' };
    const existing = input.id === undefined ? undefined : await this.#row(input.agency, id).catch(() => undefined);
    if (existing) return this.#replayed(existing, wanted);
    const now = this.#now().toISOString();
    const secret = newSigningSecret();
    const inserted = await this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('webhook_subscriptions')
        .values({ id, agency: input.agency, kind: EVENTS_KIND, ...wanted, status: 'active', disabled_reason: null, headers: '{}', from_position: (await fedUpTo(trx)).toString(), created_at: now, created_by: input.createdBy, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row) await trx.insertInto('webhook_secrets').values({ subscription_id: id, secret, created_at: now, valid_until: null }).execute();
      return row;
    });
    if (!inserted) return this.#replayed(await this.#row(input.agency, id), wanted); // the same id raced in: the first one won
    return { subscription: await this.#view(inserted), secret, replayed: false };
  }

  /** The agency's subscriptions, oldest first. */
  async list(agency: string): Promise<SubscriptionView[]> {
    const rows = await this.#db.selectFrom('webhook_subscriptions').selectAll().where('agency', '=', agency).orderBy('created_at').orderBy('id').execute();
    return Promise.all(rows.map((r) => this.#view(r)));
  }

  async get(agency: string, id: string): Promise<SubscriptionView> {
    return this.#view(await this.#row(agency, id));
  }

  /**
   * A new secret; the current one keeps signing for `overlapSeconds` (default a day), so receivers can
   * switch without missing a delivery: meanwhile each delivery carries both signatures.
   */
  async rotateSecret(agency: string, id: string, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS): Promise<{ secret: string; previousValidUntil: string; subscription: SubscriptionView }> {
    const row = await this.#row(agency, id);
    configurable(row, 'rotate the secret of');
    const now = this.#now();
    const until = new Date(now.getTime() + overlapSeconds * 1000).toISOString();
    const secret = newSigningSecret();
    await this.#db.transaction().execute(async (trx) => {
      await trx.updateTable('webhook_secrets').set({ valid_until: until }).where('subscription_id', '=', id).where('valid_until', 'is', null).execute();
      await trx.updateTable('webhook_secrets').set({ valid_until: until }).where('subscription_id', '=', id).where('valid_until', '>', new Date(until)).execute();
      await trx.insertInto('webhook_secrets').values({ subscription_id: id, secret, created_at: now.toISOString(), valid_until: null }).execute();
    });
    return { secret, previousValidUntil: until, subscription: await this.get(agency, id) };
  }

  /** Stops sending; deliveries accumulate and go out in order on resume. Pausing a disabled subscription is refused. */
  async pause(agency: string, id: string): Promise<SubscriptionView> {
    const row = await this.#row(agency, id);
    if (row.status === 'disabled') throw new WebhookStateConflict(`subscription ${id}`, 'disabled', 'pause it (resume it once the endpoint works again)');
    return this.#setStatus(row, 'paused', null);
  }

  /** Sends again, from the oldest delivery not yet delivered: after a pause, or after it was disabled (410 Gone). One the configuration retired is refused. */
  async resume(agency: string, id: string): Promise<SubscriptionView> {
    const row = await this.#row(agency, id);
    if (row.retired_at !== null) throw new WebhookStateConflict(`subscription ${id}`, `retired by the configuration (${row.disabled_reason ?? 'no longer named'})`, 'resume it (name it in the configuration again)');
    if (row.status !== 'disabled') return this.#setStatus(row, 'active', null);
    await this.#guard.checkUrl(row.url); // the endpoint may have moved since it was made
    return this.#setStatus(row, 'active', null);
  }

  /** Deletes the subscription, its secrets and its deliveries. */
  async delete(agency: string, id: string): Promise<void> {
    const row = await this.#row(agency, id);
    configurable(row, 'delete');
    await this.#db.deleteFrom('webhook_subscriptions').where('id', '=', id).execute();
  }

  /**
   * Sends a `webhook.test` delivery through the outbox and the sender like any other: a
   * `WebhookTestRequested` event is recorded in the agency's `webhooks-{agency}` stream, and the outbox
   * feeds it to this subscription alone. Resolves to the `webhook-id` the delivery will carry.
   */
  async sendTest(agency: string, id: string, context: Omit<EventContext, 'agency'>): Promise<{ eventId: string; webhookId: string }> {
    const row = await this.#row(agency, id);
    if (row.status === 'disabled') throw new WebhookStateConflict(`subscription ${id}`, 'disabled', 'send a test (resume it first)');
    const eventId = randomUUID();
    await this.#store.append(webhookStream(agency), [{ id: eventId, type: WEBHOOK_TEST_REQUESTED, version: 1, data: { subscriptionId: id }, metadata: { ...context, agency } }], { expectedRevision: 'any' });
    return { eventId, webhookId: uuidV5(`${id}/${eventId}`) };
  }

  /** The subscription's deliveries, newest first, optionally of one status; `cursor` is a page's `nextCursor`. */
  async deliveries(agency: string, id: string, options: { status?: DeliveryStatus; cursor?: string; limit?: number } = {}): Promise<DeliveryPage> {
    await this.#row(agency, id);
    const limit = options.limit ?? 50;
    let q = this.#db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', id);
    if (options.status) q = q.where('status', '=', options.status);
    if (options.cursor !== undefined) q = q.where('position', '<', decodePositionCursor(options.cursor).toString());
    const rows = await q.orderBy('position', 'desc').limit(limit + 1).execute();
    const page = rows.slice(0, limit);
    return { items: page.map(deliveryView), nextCursor: rows.length > limit ? encodePositionCursor(BigInt(page[page.length - 1]!.position)) : null };
  }

  /** One delivery with every attempt made. */
  async delivery(agency: string, id: string, deliveryId: string): Promise<DeliveryView & { history: readonly AttemptView[] }> {
    const d = await this.#delivery(agency, id, deliveryId);
    const attempts = await this.#db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('at').orderBy('id').execute();
    return { ...deliveryView(d), history: attempts.map((a) => ({ at: a.at.toISOString(), statusCode: a.status_code, durationMs: a.duration_ms, error: a.error })) };
  }

  /**
   * Sends a delivered or dead-lettered delivery again (same `webhook-id`, same body) on a fresh
   * schedule; one waiting for its next retry is tried now (its schedule goes on). A pending one is
   * already in line: refused.
   */
  async redeliver(agency: string, id: string, deliveryId: string): Promise<DeliveryView> {
    const d = await this.#delivery(agency, id, deliveryId);
    if (d.status === 'pending') throw new WebhookStateConflict(`delivery ${deliveryId}`, d.status, 'redeliver it (it is in line to be sent)');
    const [row] =
      d.status === 'failed'
        ? await this.#db.updateTable('webhook_deliveries').set({ next_attempt_at: this.#now().toISOString() }).where('id', '=', deliveryId).where('status', '=', 'failed').returningAll().execute()
        : await this.#reopen(id, { deliveryId });
    if (!row) throw new WebhookStateConflict(`delivery ${deliveryId}`, 'changing', 'redeliver it (it was sent meanwhile; look again)');
    return deliveryView(row);
  }

  /** Sends again every delivered or dead-lettered delivery of the subscription between two global positions (inclusive). */
  async redeliverRange(agency: string, id: string, range: { fromPosition: bigint; toPosition: bigint }): Promise<number> {
    await this.#row(agency, id);
    return (await this.#reopen(id, range)).length;
  }

  /** The subscription's dead letters (deliveries whose schedule was spent), newest first. */
  deadLetters(agency: string, id: string, options: { cursor?: string; limit?: number } = {}): Promise<DeliveryPage> {
    return this.deliveries(agency, id, { ...options, status: 'dead' });
  }

  /** Sends every dead letter of the subscription again, in order, on a fresh schedule. */
  async replayDeadLetters(agency: string, id: string): Promise<number> {
    await this.#row(agency, id);
    return (await this.#reopen(id, { deadOnly: true })).length;
  }

  /**
   * Makes or updates a subscription defined by configuration (idempotent: call it at every start).
   * Its status is left as it was (a paused one stays paused), except that one the configuration had
   * retired ({@link retireSystemSubscriptions}) is active again; a changed secret replaces the old one
   * at once. A secret `standardwebhooks` cannot sign with is a RangeError.
   */
  async ensureSystemSubscription(spec: SystemSubscription): Promise<SubscriptionRecord> {
    if (!isSigningSecret(spec.secret)) throw new RangeError(`the secret of configured subscription ${spec.id} is not whsec_ and the base64 of 24–64 bytes`);
    const now = this.#now().toISOString();
    const values = { agency: spec.agency, kind: spec.kind, url: spec.url, event_types: [...spec.eventTypes], headers: JSON.stringify(spec.headers ?? {}), updated_at: now };
    return this.#db.transaction().execute(async (trx) => {
      const fromPosition = await fedUpTo(trx);
      const row = await trx
        .insertInto('webhook_subscriptions')
        .values({ id: spec.id, ...values, scopes: [], description: `configured (${spec.kind})`, status: 'active', disabled_reason: null, from_position: fromPosition.toString(), created_at: now, created_by: 'configuration' })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            ...values,
            status: sql<SubscriptionStatus>`CASE WHEN webhook_subscriptions.retired_at IS NULL THEN webhook_subscriptions.status ELSE 'active' END`,
            disabled_reason: sql<string | null>`CASE WHEN webhook_subscriptions.retired_at IS NULL THEN webhook_subscriptions.disabled_reason END`,
            retired_at: null,
          }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      const current = await trx.selectFrom('webhook_secrets').select('secret').where('subscription_id', '=', spec.id).where('valid_until', 'is', null).execute();
      if (current.length !== 1 || current[0]!.secret !== spec.secret) {
        await trx.updateTable('webhook_secrets').set({ valid_until: now }).where('subscription_id', '=', spec.id).where('valid_until', 'is', null).execute();
        await trx.insertInto('webhook_secrets').values({ subscription_id: spec.id, secret: spec.secret, created_at: now, valid_until: null }).execute();
      }
      return subscriptionOf(row);
    });
  }

  /**
   * Retires the configured subscriptions of a kind that the configuration no longer names (call it at
   * every start, after {@link ensureSystemSubscription} for those it names): each is disabled with
   * `reason`, and the outbox feeds it nothing more. Nothing is deleted: its deliveries and their
   * attempts stay for the auditors. Named again, it is active again. Resolves to the ids retired now.
   * @example await subs.retireSystemSubscriptions('referral-intake', specs.map((s) => s.id), 'its remote agency is no longer in REMOTE_AGENCIES');
   */
  async retireSystemSubscriptions(kind: string, named: readonly string[], reason: string): Promise<string[]> {
    if (kind === EVENTS_KIND) throw new RangeError('the subscriptions of integrators are not configured: they are never retired');
    const now = this.#now().toISOString();
    let q = this.#db
      .updateTable('webhook_subscriptions')
      .set({ status: 'disabled', disabled_reason: `${reason} (retired at ${now})`, retired_at: now, updated_at: now })
      .where('kind', '=', kind)
      .where('retired_at', 'is', null);
    if (named.length > 0) q = q.where('id', 'not in', [...named]);
    return (await q.returning('id').execute()).map((r) => r.id);
  }

  async #row(agency: string, id: string): Promise<Selectable<WebhookSubscriptionsTable>> {
    const row = await this.#db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('agency', '=', agency).executeTakeFirst();
    if (!row) throw new SubscriptionNotFound(id);
    return row;
  }

  async #delivery(agency: string, id: string, deliveryId: string): Promise<Selectable<WebhookDeliveriesTable>> {
    await this.#row(agency, id);
    const d = await this.#db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('subscription_id', '=', id).executeTakeFirst();
    if (!d) throw new DeliveryNotFound(deliveryId);
    return d;
  }

  /** Puts finished deliveries (delivered or dead) back in line, attempts counted afresh (their history stays). */
  #reopen(id: string, which: { deliveryId?: string; fromPosition?: bigint; toPosition?: bigint; deadOnly?: boolean }) {
    let q = this.#db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: this.#now().toISOString(), last_error: null })
      .where('subscription_id', '=', id)
      .where('status', 'in', which.deadOnly ? ['dead'] : ['delivered', 'dead']);
    if (which.deliveryId !== undefined) q = q.where('id', '=', which.deliveryId);
    if (which.fromPosition !== undefined) q = q.where('position', '>=', which.fromPosition.toString());
    if (which.toPosition !== undefined) q = q.where('position', '<=', which.toPosition.toString());
    return q.returningAll().execute();
  }

  async #replayed(row: Selectable<WebhookSubscriptionsTable>, wanted: { url: string; event_types: string[]; scopes: string[]; description: string }) {
    const same = row.kind === EVENTS_KIND && row.url === wanted.url && row.description === wanted.description && sameSet(row.event_types, wanted.event_types) && sameSet(row.scopes, wanted.scopes);
    if (!same) throw new SubscriptionIdReused(row.id);
    // the secret in force now: after a rotation the one first shown may have stopped signing
    const current = await this.#db.selectFrom('webhook_secrets').select('secret').where('subscription_id', '=', row.id).where('valid_until', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return { subscription: await this.#view(row), secret: current.secret, replayed: true };
  }

  async #setStatus(row: Selectable<WebhookSubscriptionsTable>, status: SubscriptionStatus, reason: string | null): Promise<SubscriptionView> {
    const updated = await this.#db
      .updateTable('webhook_subscriptions')
      .set({ status, disabled_reason: reason, updated_at: this.#now().toISOString() })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return this.#view(updated);
  }

  async #view(row: Selectable<WebhookSubscriptionsTable>): Promise<SubscriptionView> {
    const now = this.#now();
    const secrets = await this.#db.selectFrom('webhook_secrets').select(['created_at', 'valid_until']).where('subscription_id', '=', row.id).orderBy('id').execute();
    const s = subscriptionOf(row);
    return {
      id: s.id,
      kind: s.kind,
      url: s.url,
      eventTypes: s.eventTypes,
      scopes: s.scopes,
      description: s.description,
      status: s.status,
      disabledReason: s.disabledReason,
      headerNames: Object.keys(s.headers),
      secrets: secrets.filter((x) => x.valid_until === null || x.valid_until > now).map((x) => ({ createdAt: x.created_at.toISOString(), validUntil: x.valid_until?.toISOString() ?? null })),
      createdAt: s.createdAt,
      createdBy: s.createdBy,
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

/**
 * Where the outbox stands: a new subscription gets the events after it. Read under a share lock: a
 * feeder holds the row from its claim to its commit, so a batch under way is waited for (the new
 * subscription then starts after it); a batch claimed later reads the subscriptions after this
 * transaction has committed, and sees it. No batch falls between.
 */
async function fedUpTo(trx: Transaction<WebhookDatabase>): Promise<bigint> {
  const row = await trx.selectFrom('webhook_checkpoint').select('position').where('name', '=', OUTBOX_CHECKPOINT).forShare().executeTakeFirst();
  return row ? BigInt(row.position) : START;
}

/** A configured subscription is changed by its configuration, not through the API. */
function configurable(row: Selectable<WebhookSubscriptionsTable>, change: string) {
  if (row.kind !== EVENTS_KIND) throw new WebhookStateConflict(`subscription ${row.id}`, `configured (${row.kind})`, `${change} it through the API (change the configuration)`);
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function deliveryView(d: Selectable<WebhookDeliveriesTable>): DeliveryView {
  return {
    id: d.id,
    eventId: d.event_id,
    eventType: d.event_type,
    position: String(d.position),
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.next_attempt_at),
    lastAttemptAt: iso(d.last_attempt_at),
    lastStatusCode: d.last_status_code,
    lastResponse: d.last_response,
    lastLocation: d.last_location,
    lastError: d.last_error,
    deliveredAt: iso(d.delivered_at),
    createdAt: d.created_at.toISOString(),
  };
}

/** A delivery page's cursor: the position it ended at. @example encodePositionCursor(42n) */
export const encodePositionCursor = (position: bigint): string => Buffer.from(`p:${position}`).toString('base64url');

/** The position a cursor holds; throws RangeError when it is not one this package gave. @example decodePositionCursor(encodePositionCursor(42n)) // 42n */
export function decodePositionCursor(cursor: string): bigint {
  const m = /^p:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new RangeError('not a delivery cursor');
  return BigInt(m[1]!);
}
