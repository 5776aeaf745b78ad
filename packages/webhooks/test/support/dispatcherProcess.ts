// A worker's webhook dispatcher in a process of its own, for the crash test: it feeds the outbox in
// small batches and sends, until SIGKILLed (or, on SIGTERM, it stops cleanly).
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pgDatabase, PostgresEventStore } from '@disclosure/event-store';
import { TargetGuard, WebhookDispatcher, type WebhookDatabase } from '@disclosure/webhooks';

const url = process.env.WH_TEST_URL!;
const store = PostgresEventStore.attach(pgDatabase({ connectionString: url, max: 4 }), { schema: 'events' });
const db = new Kysely<WebhookDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 6 }) }) });
const log = { warn: (o: object, m: string) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`), error: (o: object, m: string) => process.stderr.write(`${m} ${JSON.stringify(o)}\n`) };
const dispatcher = new WebhookDispatcher({
  store,
  db,
  guard: new TargetGuard({ allow: ['127.0.0.1'] }),
  publicBaseUrl: 'https://foi.example.gov.cn',
  feedBatchSize: 25,
  leaseTtlMs: 1_000,
  pollMs: 50,
  retrySchedule: [0, ...Array.from({ length: 100 }, () => 0.05)],
  jitter: 0,
  log,
});
dispatcher.start();
process.on('SIGTERM', () => {
  stopping = true;
});
let stopping = false;
process.stdout.write('started\n');
while (!stopping) {
  const r = await dispatcher.feed();
  if (r.caughtUp) await new Promise((resolve) => setTimeout(resolve, 50));
}
await dispatcher.stop();
await db.destroy();
await store.close();
