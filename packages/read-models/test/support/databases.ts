import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { pgDatabase, pgliteDatabase, PostgresEventStore, type EventStore } from '@disclosure/event-store';
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
  close(): Promise<void>;
}

/** An event store and read models on PostgreSQL (one fresh database) or PGlite (in memory). */
export async function openStores(kind: 'postgres' | 'pglite'): Promise<Stores> {
  if (kind === 'pglite') {
    const store = await PostgresEventStore.open(await pgliteDatabase());
    const db = await openReadModels();
    return { name: 'PGlite', store, db, close: async () => { await store.close(); await db.destroy(); } };
  }
  const fresh = await freshPostgres();
  const store = await PostgresEventStore.open(pgDatabase({ connectionString: fresh.url, max: 10 }), { schema: 'events' });
  const db = await openReadModels({ url: fresh.url });
  return { name: 'PostgreSQL', store, db, url: fresh.url, close: async () => { await store.close(); await db.destroy(); await fresh.drop(); } };
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

/** Projects until caught up. */
export async function untilCaughtUp(projector: { step(batch?: number): Promise<{ caughtUp: boolean }> }, batch?: number): Promise<void> {
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
