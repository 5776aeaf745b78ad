import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pgDatabase, pgliteDatabase, PostgresEventStore, type EventStore } from '@disclosure/event-store';
import { PGliteDialect } from '@disclosure/read-models';
import { migrateWebhooks, type WebhookDatabase } from '@disclosure/webhooks';
import { freshPostgres, headOf } from '../../../read-models/test/support/databases.js';

export interface WebhookStores {
  readonly kind: 'postgres' | 'pglite';
  readonly store: EventStore;
  readonly db: Kysely<WebhookDatabase>;
  /** The PostgreSQL database's URL (events in schema `events`), for a child process. */
  readonly url?: string;
  /** The position of the last event stored, committed or not yet readable (-1 for none). */
  head(): Promise<bigint>;
  close(): Promise<void>;
}

/** An event store and the webhook tables, migrated: on a fresh PostgreSQL database, or PGlite in memory. */
export async function openWebhookStores(kind: 'postgres' | 'pglite'): Promise<WebhookStores> {
  if (kind === 'pglite') {
    const events = await pgliteDatabase();
    const store = await PostgresEventStore.open(events);
    const db = new Kysely<WebhookDatabase>({ dialect: new PGliteDialect(await PGlite.create()) });
    await migrateWebhooks(db);
    return { kind, store, db, head: () => headOf(events, 'disclosure'), close: async () => { await store.close(); await db.destroy(); } };
  }
  const fresh = await freshPostgres();
  const events = pgDatabase({ connectionString: fresh.url, max: 6 });
  const store = await PostgresEventStore.open(events, { schema: 'events' });
  const pool = new pg.Pool({ connectionString: fresh.url, max: 8 });
  // as the product's pools do (openReadModels): a connection the server ends is reported by the next
  // query, not thrown as an uncaught error that fails whichever test runs then
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<WebhookDatabase>({ dialect: new PostgresDialect({ pool }) });
  await migrateWebhooks(db);
  return { kind, store, db, url: fresh.url, head: () => headOf(events, 'events'), close: async () => { await store.close(); await db.destroy(); await fresh.drop(); } };
}

const context = (agency: string, at: string) => ({ actor: 'cw-1', agency, role: 'caseworker', correlationId: randomUUID(), causationId: null, occurredAt: at });

/** The applicant a test case is received from (personal data: only the `applicant-data` scope sees it). */
export const APPLICANT = { kind: 'natural-person', name: '王小明', phone: '13912345678' } as const;

/**
 * Appends a case's first events as the API would record them: received, then (with a number) registered,
 * then `more` assignments. Resolves to the case id and its events' ids in order.
 */
export async function appendCase(store: EventStore, options: { agency?: string; registrationNumber?: string | null; more?: number; caseId?: string } = {}): Promise<{ caseId: string; eventIds: string[] }> {
  const agency = options.agency ?? 'demo';
  const caseId = options.caseId ?? randomUUID();
  const at = new Date().toISOString();
  const events = [{ id: randomUUID(), type: 'RequestReceived', version: 1, data: { caseId, agency, jurisdiction: 'CN', profileId: 'cn-ogi-2019', channel: 'online', evidence: {}, receivedOn: at.slice(0, 10), applicant: APPLICANT, request: { description: 'a file' } }, metadata: context(agency, at) }];
  const number = options.registrationNumber === undefined ? `${agency}-2025-${Math.floor(Math.random() * 1e6)}` : options.registrationNumber;
  if (number !== null) events.push({ id: randomUUID(), type: 'RequestRegistered', version: 1, data: { registrationNumber: number, accessCodeDigest: '0'.repeat(64), registeredOn: at.slice(0, 10) } as never, metadata: context(agency, at) });
  for (let i = 0; i < (options.more ?? 0); i++) events.push({ id: randomUUID(), type: 'CaseAssigned', version: 1, data: { assignee: { id: `cw-${i}` } } as never, metadata: context(agency, at) });
  await store.append(caseId, events, { expectedRevision: 'no_stream' });
  return { caseId, eventIds: events.map((e) => e.id) };
}

/** Appends `n` more assignments to a case (one append each). */
export async function appendToCase(store: EventStore, caseId: string, n: number, agency = 'demo'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    await store.append(caseId, [{ id, type: 'CaseAssigned', version: 1, data: { assignee: { id: `cw-${i}` } }, metadata: context(agency, new Date().toISOString()) }], { expectedRevision: 'any' });
    ids.push(id);
  }
  return ids;
}

/**
 * Runs the outbox feeder until it has fed every event stored. A step that reads nothing is not
 * enough: the store reads only below the oldest transaction open on the server (the gap guard), and
 * other tests' transactions hold that back for a moment.
 */
export async function feedAll(feeder: { step(): Promise<{ caughtUp: boolean; position: bigint | null }> }, stores: Pick<WebhookStores, 'head'>): Promise<void> {
  const head = await stores.head();
  for (;;) {
    const r = await feeder.step();
    if (r.caughtUp && (r.position ?? -1n) >= head) return;
    if (r.caughtUp) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
