import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { Webhook } from 'standardwebhooks';
import type { z } from 'zod';
import { openEventStore, type EventStore } from '@disclosure/event-store';
import { DEFAULT_ALERT_THRESHOLDS, DEFAULT_FEE_SETTLEMENT_DAYS } from '@disclosure/domain';
import { openReadModels, type ReadModelDatabase } from '@disclosure/read-models';
import { migrateWebhooks, TargetGuard } from '@disclosure/webhooks';
import { agencyListSchema, DEMO_AGENCY, type Agency } from './agencies/agencyDirectory.js';
import { DEV_SECRET, type AuthConfig } from './auth/principal.js';
import { DEFAULT_CASE_CACHE_SIZE } from './commands/caseService.js';
import type { WebhookSettings } from './worker.js';
import { routingTableSchema, type RoutingTable } from './platforms/routingTable.js';
import { remoteAgenciesSchema, type RemoteAgencies } from './referrals/remoteAgencies.js';

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
  /** The deadline clock: DEADLINE_ALERT_DAYS (working days ahead to warn at, default `5,1`), DEADLINE_CLOCK_INTERVAL_SECONDS (default 60) and FEE_SETTLEMENT_DAYS (working days after a payment period before its lapse is recorded, default 3). */
  readonly clock: { readonly thresholds: readonly number[]; readonly intervalMs: number; readonly feeSettlementDays: number };
  /** AGENCIES: the agencies this instance serves (a JSON list of { id, name, jurisdiction }); default the demo agency. */
  readonly agencies: readonly Agency[];
  /** INSTANCE_ID: this instance's name in the referrals it sends (their `sourceSystem`); default `disclosure-engine`. */
  readonly instanceId: string;
  /** REMOTE_AGENCIES: agencies of other instances that cases are referred to (JSON; see referrals/remoteAgencies.ts); default none. */
  readonly remoteAgencies: RemoteAgencies;
  /** PLATFORM_ROUTING (JSON) or PLATFORM_ROUTING_FILE (a path to it): the provincial platforms' routing table (按责转办); absent: no platform. */
  readonly platformRouting?: RoutingTable;
  /** PAYMENT_CALLBACK_SECRET: the `whsec_…` secret the unified payment platform signs its callbacks with; absent: no callback route. */
  readonly paymentCallbackSecret?: string;
  /** Webhook delivery (README § Configuration). */
  readonly webhooks: WebhookConfig;
  /** CASE_CACHE_SIZE: cases the API keeps folded in memory, most recently used (default 5,000; 0: none; see CaseService). */
  readonly caseCacheSize: number;
  /** WORKER=off: `pnpm start` serves the API only, and `pnpm worker` processes run the worker (default on: both in one process). */
  readonly worker: boolean;
}

/** Webhook delivery settings. */
export interface WebhookConfig {
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: host names, IP addresses and CIDR blocks (comma-separated; `*`: any) that subscriptions may target although private; default none. */
  readonly allowPrivateTargets: readonly string[];
  /** WEBHOOK_TIMEOUT_SECONDS: per request (default 10, 1–120). */
  readonly timeoutMs: number;
  /** WEBHOOK_CONCURRENCY_PER_ENDPOINT: requests in flight to one endpoint (origin) at once (default 8, 1–256). */
  readonly concurrencyPerEndpoint: number;
  /** WEBHOOK_DISPATCHER=off: this process's worker sends no webhooks (another worker does); default on. */
  readonly dispatcher: boolean;
  /** PUBLIC_BASE_URL: the API's address as integrators reach it, for the envelope's link; default http://HOST:PORT. */
  readonly publicBaseUrl: string;
}

/**
 * Reads EVENT_STORE_URL, DATABASE_URL, DATA_DIR (./data), PORT (3000), HOST (127.0.0.1),
 * JWT_SECRET or JWKS_URL (with JWT_ISSUER, JWT_AUDIENCE), LOG_LEVEL, TRUST_PROXY, DEADLINE_ALERT_DAYS, FEE_SETTLEMENT_DAYS,
 * DEADLINE_CLOCK_INTERVAL_SECONDS, and for integration AGENCIES, INSTANCE_ID, REMOTE_AGENCIES,
 * PLATFORM_ROUTING or PLATFORM_ROUTING_FILE, PAYMENT_CALLBACK_SECRET, and for webhooks WEBHOOK_ALLOW_PRIVATE_TARGETS,
 * WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_CONCURRENCY_PER_ENDPOINT, WEBHOOK_DISPATCHER, PUBLIC_BASE_URL, CASE_CACHE_SIZE and WORKER. Without JWT_SECRET and JWKS_URL the dev secret is used and dev
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
  const integration = integrationConfig(env);
  const worker = onOff('WORKER', env.WORKER);
  // PGlite serves the one process that opened its folder: no `pnpm worker` could run beside this one
  if (!worker && !(env.EVENT_STORE_URL && env.DATABASE_URL)) throw new RangeError('WORKER=off needs EVENT_STORE_URL and DATABASE_URL: the embedded stores serve one process, so its worker must run in it');
  return {
    ...(env.EVENT_STORE_URL ? { eventStoreUrl: env.EVENT_STORE_URL } : {}),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    dataDir: env.DATA_DIR ?? './data',
    port,
    host: env.HOST ?? '127.0.0.1',
    auth,
    logLevel: env.LOG_LEVEL ?? 'info',
    ...(env.TRUST_PROXY ? { trustProxy: trustProxyOf(env.TRUST_PROXY) } : {}),
    clock: { thresholds: alertDaysOf(env.DEADLINE_ALERT_DAYS), intervalMs: 1000 * clockIntervalOf(env.DEADLINE_CLOCK_INTERVAL_SECONDS), feeSettlementDays: settlementDaysOf(env.FEE_SETTLEMENT_DAYS) },
    ...integration,
    webhooks: webhookConfigOf(env, `http://${env.HOST ?? '127.0.0.1'}:${port}`),
    caseCacheSize: caseCacheSizeOf(env.CASE_CACHE_SIZE),
    worker,
  };
}

/** How many folded cases the API keeps: a whole number 0–1,000,000. */
function caseCacheSizeOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CASE_CACHE_SIZE;
  if (!/^\d{1,7}$/.test(value.trim()) || Number(value) > 1_000_000) throw new RangeError(`CASE_CACHE_SIZE ${value} is not a number of cases 0–1000000`);
  return Number(value);
}

/** An `on`/`off` setting (default on); anything else stops the process naming the setting. */
function onOff(name: string, value: string | undefined): boolean {
  if (value !== undefined && value !== 'on' && value !== 'off') throw new RangeError(`${name} ${value} is neither on nor off`);
  return value !== 'off';
}

/** The webhook settings, each checked at start (an allow-list entry that is no host, address or CIDR stops the process). */
function webhookConfigOf(env: NodeJS.ProcessEnv, defaultBaseUrl: string): WebhookConfig {
  const allowPrivateTargets = (env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? '').split(',').map((v) => v.trim()).filter((v) => v !== '');
  new TargetGuard({ allow: allowPrivateTargets }); // throws a RangeError naming a bad entry
  const timeout = Number(env.WEBHOOK_TIMEOUT_SECONDS ?? 10);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 120) throw new RangeError(`WEBHOOK_TIMEOUT_SECONDS ${env.WEBHOOK_TIMEOUT_SECONDS} is not a whole number of seconds, 1–120`);
  const concurrency = Number(env.WEBHOOK_CONCURRENCY_PER_ENDPOINT ?? 8);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RangeError(`WEBHOOK_CONCURRENCY_PER_ENDPOINT ${env.WEBHOOK_CONCURRENCY_PER_ENDPOINT} is not a whole number, 1–256`);
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? defaultBaseUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(publicBaseUrl)) throw new RangeError(`PUBLIC_BASE_URL ${env.PUBLIC_BASE_URL} is not an http(s) address like https://foi.example.gov.cn`);
  return { allowPrivateTargets, timeoutMs: timeout * 1000, concurrencyPerEndpoint: concurrency, dispatcher: onOff('WEBHOOK_DISPATCHER', env.WEBHOOK_DISPATCHER), publicBaseUrl };
}

/**
 * The agencies served, the remote ones referred to, the platforms' routing table and the payment
 * platform's secret, each checked at start: a bad setting stops the process with what is wrong
 * where, never a request later. An id is an agency here, a remote agency or a platform, never two.
 */
function integrationConfig(env: NodeJS.ProcessEnv): Pick<DeploymentConfig, 'agencies' | 'instanceId' | 'remoteAgencies' | 'platformRouting' | 'paymentCallbackSecret'> {
  const agencies = env.AGENCIES ? jsonSetting('AGENCIES', env.AGENCIES, agencyListSchema) : [DEMO_AGENCY];
  const remoteAgencies = env.REMOTE_AGENCIES ? jsonSetting('REMOTE_AGENCIES', env.REMOTE_AGENCIES, remoteAgenciesSchema) : {};
  if (env.PLATFORM_ROUTING && env.PLATFORM_ROUTING_FILE) throw new RangeError('set PLATFORM_ROUTING or PLATFORM_ROUTING_FILE, not both');
  const routingText = env.PLATFORM_ROUTING_FILE ? readFileSync(env.PLATFORM_ROUTING_FILE, 'utf8') : env.PLATFORM_ROUTING;
  const platformRouting = routingText ? jsonSetting(env.PLATFORM_ROUTING_FILE ? `PLATFORM_ROUTING_FILE (${env.PLATFORM_ROUTING_FILE})` : 'PLATFORM_ROUTING', routingText, routingTableSchema) : undefined;
  const served = new Set(agencies.map((a) => a.id));
  for (const id of Object.keys(remoteAgencies)) if (served.has(id)) throw new RangeError(`REMOTE_AGENCIES names ${id}, an agency this instance serves (AGENCIES)`);
  for (const id of Object.keys(platformRouting ?? {})) if (served.has(id) || id in remoteAgencies) throw new RangeError(`the platform id ${id} is also an agency id: a platform's token must not act as an agency`);
  const instanceId = env.INSTANCE_ID ?? 'disclosure-engine';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(instanceId)) throw new RangeError(`INSTANCE_ID ${instanceId} is not 1–64 letters, digits, _ . : -`);
  const secret = env.PAYMENT_CALLBACK_SECRET;
  if (secret !== undefined) {
    if (!/^whsec_[A-Za-z0-9+/=]{24,}$/.test(secret)) throw new RangeError('PAYMENT_CALLBACK_SECRET is not a Standard Webhooks secret (whsec_ and at least 24 base64 characters)');
    new Webhook(secret); // throws on a secret it cannot decode
  }
  return { agencies, instanceId, remoteAgencies, ...(platformRouting ? { platformRouting } : {}), ...(secret ? { paymentCallbackSecret: secret } : {}) };
}

/** A JSON setting parsed and checked by its schema; a RangeError names the setting and every bad field. */
function jsonSetting<S extends z.ZodType>(name: string, text: string, schema: S): z.infer<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RangeError(`${name} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RangeError(`${name} is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** `5,1` → [5, 1]: distinct whole numbers of working days, 0–60; empty for none (the clock then only reports misses). */
function alertDaysOf(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULT_ALERT_THRESHOLDS];
  const days = value.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!days.every((d) => /^\d{1,2}$/.test(d) && Number(d) <= 60)) throw new RangeError(`DEADLINE_ALERT_DAYS ${value} is not a list of working days 0–60, like 5,1`);
  return [...new Set(days.map(Number))].sort((a, b) => b - a);
}

/** Working days 0–20 the clock waits after a fee's payment period for a late-reported payment. */
function settlementDaysOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_FEE_SETTLEMENT_DAYS;
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) > 20) throw new RangeError(`FEE_SETTLEMENT_DAYS ${value} is not a number of working days 0–20`);
  return Number(value);
}

function clockIntervalOf(value: string | undefined): number {
  const seconds = Number(value ?? 60);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) throw new RangeError(`DEADLINE_CLOCK_INTERVAL_SECONDS ${value} is not a whole number of seconds, 1–86400`);
  return seconds;
}

function trustProxyOf(value: string): boolean | string {
  return value === 'true' || value === 'false' ? value === 'true' : value;
}

/** The SSRF guard of webhook targets as configured (WEBHOOK_ALLOW_PRIVATE_TARGETS): for the API (at creation) and the sender (at each connection). */
export function webhookTargetGuard(config: Pick<DeploymentConfig, 'webhooks'>): TargetGuard {
  return new TargetGuard({ allow: config.webhooks.allowPrivateTargets });
}

/** The worker's webhook dispatcher settings, or false when WEBHOOK_DISPATCHER=off. */
export function webhookWorkerSettings(config: Pick<DeploymentConfig, 'webhooks'>, guard: TargetGuard): WebhookSettings | false {
  const w = config.webhooks;
  return w.dispatcher && { guard, publicBaseUrl: w.publicBaseUrl, timeoutMs: w.timeoutMs, concurrencyPerEndpoint: w.concurrencyPerEndpoint };
}

/** A store's connection pool on a server (default: the store's own size). */
export interface PoolSettings {
  readonly poolSize?: number;
}

/** Opens the configured event store. */
export function openConfiguredEventStore(config: Pick<DeploymentConfig, 'eventStoreUrl' | 'dataDir'>, pools: PoolSettings = {}): Promise<EventStore> {
  return openEventStore(config.eventStoreUrl ? { url: config.eventStoreUrl, groupCommit: SERVER_GROUP_COMMIT, ...pools } : { dataDir: join(config.dataDir, 'events') });
}

/**
 * A server's appends: one grouped statement in flight at a time, the appends that arrive meanwhile
 * waiting for it to go together in the next (the store's default lets a second go at once). Under
 * load the API is short of CPU, not of round trips: in A/B runs of the HTTP bench (benchmarks.md)
 * fewer, larger statements took 5–19 % less PostgreSQL CPU and up to 13 % less server CPU per POST,
 * with no worse p99; an append arriving alone still goes at once.
 */
const SERVER_GROUP_COMMIT = { maxInFlight: 1 } as const;

/** Opens (and migrates) the configured read-model database, the webhook tables beside the read models included. */
export async function openConfiguredReadModels(config: Pick<DeploymentConfig, 'databaseUrl' | 'dataDir'>, pools: PoolSettings = {}): Promise<Kysely<ReadModelDatabase>> {
  const db = await openReadModels(config.databaseUrl ? { url: config.databaseUrl, ...pools } : { dataDir: join(config.dataDir, 'read-models') });
  await migrateWebhooks(db);
  return db;
}
