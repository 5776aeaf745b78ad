/**
 * Webhook delivery (issue #7) on the local PostgreSQL server, to a receiver in a process of its own
 * that verifies every delivery with standardwebhooks' `Webhook#verify`.
 *
 * - `webhooks.delivery`: deliveries per second through the whole path — the outbox fed from the
 *   store, each delivery signed, POSTed over a keep-alive connection, answered 200 and marked
 *   delivered — for a backlog of BACKLOG events × 8 subscriptions (each in its own global order; one
 *   endpoint, so at most WEBHOOK_CONCURRENCY_PER_ENDPOINT = 8 requests in flight). Goal ≥ 1,000/s.
 *   `compare.one-subscription`: the same with a single subscription, whose deliveries go strictly one
 *   after another (its ceiling is one round trip plus signing per delivery).
 * - `webhooks.delivery.lag.p99`: event-to-delivery lag while events are appended at a steady RATE
 *   per second to 8 subscriptions (RATE × 8 deliveries/s), from the event's `recordedAt` (its append)
 *   to its arrival at the receiver; the dispatcher runs as the worker runs it (the outbox fed after
 *   each step, 200 ms idle when caught up, the sender woken by each feed). Goal p99 < 1 s.
 *
 * A fresh database with a random name (dropped at the end). Every (event, subscription) must arrive,
 * verified, under its own webhook-id, or the bench fails (a second arrival of one is counted, not failed). Run with `pnpm bench webhooks`.
 * WEBHOOK_BENCH_BACKLOG (4,000), WEBHOOK_BENCH_RATE (150) and WEBHOOK_BENCH_SECONDS (20) change the sizes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pgDatabase, PostgresEventStore, type EventStore, type NewEvent } from '@disclosure/event-store';
import { migrateWebhooks, OutboxFeeder, TargetGuard, WebhookDispatcher, WebhookSubscriptions, type WebhookDatabase } from '@disclosure/webhooks';
import { freshPostgres } from '../../read-models/test/support/databases.js';

const BACKLOG = Number(process.env.WEBHOOK_BENCH_BACKLOG ?? 4_000);
const RATE = Number(process.env.WEBHOOK_BENCH_RATE ?? 150);
const SECONDS = Number(process.env.WEBHOOK_BENCH_SECONDS ?? 20);
const SUBSCRIPTIONS = 8;
const CASES = 500;
const here = dirname(fileURLToPath(import.meta.url));
const figure = (bench: string, value: number, unit: string, compare?: Record<string, number>) => console.log(JSON.stringify({ bench, value: Math.round(value * 100) / 100, unit, ...(compare ? { compare } : {}) }));
const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ── the receiver, in its own process ────────────────────────────────────────────────────────

interface Report {
  readonly unique: number;
  readonly received: number;
  readonly refused: number;
  readonly lags?: number[];
}

class ReceiverProcess {
  readonly #child: ChildProcess;
  port = 0;
  constructor() {
    this.#child = fork(join(here, 'support/receiverProcess.ts'), [], { execArgv: ['--import', 'tsx', '--conditions=@disclosure/source'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }
  async ready(): Promise<void> {
    this.port = ((await this.#ask({ type: 'ready' }, false)) as { port: number }).port;
  }
  secrets(secrets: Record<string, string>) {
    this.#child.send({ type: 'secrets', secrets });
  }
  count(): Promise<Report> {
    return this.#ask({ type: 'count' }) as Promise<Report>;
  }
  report(): Promise<Report> {
    return this.#ask({ type: 'report' }) as Promise<Report>;
  }
  async reset(): Promise<void> {
    await this.#ask({ type: 'reset' });
  }
  close() {
    this.#child.kill();
  }
  #ask(message: { type: string }, send = true): Promise<unknown> {
    return new Promise((resolve) => {
      const on = (m: { type: string }) => {
        if (m.type !== message.type) return;
        this.#child.off('message', on);
        resolve(m);
      };
      this.#child.on('message', on);
      if (send) this.#child.send(message);
    });
  }
}

// ── events ──────────────────────────────────────────────────────────────────────────────────

const context = () => ({ actor: 'cw-1', agency: 'demo', role: 'caseworker', correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString() });

async function seedCases(store: EventStore): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < CASES; i++) {
    const caseId = randomUUID();
    await store.append(caseId, [{ id: randomUUID(), type: 'RequestReceived', version: 1, data: { caseId, agency: 'demo', applicant: { kind: 'natural-person', name: 'bench' } }, metadata: context() }], { expectedRevision: 'no_stream' });
    ids.push(caseId);
  }
  return ids;
}

const assignment = (): NewEvent => ({ id: randomUUID(), type: 'CaseAssigned', version: 1, data: { assignee: { id: 'cw-2' } }, metadata: context() });

/** Appends `n` events, a few cases at a time (each case's events one append). */
async function appendEvents(store: EventStore, cases: readonly string[], n: number, from = 0): Promise<void> {
  const writers = 8;
  let next = from;
  const end = from + n;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < end) {
        const i = next++;
        await store.append(cases[i % cases.length]!, [assignment()], { expectedRevision: 'any' });
      }
    }),
  );
}

// ── a run ───────────────────────────────────────────────────────────────────────────────────

const fresh = await freshPostgres();
const receiver = new ReceiverProcess();
let store: EventStore | undefined;
let db: Kysely<WebhookDatabase> | undefined;
let failed = false;
try {
  await receiver.ready();
  store = await PostgresEventStore.open(pgDatabase({ connectionString: fresh.url, max: 10 }), { schema: 'events' });
  db = new Kysely<WebhookDatabase>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: fresh.url, max: 10 }) }) });
  await migrateWebhooks(db);
  const guard = new TargetGuard({ allow: ['127.0.0.1'] });
  const subscriptions = new WebhookSubscriptions({ db, store, guard });
  const cases = await seedCases(store);
  log(`seeded ${CASES} cases; receiver on 127.0.0.1:${receiver.port}`);

  /** A dispatcher run as the worker runs it: feed after each step (200 ms idle when caught up); the sender on its own loop. */
  const runDispatcher = () => {
    const dispatcher = new WebhookDispatcher({ store: store!, db: db!, guard, publicBaseUrl: 'https://foi.example.gov.cn', log: { warn: (o, m) => log(`${m} ${JSON.stringify(o)}`), error: (o, m) => log(`${m} ${JSON.stringify(o)}`) } });
    dispatcher.start();
    let stopping = false;
    const loop = (async () => {
      while (!stopping) if ((await dispatcher.feed()).caughtUp) await sleep(200);
    })();
    return {
      async stop() {
        stopping = true;
        await loop;
        await dispatcher.stop();
      },
    };
  };

  /** Makes `n` subscriptions to the receiver (all events of `demo`), replacing the previous ones; the outbox has caught up first, as a running worker's has. */
  const subscribe = async (n: number) => {
    const feeder = new OutboxFeeder({ store: store!, db: db!, publicBaseUrl: 'https://foi.example.gov.cn' });
    while (!(await feeder.step()).caughtUp);
    for (const s of await subscriptions.list('demo')) await subscriptions.delete('demo', s.id);
    const secrets: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const path = `/s/${i}`;
      const { secret } = await subscriptions.create({ agency: 'demo', createdBy: 'bench', url: `http://127.0.0.1:${receiver.port}${path}`, eventTypes: ['*'] });
      secrets[path] = secret;
    }
    receiver.secrets(secrets);
    await receiver.reset();
  };

  /** Waits until the receiver has `expected` distinct deliveries (fails after 10 minutes). */
  const delivered = async (expected: number) => {
    const end = Date.now() + 600_000;
    for (;;) {
      const c = await receiver.count();
      if (c.refused > 0) throw new Error(`${c.refused} deliveries did not verify`);
      if (c.unique >= expected) return c;
      if (Date.now() > end) throw new Error(`only ${c.unique} of ${expected} deliveries arrived`);
      await sleep(20);
    }
  };

  /** A backlog of `events` events to `subs` subscriptions: deliveries per second until the last arrives. */
  const backlog = async (subs: number, events: number, offset: number) => {
    await subscribe(subs);
    await appendEvents(store!, cases, events, offset);
    const started = performance.now();
    const d = runDispatcher();
    const c = await delivered(subs * events);
    const seconds = (performance.now() - started) / 1000;
    await d.stop();
    if (c.unique !== subs * events) throw new Error(`${c.unique} distinct deliveries, expected ${subs * events}`);
    log(`backlog: ${events} events × ${subs} subscriptions = ${c.unique} deliveries in ${seconds.toFixed(2)} s (${c.received - c.unique} sent twice)`);
    return c.unique / seconds;
  };

  await backlog(SUBSCRIPTIONS, 500, 0); // warm-up (connections, JIT)
  const one = await backlog(1, BACKLOG, 500);
  const many = await backlog(SUBSCRIPTIONS, BACKLOG, 500 + BACKLOG);

  // steady appends: lag from append to arrival
  await subscribe(SUBSCRIPTIONS);
  const d = runDispatcher();
  const total = RATE * SECONDS;
  const began = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - began) / 1000) * RATE) + 1);
    if (due > sent) {
      await appendEvents(store, cases, due - sent, sent);
      sent = due;
    } else await sleep(2);
  }
  const appendSeconds = (performance.now() - began) / 1000;
  await delivered(total * SUBSCRIPTIONS);
  await d.stop();
  const report = await receiver.report();
  const lags = [...report.lags!].sort((a, b) => a - b);
  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))]!;
  log(`steady: ${total} events in ${appendSeconds.toFixed(1)} s × ${SUBSCRIPTIONS} subscriptions = ${lags.length} deliveries; lag p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${lags[lags.length - 1]} ms`);

  figure('webhooks.delivery', many, 'deliveries/s', { subscriptions: SUBSCRIPTIONS, 'one-subscription': Math.round(one), goal: 1_000 });
  figure('webhooks.delivery.lag.p99', pct(99), 'ms', { p50: pct(50), 'deliveries/s': Math.round((total * SUBSCRIPTIONS) / appendSeconds), goal: 1_000 });
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  receiver.close();
  await db?.destroy();
  await store?.close();
  await fresh.drop();
}
process.exit(failed ? 1 : 0);
