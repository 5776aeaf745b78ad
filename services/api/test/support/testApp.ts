import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Role } from '@disclosure/domain';
import { pgliteDatabase, PostgresEventStore, type EventStore, type SqlDatabase } from '@disclosure/event-store';
import { openReadModels, Projector, type ReadModelDatabase } from '@disclosure/read-models';
import { migrateWebhooks, TargetGuard } from '@disclosure/webhooks';
import { AgencyDirectory, buildApp, CalendarBook, DEMO_AGENCY, issueToken, tokenVerifier, type Agency, type ApiDependencies } from '@disclosure/api';

export const SECRET = 'test-secret-test-secret-test-secret';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly store: EventStore;
  /** The event store's database itself (schema `disclosure`), for tests that edit a stored row as an insider would. */
  readonly eventsSql: SqlDatabase;
  readonly db: Kysely<ReadModelDatabase>;
  /** The calendars the app, the projector and a test's deadline clock share (builtin + amendments). */
  readonly calendars: CalendarBook;
  /** The agencies the app serves: demo and other (both CN), and any the test adds. */
  readonly agencies: AgencyDirectory;
  /** Every log line the app wrote. */
  readonly logs: string[];
  /** Sets the server's clock (a command's `at`). */
  setNow(iso: string): void;
  /** Sets the store's clock (an event's `recordedAt`); undefined: the wall clock again. */
  setRecordedNow(iso: string | undefined): void;
  /** A token of one role, or of several (a grant beside the role it extends); `sub` defaults to `{roles joined by +}-1`. */
  token(role: Role | readonly Role[], sub?: string, agency?: string): Promise<string>;
  /** Brings the read models up to date. */
  project(): Promise<void>;
  /**
   * Another API process on the same stores, as behind a load balancer: it has folded no case yet
   * (its clock, logs and settings are this app's). Closed with this app.
   */
  anotherApi(): Promise<FastifyInstance>;
  close(): Promise<void>;
}

/** An API on embedded stores (PGlite in memory), with a clock the test sets and captured logs; `agencies` are served beside demo and other. */
export async function testApp(options: { publicRateLimit?: number; trustProxy?: string; agencies?: readonly Agency[] } & Pick<ApiDependencies, 'platformRouting' | 'paymentCallbackSecret'> = {}): Promise<TestApp> {
  const eventsSql = await pgliteDatabase();
  let recordedNow: Date | undefined;
  const store = await PostgresEventStore.open(eventsSql, { now: () => recordedNow ?? new Date() });
  const db = await openReadModels();
  await migrateWebhooks(db); // as openConfiguredReadModels does
  const calendars = new CalendarBook();
  let now = new Date('2025-09-26T02:00:00Z');
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const agencies = new AgencyDirectory([DEMO_AGENCY, { id: 'other', name: 'Other agency', jurisdiction: 'CN' }, ...(options.agencies ?? [])]);
  const api = () =>
    buildApp({
      store,
      db,
      calendars,
      agencies,
      verifyToken: tokenVerifier({ kind: 'secret', secret: SECRET, dev: false }),
      now: () => now,
      logger: { stream: sink, level: 'info' },
      ...(options.publicRateLimit ? { publicRateLimit: options.publicRateLimit } : {}),
      ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
      ...(options.platformRouting ? { platformRouting: options.platformRouting } : {}),
      ...(options.paymentCallbackSecret ? { paymentCallbackSecret: options.paymentCallbackSecret } : {}),
      webhookTargets: new TargetGuard({ allow: ['127.0.0.1'] }), // tests' receivers listen there
    });
  const app = await api();
  const others: FastifyInstance[] = [];
  const projector = new Projector({ store, db, calendars, onOtherEvent: (e) => calendars.apply(e) });
  return {
    app,
    store,
    eventsSql,
    db,
    calendars,
    agencies,
    logs,
    setNow: (iso) => {
      now = new Date(iso);
    },
    setRecordedNow: (iso) => {
      recordedNow = iso === undefined ? undefined : new Date(iso);
    },
    token: (role, sub, agency = 'demo') => {
      const roles = typeof role === 'string' ? [role] : [...role];
      return issueToken(SECRET, { sub: sub ?? `${roles.join('+')}-1`, agency, roles, name: `${roles.join('+')} 1` });
    },
    async project() {
      for (;;) if ((await projector.step()).caughtUp) return;
    },
    async anotherApi() {
      const other = await api();
      others.push(other);
      return other;
    },
    async close() {
      for (const other of others) await other.close();
      await app.close();
      await db.destroy();
      await store.close();
    },
  };
}

/** A receive body: registered post signed for on `day`. */
export function receiveBody(day: string, overrides: Record<string, unknown> = {}) {
  return {
    channel: 'registered-post',
    evidence: { signedForOn: day },
    applicant: { kind: 'natural-person', name: '王小明', idNumber: '110101199001011234', phone: '13912345678', email: 'xiaoming@example.cn', address: '北京市朝阳区某路8号' },
    request: { description: '2024年本区征地补偿标准文件', writtenDownFromOralRequest: false },
    ...overrides,
  };
}
