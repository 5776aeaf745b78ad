import type { Test } from 'tap';
import { OutboxFeeder, TargetGuard, WebhookSender, WebhookSubscriptions, type Resolver, type WebhookSenderOptions } from '@disclosure/webhooks';
import { Receiver, until } from './receiver.js';
import { feedAll, openWebhookStores, type WebhookStores } from './stores.js';

export const PUBLIC_BASE_URL = 'https://foi.example.gov.cn';

/** Retries a few milliseconds apart, many of them: a receiver down for a stretch is outlasted in a test. */
export const QUICK_RETRIES = [0, ...Array.from({ length: 100 }, () => 0.05)];

export interface Harness {
  readonly stores: WebhookStores;
  readonly receiver: Receiver;
  readonly subscriptions: WebhookSubscriptions;
  readonly feeder: OutboxFeeder;
  readonly sender: WebhookSender;
  /** Makes an `events` subscription of `demo` to the receiver's `path`, the receiver knowing its secret. */
  subscribe(path: string, options?: { eventTypes?: string[]; scopes?: string[]; agency?: string }): Promise<{ id: string; secret: string }>;
  /** Feeds the outbox up to the store's end, then sends everything due. */
  deliver(): Promise<void>;
  /** Feeds and sends, retries included, until no delivery of an active subscription is open (fails after `ms`). */
  settle(ms?: number): Promise<void>;
}

/** Stores (torn down with the test), a receiver on 127.0.0.1, and the webhook parts wired as a worker would, the guard allowing 127.0.0.1. */
export async function harness(t: Test, kind: 'postgres' | 'pglite', options: Partial<WebhookSenderOptions> & { resolve?: Resolver; allow?: string[] } = {}): Promise<Harness> {
  const stores = await openWebhookStores(kind);
  const receiver = await Receiver.start();
  const guard = new TargetGuard({ allow: options.allow ?? ['127.0.0.1'], ...(options.resolve ? { resolve: options.resolve } : {}) });
  const subscriptions = new WebhookSubscriptions({ db: stores.db, store: stores.store, guard });
  const feeder = new OutboxFeeder({ store: stores.store, db: stores.db, publicBaseUrl: PUBLIC_BASE_URL });
  const sender = new WebhookSender({ db: stores.db, guard, retrySchedule: QUICK_RETRIES, jitter: 0, timeoutMs: 2_000, ...options });
  t.teardown(async () => {
    await sender.stop();
    await receiver.close();
    await stores.close();
  });
  const h: Harness = {
    stores,
    receiver,
    subscriptions,
    feeder,
    sender,
    async subscribe(path, o = {}) {
      const { subscription, secret } = await subscriptions.create({ agency: o.agency ?? 'demo', createdBy: 'integrator-1', url: receiver.url(path), eventTypes: o.eventTypes ?? ['*'], ...(o.scopes ? { scopes: o.scopes } : {}) });
      receiver.secrets.set(path, [secret]);
      return { id: subscription.id, secret };
    },
    async deliver() {
      await feedAll(feeder, stores);
      await sender.drain();
    },
    async settle(ms = 30_000) {
      await h.deliver();
      await until(async () => {
        await h.deliver();
        const open = await stores.db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhook_subscriptions as s', 's.id', 'd.subscription_id')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('s.status', '=', 'active')
          .where('d.status', 'in', ['pending', 'failed'])
          .executeTakeFirstOrThrow();
        return Number(open.n) === 0;
      }, ms, 'every delivery to be settled');
    },
  };
  return h;
}
