import { CASE_EVENT_TYPES } from '@disclosure/domain';
import { DERIVED_WRITES_COMMIT, keepWithin, uuidV5, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { WebhookDatabase, WebhookDeliveriesTable } from '../db/schema.js';
import { OutboxCheckpointMoved } from '../errors.js';
import { ALL_CASE_EVENTS, APPLICANT_DATA_SCOPE, EVENTS_KIND, subscriptionOf, type SubscriptionRecord } from '../subscriptions/subscription.js';
import { eventEnvelope, WEBHOOK_TEST_TYPE, type CaseRef } from './envelope.js';

const CASE_EVENTS: ReadonlySet<string> = new Set(CASE_EVENT_TYPES);
const START = -1n;
/** The outbox's row of `webhook_checkpoint` (made by the migrations; a new subscription locks it to read where the outbox stands). */
export const OUTBOX_CHECKPOINT = 'outbox';
const INSERT_CHUNK = 500;
const APPLICANT_CACHE = 10_000;
/**
 * A subscription gets the events the outbox feeds after it was made: those after its `fromPosition`
 * (the checkpoint it found, waiting for a batch under way to commit first). When the outbox was
 * behind, the backlog recorded before it was made (less this much clock skew between API
 * processes) is not fed to it either.
 */
const CLOCK_SKEW_MS = 5_000;

/** The event a test request through the API records (stream `webhooks-{agency}`); the outbox turns it into a `webhook.test` delivery. */
export const WEBHOOK_TEST_REQUESTED = 'WebhookTestRequested';

/** The stream of an agency's webhook test requests. @example webhookStream('demo') // 'webhooks-demo' */
export const webhookStream = (agency: string) => `webhooks-${agency}`;

/** The body of a configured subscription's delivery for an event, or null for none (see {@link OutboxFeederOptions.payloadFor}). */
export type PayloadBuilder = (subscription: SubscriptionRecord, event: RecordedEvent) => Promise<{ readonly body: unknown } | null>;

export interface OutboxFeederOptions {
  readonly store: EventStore;
  readonly db: Kysely<WebhookDatabase>;
  /** The API's public address, for the envelope's `link`. */
  readonly publicBaseUrl: string;
  /**
   * The body for every subscription whose kind is not `events`, built when the outbox is fed (the body
   * is stored, so a redelivery sends the same bytes under the same `webhook-id`); null: no delivery.
   * Without it such subscriptions get nothing.
   */
  readonly payloadFor?: PayloadBuilder;
  /** Events read per transaction (default 1,000). */
  readonly batchSize?: number;
  readonly now?: () => Date;
  /** Called inside each batch's transaction before its commit (fault tests). */
  readonly beforeCommit?: () => Promise<void>;
}

/** What one feeding step did. */
export interface FeedResult {
  readonly events: number;
  readonly deliveries: number;
  readonly caughtUp: boolean;
  readonly position: bigint | null;
}

/**
 * Feeds the webhook outbox from the store. Each step reads the events after its checkpoint and, in
 * one transaction, moves the checkpoint (conditionally: a second feeder's batch is refused and rolled
 * back), keeps the case references (agency, registration number) up to date, and records one
 * delivery per event and matching subscription — the agency's own, active, paused or disabled (a paused or disabled one
 * accumulates; one the configuration retired gets nothing), whose type filter names the event (`*`: every case event). A delivery exists before
 * anything is sent, so a process that dies between reading and sending loses nothing.
 * @example
 * const feeder = new OutboxFeeder({ store, db, publicBaseUrl: 'https://foi.example.gov.cn' });
 * while (!(await feeder.step()).caughtUp);
 */
export class OutboxFeeder {
  readonly #store: EventStore;
  readonly #db: Kysely<WebhookDatabase>;
  readonly #publicBaseUrl: string;
  readonly #payloadFor: PayloadBuilder | undefined;
  readonly #batchSize: number;
  readonly #now: () => Date;
  readonly #beforeCommit: (() => Promise<void>) | undefined;
  readonly #applicants = new Map<string, unknown>();

  constructor(options: OutboxFeederOptions) {
    this.#store = options.store;
    this.#db = options.db;
    this.#publicBaseUrl = options.publicBaseUrl;
    this.#payloadFor = options.payloadFor;
    this.#batchSize = options.batchSize ?? 1_000;
    this.#now = options.now ?? (() => new Date());
    this.#beforeCommit = options.beforeCommit;
  }

  /** The global position the outbox has been fed up to (-1 before the first event). */
  async checkpoint(db: Kysely<WebhookDatabase> = this.#db): Promise<bigint> {
    const row = await db.selectFrom('webhook_checkpoint').select('position').where('name', '=', OUTBOX_CHECKPOINT).executeTakeFirst();
    return row ? BigInt(row.position) : START;
  }

  /** Feeds one batch. */
  async step(batchSize = this.#batchSize): Promise<FeedResult> {
    const from = await this.checkpoint();
    const events = await this.#store.readAll({ ...(from === START ? {} : { fromPosition: from }), limit: batchSize });
    if (events.length === 0) return { events: 0, deliveries: 0, caughtUp: true, position: from === START ? null : from };
    const end = events[events.length - 1]!.position;
    try {
      const deliveries = await this.#db.transaction().execute(async (trx) => {
        // deliveries and checkpoint are derived from the log: a server crash loses them whole, and they are fed again under the same ids
        await sql.raw(DERIVED_WRITES_COMMIT).execute(trx);
        await this.#claim(trx, from, end);
        const subscriptions = await fedSubscriptions(trx);
        const refs = await this.#caseRefs(trx, events, subscriptions.length > 0);
        const rows: Insertable<WebhookDeliveriesTable>[] = [];
        for (const event of events) {
          const agency = CASE_EVENTS.has(event.type) ? (refs.get(event.streamId)?.agency ?? event.metadata.agency) : event.metadata.agency;
          for (const s of subscriptions) {
            if (!wants(s, event, agency)) continue;
            const row = await this.#delivery(s, event, refs);
            if (row) rows.push(row);
          }
        }
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          await trx.insertInto('webhook_deliveries').values(rows.slice(i, i + INSERT_CHUNK)).onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing()).execute();
        await this.#beforeCommit?.();
        return rows.length;
      });
      return { events: events.length, deliveries, caughtUp: false, position: end };
    } catch (e) {
      if (!(e instanceof OutboxCheckpointMoved)) throw e;
      return { events: 0, deliveries: 0, caughtUp: false, position: from }; // another feeder took this batch
    }
  }

  /**
   * Moves the checkpoint from `from` to `to`, first thing in the transaction: the row stays locked to
   * the commit, and a feeder that read the same checkpoint finds it moved and rolls back.
   */
  async #claim(trx: Transaction<WebhookDatabase>, from: bigint, to: bigint): Promise<void> {
    const moved = await trx
      .insertInto('webhook_checkpoint')
      .values({ name: OUTBOX_CHECKPOINT, position: to.toString(), updated_at: this.#now().toISOString() })
      .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ position: eb.ref('excluded.position'), updated_at: eb.ref('excluded.updated_at') })).where('webhook_checkpoint.position', '=', from.toString()))
      .returning('name')
      .execute();
    if (moved.length !== 1) throw new OutboxCheckpointMoved(from);
  }

  /**
   * Records the references of the cases received or registered in the batch, and returns those of every
   * case the batch touches (read only when some subscription may want them).
   */
  async #caseRefs(trx: Transaction<WebhookDatabase>, events: readonly RecordedEvent[], wanted: boolean): Promise<Map<string, CaseRef>> {
    const refs = new Map<string, CaseRef>();
    const received = new Set<string>();
    const registered = new Map<string, string>();
    for (const e of events) {
      if (e.type === 'RequestReceived') {
        const data = e.data as { agency: string; applicant?: unknown };
        refs.set(e.streamId, { agency: data.agency, registrationNumber: null });
        received.add(e.streamId);
        this.#rememberApplicant(e.streamId, data.applicant);
      } else if (e.type === 'RequestRegistered') {
        const number = (e.data as { registrationNumber: string }).registrationNumber;
        registered.set(e.streamId, number);
        const known = refs.get(e.streamId);
        if (known) refs.set(e.streamId, { ...known, registrationNumber: number });
      }
    }
    const earlier = new Set<string>();
    for (const e of events) if (CASE_EVENTS.has(e.type) && !received.has(e.streamId) && (wanted || registered.has(e.streamId))) earlier.add(e.streamId);
    if (earlier.size > 0)
      for (const r of await trx.selectFrom('webhook_case_refs').selectAll().where('case_id', 'in', [...earlier]).execute())
        refs.set(r.case_id, { agency: r.agency, registrationNumber: registered.get(r.case_id) ?? r.registration_number });
    const fresh = [...received].map((id) => ({ case_id: id, agency: refs.get(id)!.agency, registration_number: refs.get(id)!.registrationNumber }));
    for (let i = 0; i < fresh.length; i += INSERT_CHUNK)
      await trx.insertInto('webhook_case_refs').values(fresh.slice(i, i + INSERT_CHUNK)).onConflict((oc) => oc.column('case_id').doUpdateSet((eb) => ({ registration_number: eb.fn.coalesce('excluded.registration_number', 'webhook_case_refs.registration_number') }))).execute();
    const later = [...registered].filter(([id]) => !received.has(id));
    if (later.length > 0)
      await sql`UPDATE webhook_case_refs r SET registration_number = v.number FROM (VALUES ${sql.join(later.map(([id, n]) => sql`(${id}, ${n})`))}) AS v(case_id, number) WHERE r.case_id = v.case_id`.execute(trx);
    return refs;
  }

  /** The delivery row of one event for one subscription, or null when its payload builder says none. */
  async #delivery(s: SubscriptionRecord, event: RecordedEvent, refs: ReadonlyMap<string, CaseRef>): Promise<Insertable<WebhookDeliveriesTable> | null> {
    const id = uuidV5(`${s.id}/${event.id}`);
    const isTest = event.type === WEBHOOK_TEST_REQUESTED;
    let body: string;
    if (s.kind === EVENTS_KIND || isTest) {
      const caseId = CASE_EVENTS.has(event.type) ? event.streamId : null;
      const applicant = caseId !== null && s.scopes.includes(APPLICANT_DATA_SCOPE) ? await this.#applicant(caseId) : undefined;
      body = JSON.stringify(
        eventEnvelope(id, event, {
          caseId,
          ref: caseId === null ? undefined : refs.get(caseId),
          publicBaseUrl: this.#publicBaseUrl,
          ...(applicant === undefined ? {} : { applicant }),
          ...(isTest ? { type: WEBHOOK_TEST_TYPE, subscriptionId: s.id } : {}),
        }),
      );
    } else {
      const payload = this.#payloadFor ? await this.#payloadFor(s, event) : null;
      if (payload === null) return null;
      body = JSON.stringify(payload.body);
    }
    const now = this.#now().toISOString();
    return { id, subscription_id: s.id, position: event.position.toString(), event_id: event.id, event_type: isTest ? WEBHOOK_TEST_TYPE : event.type, body, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now };
  }

  /** The applicant of a case, from its `RequestReceived` (remembered from the batch, or read from its stream). */
  async #applicant(caseId: string): Promise<unknown> {
    if (this.#applicants.has(caseId)) return this.#applicants.get(caseId);
    const [first] = await this.#store.read(caseId, { limit: 1 });
    const applicant = first?.type === 'RequestReceived' ? (first.data as { applicant?: unknown }).applicant : undefined;
    this.#rememberApplicant(caseId, applicant);
    return applicant;
  }

  #rememberApplicant(caseId: string, applicant: unknown) {
    if (applicant === undefined) return;
    this.#applicants.set(caseId, applicant);
    keepWithin(this.#applicants, APPLICANT_CACHE);
  }
}

/**
 * The subscriptions a batch is fed to, read after its claim: one made from then on waits for the
 * batch's commit to read the checkpoint (its `fromPosition` is then the batch's end), one made
 * before is seen here. Paused and disabled ones (a 410) too: their deliveries accumulate and are sent
 * once resumed. Not those the configuration retired.
 */
async function fedSubscriptions(trx: Transaction<WebhookDatabase>): Promise<(SubscriptionRecord & { notBefore: number })[]> {
  const rows = await trx.selectFrom('webhook_subscriptions').selectAll().where('retired_at', 'is', null).execute();
  return rows.map((row) => {
    const s = subscriptionOf(row);
    return Object.assign(s, { notBefore: Date.parse(s.createdAt) - CLOCK_SKEW_MS });
  });
}

/** Whether a subscription is fed an event: of its agency, after it was made, of a type it asks for (a test: only its own). */
function wants(s: SubscriptionRecord & { notBefore: number }, event: RecordedEvent, agency: string): boolean {
  if (event.position <= s.fromPosition || agency !== s.agency || Date.parse(event.metadata.recordedAt) < s.notBefore) return false;
  if (event.type === WEBHOOK_TEST_REQUESTED) return (event.data as { subscriptionId?: unknown }).subscriptionId === s.id;
  return s.eventTypes.includes(event.type) || (CASE_EVENTS.has(event.type) && s.eventTypes.includes(ALL_CASE_EVENTS));
}
