import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openEventStore, type EventStore } from '@disclosure/event-store';
import { openReadModels, type ReadModelDatabase } from '@disclosure/read-models';
import { DEV_SECRET, type AuthConfig } from './auth/principal.js';

/** A deployment's settings, from the environment (README § Configuration). */
export interface DeploymentConfig {
  /** `postgres://…` or `esdb://…`; absent: embedded PGlite in `${dataDir}/events`. */
  readonly eventStoreUrl?: string;
  /** `postgres://…`; absent: embedded PGlite in `${dataDir}/read-models`. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly auth: AuthConfig;
  readonly logLevel: string;
  /** TRUST_PROXY: `true`, or the proxies' addresses/CIDRs (comma-separated); absent: none. */
  readonly trustProxy?: boolean | string;
}

/**
 * Reads EVENT_STORE_URL, DATABASE_URL, DATA_DIR (./data), PORT (3000), HOST (127.0.0.1),
 * JWT_SECRET or JWKS_URL (with JWT_ISSUER, JWT_AUDIENCE), LOG_LEVEL, TRUST_PROXY. Without JWT_SECRET and
 * JWKS_URL the dev secret is used and dev tokens can be issued.
 */
export function deploymentConfig(env: NodeJS.ProcessEnv): DeploymentConfig {
  const claims = { ...(env.JWT_ISSUER ? { issuer: env.JWT_ISSUER } : {}), ...(env.JWT_AUDIENCE ? { audience: env.JWT_AUDIENCE } : {}) };
  const auth: AuthConfig = env.JWKS_URL
    ? { kind: 'jwks', jwksUrl: env.JWKS_URL, ...claims }
    : { kind: 'secret', secret: env.JWT_SECRET || DEV_SECRET, dev: !env.JWT_SECRET || env.JWT_SECRET === DEV_SECRET, ...claims };
  if (auth.kind === 'secret' && !auth.dev && auth.secret.length < 32) throw new RangeError('JWT_SECRET must be at least 32 characters');
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`PORT ${env.PORT} is not a port`);
  return {
    ...(env.EVENT_STORE_URL ? { eventStoreUrl: env.EVENT_STORE_URL } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR ?? './data',
    port,
    host: env.HOST ?? '127.0.0.1',
    auth,
    logLevel: env.LOG_LEVEL ?? 'info',
    ...(env.TRUST_PROXY ? { trustProxy: trustProxyOf(env.TRUST_PROXY) } : {}),
  };
}

function trustProxyOf(value: string): boolean | string {
  return value === 'true' || value === 'false' ? value === 'true' : value;
}

/** Opens the configured event store. */
export function openConfiguredEventStore(config: Pick<DeploymentConfig, 'eventStoreUrl' | 'dataDir'>): Promise<EventStore> {
  return openEventStore(config.eventStoreUrl ? { url: config.eventStoreUrl } : { dataDir: join(config.dataDir, 'events') });
}

/** Opens (and migrates) the configured read-model database. */
export function openConfiguredReadModels(config: Pick<DeploymentConfig, 'databaseUrl' | 'dataDir'>): Promise<Kysely<ReadModelDatabase>> {
  return openReadModels(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: join(config.dataDir, 'read-models') });
}
