import { join } from 'node:path';
import { openEventStore, type EventStore } from '@disclosure/event-store';
import { openReadModels, type ReadModelDatabase } from '@disclosure/read-models';
import type { Kysely } from 'kysely';

/** Where a deployment keeps its events and read models, from the environment. */
export interface StoreConfig {
  /** `postgres://…` (or `esdb://…`); absent: embedded PGlite in `${dataDir}/events`. */
  readonly eventStoreUrl?: string;
  /** `postgres://…`; absent: embedded PGlite in `${dataDir}/read-models`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

/** Reads EVENT_STORE_URL, DATABASE_URL and DATA_DIR (default ./data). */
export function storeConfig(env: NodeJS.ProcessEnv): StoreConfig {
  return {
    ...(env.EVENT_STORE_URL ? { eventStoreUrl: env.EVENT_STORE_URL } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR ?? './data',
  };
}

/** Opens the read-model database (migrated) as configured. */
export function openConfiguredReadModels(config: StoreConfig): Promise<Kysely<ReadModelDatabase>> {
  return openReadModels(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'read-models') });
}

/** Opens the event store as configured. */
export function openConfiguredEventStore(config: StoreConfig): Promise<EventStore> {
  return openEventStore(config.eventStoreUrl ? { url: config.eventStoreUrl } : { dataDir: join(config.dataDir, 'events') });
}
