import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { openEventStore, type EventStore } from '@disclosure/event-store';
import { DEFAULT_ALERT_THRESHOLDS } from '@disclosure/domain';
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
  /** The deadline clock: DEADLINE_ALERT_DAYS (working days ahead to warn at, default `5,1`) and DEADLINE_CLOCK_INTERVAL_SECONDS (default 60). */
  readonly clock: { readonly thresholds: readonly number[]; readonly intervalMs: number };
}

/**
 * Reads EVENT_STORE_URL, DATABASE_URL, DATA_DIR (./data), PORT (3000), HOST (127.0.0.1),
 * JWT_SECRET or JWKS_URL (with JWT_ISSUER, JWT_AUDIENCE), LOG_LEVEL, TRUST_PROXY, DEADLINE_ALERT_DAYS,
 * DEADLINE_CLOCK_INTERVAL_SECONDS. Without JWT_SECRET and JWKS_URL the dev secret is used and dev
 * tokens can be issued.
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
    clock: { thresholds: alertDaysOf(env.DEADLINE_ALERT_DAYS), intervalMs: 1000 * clockIntervalOf(env.DEADLINE_CLOCK_INTERVAL_SECONDS) },
  };
}

/** `5,1` → [5, 1]: distinct whole numbers of working days, 0–60; empty for none (the clock then only reports misses). */
function alertDaysOf(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULT_ALERT_THRESHOLDS];
  const days = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!days.every((d) => /^\d{1,2}$/.test(d) && Number(d) <= 60)) throw new RangeError(`DEADLINE_ALERT_DAYS ${value} is not a list of working days 0–60, like 5,1`);
  return [...new Set(days.map(Number))].sort((a, b) => b - a);
}

function clockIntervalOf(value: string | undefined): number {
  const seconds = Number(value ?? 60);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) throw new RangeError(`DEADLINE_CLOCK_INTERVAL_SECONDS ${value} is not a whole number of seconds, 1–86400`);
  return seconds;
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
