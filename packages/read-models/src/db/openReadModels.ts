import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { IDLE_IN_TRANSACTION_TIMEOUT_MS } from '@disclosure/event-store';
import { migrateToLatest } from './migrations.js';
import { PGliteDialect } from './pgliteDialect.js';
import type { ReadModelDatabase } from './schema.js';

// PostgreSQL `date` columns come back as YYYY-MM-DD text, not Date objects at local midnight.
pg.types.setTypeParser(1082, (v) => v);

export interface ReadModelsOptions {
  /** `postgres://…`; absent for embedded PGlite in `dataDir` (in memory without one). */
  readonly url?: string;
  readonly dataDir?: string;
  readonly poolSize?: number;
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
}

/**
 * Opens the read-model database (PostgreSQL or embedded PGlite) as a typed Kysely instance, migrated.
 * @example const db = await openReadModels({ url: process.env.DATABASE_URL });
 */
export async function openReadModels(options: ReadModelsOptions = {}): Promise<Kysely<ReadModelDatabase>> {
  if (options.url === undefined && options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const dialect =
    options.url === undefined
      ? new PGliteDialect(await PGlite.create({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), parsers: { 1082: (v: string) => v } }))
      : new PostgresDialect({ pool: quietPool(new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS })) });
  const db = new Kysely<ReadModelDatabase>({ dialect });
  if (options.migrate !== false) await migrateToLatest(db);
  return db;
}

/**
 * A connection lost with the server (a restart) must not crash the process, whether idle in the pool
 * or checked out between two queries of a transaction (the pool listens only to idle ones): the next
 * query reports it.
 */
function quietPool(pool: pg.Pool): pg.Pool {
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
