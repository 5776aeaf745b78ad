import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { pgDatabase, pgliteDatabase, PostgresEventStore, type EventStore, type SqlDatabase } from '@disclosure/event-store';
import { openReadModels, type ReadModelDatabase } from '@disclosure/read-models';

export const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A database of its own on the local PostgreSQL server, dropped at teardown. */
export async function freshPostgres(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `rm_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: BASE_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface Stores {
  readonly name: string;
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly url?: string;
  /** The position of the last event stored, readable yet or not (-1 for none): any transaction open on the server holds `readAll` back a moment. */
  head(): Promise<bigint>;
  close(): Promise<void>;
}

/** The position of the last event in `schema`'s events table, committed or not yet readable (-1 for none). */
export const headOf = async (events: SqlDatabase, schema: string): Promise<bigint> => BigInt((await events.query<{ p: string }>(`SELECT coalesce(max(position), -1)::text AS p FROM ${schema}.events`)).rows[0]!.p);

/** An event store and read models on PostgreSQL (one fresh database) or PGlite (in memory). */
export async function openStores(kind: 'postgres' | 'pglite'): Promise<Stores> {
  if (kind === 'pglite') {
    const events = await pgliteDatabase();
    const store = await PostgresEventStore.open(events);
    const db = await openReadModels();
    return { name: 'PGlite', store, db, head: () => headOf(events, 'disclosure'), close: async () => { await store.close(); await db.destroy(); } };
  }
  const fresh = await freshPostgres();
  const events = pgDatabase({ connectionString: fresh.url, max: 10 });
  const store = await PostgresEventStore.open(events, { schema: 'events' });
  const db = await openReadModels({ url: fresh.url });
  return { name: 'PostgreSQL', store, db, url: fresh.url, head: () => headOf(events, 'events'), close: async () => { await store.close(); await db.destroy(); await fresh.drop(); } };
}

/** Every read-model table's rows in key order, for comparing two projections of the same events. */
export async function snapshot(db: Kysely<ReadModelDatabase>) {
  return {
    cases: await db.selectFrom('cases').selectAll().orderBy('case_id').execute(),
    public_status: await db.selectFrom('public_status').selectAll().orderBy('registration_number').execute(),
    agency_stats: await db.selectFrom('agency_stats').selectAll().orderBy('agency').execute(),
    annual_facts: await db.selectFrom('annual_facts').selectAll().orderBy('case_id').orderBy('year').execute(),
  };
}

/**
 * Waits until every event the stores hold is readable: any transaction open on the server (another
 * test file's, held on purpose) holds `readAll` back a moment. Once readable, an event stays so —
 * a transaction that starts later cannot hold back what committed before it.
 */
export async function allReadable(stores: Pick<Stores, 'head' | 'store'>): Promise<void> {
  const head = await stores.head();
  if (head < 0n) return;
  for (let i = 0; (await stores.store.readAll({ fromPosition: head - 1n, limit: 1 })).length === 0; i++) {
    if (i > 1_000) throw new Error(`the event at ${head} did not become readable within 20 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Projects until caught up with every event the stores hold (see {@link allReadable}). */
export async function untilCaughtUp(projector: { step(batch?: number): Promise<{ caughtUp: boolean }> }, stores: Pick<Stores, 'head' | 'store'>, batch?: number): Promise<void> {
  await allReadable(stores);
  for (;;) if ((await projector.step(batch)).caughtUp) return;
}

/**
 * Runs `body` once per store kind (PGlite, then PostgreSQL). Each test inside gets fresh stores,
 * closed after it; `s` always means the current test's stores.
 */
export function onEveryStore(t: import('tap').Test, body: (t: import('tap').Test, s: Stores) => void): void {
  for (const kind of ['pglite', 'postgres'] as const)
    t.test(`on ${kind}`, async (t) => {
      let current: Stores | undefined;
      const s: Stores = {
        get name() {
          return current!.name;
        },
        get store() {
          return current!.store;
        },
        get db() {
          return current!.db;
        },
        get url() {
          return current!.url;
        },
        head: () => current!.head(),
        close: () => current!.close(),
      };
      t.beforeEach(async () => {
        current = await openStores(kind);
      });
      t.afterEach(async () => {
        await current!.close();
      });
      body(t, s);
    });
}
