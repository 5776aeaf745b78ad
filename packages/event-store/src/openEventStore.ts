import type { EventStore } from './port/eventStore.js';
import { pgDatabase } from './postgres/pgDatabase.js';
import { PostgresEventStore } from './postgres/postgresEventStore.js';
import type { GroupCommitOptions } from './postgres/groupCommit.js';
import { pgliteDatabase } from './pglite/pgliteDatabase.js';
import { EsdbEventStore } from './esdb/esdbEventStore.js';

export interface OpenEventStoreOptions {
  /** `postgres://…` for a PostgreSQL server, `esdb://…` for EventStoreDB; absent for embedded PGlite in `dataDir`. */
  readonly url?: string;
  /** PGlite's data folder (embedded only); in memory when absent. */
  readonly dataDir?: string;
  readonly schema?: string;
  readonly poolSize?: number;
  /** The PostgreSQL adapter's group commit (groupCommit.ts; default: its defaults). */
  readonly groupCommit?: GroupCommitOptions;
}

/**
 * Opens the event store a deployment is configured for (`EVENT_STORE_URL`).
 * @example const store = await openEventStore({ url: process.env.EVENT_STORE_URL, dataDir: './data/events' });
 */
export async function openEventStore(options: OpenEventStoreOptions): Promise<EventStore> {
  const schema = { ...(options.schema === undefined ? {} : { schema: options.schema }), ...(options.groupCommit === undefined ? {} : { groupCommit: options.groupCommit }) };
  if (options.url === undefined) return PostgresEventStore.open(await pgliteDatabase(options.dataDir), schema);
  if (/^postgres(ql)?:\/\//.test(options.url)) return PostgresEventStore.open(pgDatabase({ connectionString: options.url, max: options.poolSize ?? 20 }), schema);
  if (/^esdb(\+discover)?:\/\//.test(options.url)) return EsdbEventStore.open(options.url);
  throw new RangeError(`unsupported event store URL ${options.url.replace(/\/\/[^@]*@/, '//…@')}`);
}
