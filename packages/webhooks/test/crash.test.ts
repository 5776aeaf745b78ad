import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { uuidV5 } from '@disclosure/event-store';
import { TargetGuard, WebhookSubscriptions } from '@disclosure/webhooks';
import { Receiver, until } from './support/receiver.js';
import { appendCase, openWebhookStores } from './support/stores.js';

const here = dirname(fileURLToPath(import.meta.url));

function startDispatcher(url: string): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', join(here, 'support/dispatcherProcess.ts')], {
    cwd: join(here, '..'),
    env: { ...process.env, WH_TEST_URL: url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

t.test('a dispatcher killed (SIGKILL) in the middle of sending: after a restart every event reaches every subscription, none lost', async (t) => {
  const stores = await openWebhookStores('postgres');
  const receiver = await Receiver.start();
  t.teardown(async () => {
    await receiver.close();
    await stores.close();
  });
  const subs = new WebhookSubscriptions({ db: stores.db, store: stores.store, guard: new TargetGuard({ allow: ['127.0.0.1'] }) });
  const made = [];
  for (const path of ['/one', '/two']) {
    const { subscription, secret } = await subs.create({ agency: 'demo', createdBy: 'i-1', url: receiver.url(path), eventTypes: ['*'] });
    receiver.secrets.set(path, [secret]);
    made.push({ path, id: subscription.id });
  }
  const events: string[] = [];
  for (let i = 0; i < 40; i++) events.push(...(await appendCase(stores.store, { more: 2 })).eventIds);
  const expected = new Set(made.flatMap((s) => events.map((e) => uuidV5(`${s.id}/${e}`))));

  const first = startDispatcher(stores.url!);
  let killedAt = -1;
  receiver.answer = (_r, i) => {
    // the kill comes while this request is in flight: the child never hears the answer
    if (i === 100 && killedAt < 0) {
      killedAt = i;
      first.child.kill('SIGKILL');
    }
    return { status: 200, delayMs: 5 };
  };
  const gone = await first.exited;
  t.equal(gone.signal, 'SIGKILL', 'the first dispatcher was killed');
  const before = new Set(receiver.accepted().map((r) => r.webhookId));
  t.ok(before.size > 0 && before.size < expected.size, `killed mid-way: ${before.size} of ${expected.size} delivered`);
  const fed = await stores.db.selectFrom('webhook_checkpoint').select('position').executeTakeFirst();
  t.ok(fed && BigInt(fed.position) >= 0n, 'the outbox had been fed (in part or whole) before the kill');

  const second = startDispatcher(stores.url!);
  t.teardown(() => void second.child.kill('SIGKILL'));
  await until(() => new Set(receiver.accepted().map((r) => r.webhookId)).size >= expected.size, 60_000, 'every delivery after the restart');
  second.child.kill('SIGTERM');
  t.equal((await second.exited).code, 0, 'the second dispatcher stopped cleanly');

  const accepted = receiver.accepted();
  const unique = new Set(accepted.map((r) => r.webhookId));
  t.same([...unique].sort(), [...expected].sort(), 'de-duplicated by webhook-id, the receiver has exactly every (event, subscription)');
  t.ok(accepted.every((r) => r.verifiedWith.length === 1), 'every delivery verified');
  t.ok(accepted.length - unique.size <= 10, `at least once: ${accepted.length - unique.size} sent twice around the kill`);
  for (const s of made) {
    const seen = [...new Map(receiver.accepted(s.path).map((r) => [r.webhookId, BigInt(r.payload.data.position)])).values()];
    t.ok(seen.every((p, i) => i === 0 || p > seen[i - 1]!), `${s.path}: first arrivals in global order`);
  }
  const open = await stores.db.selectFrom('webhook_deliveries').select('status').where('status', '!=', 'delivered').execute();
  t.equal(open.length, 0, 'every delivery recorded as delivered');
});
