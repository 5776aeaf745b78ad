/**
 * `pnpm start`: the API and the worker in one process — on server stores the worker in a thread of
 * its own (workerThread.ts) — or, with WORKER=off, the API only, with `pnpm worker` processes beside
 * it on the same PostgreSQL. With nothing configured, both stores are
 * embedded PGlite in DATA_DIR (./data), a demo agency is served, and a dev token per role is
 * printed. SIGTERM or SIGINT drains in-flight requests, stops the worker and closes the stores.
 */
import { ROLES, type Role } from '@disclosure/domain';
import { AgencyDirectory } from './agencies/agencyDirectory.js';
import { buildApp } from './app.js';
import { exitOnSignalWhileStarting, logDestination, logWritten } from './http/logDestination.js';
import { issueToken, tokenVerifier } from './auth/principal.js';
import { loadCalendarBook } from './calendars/calendarBook.js';
import { referralWiring } from './referrals/referralWebhooks.js';
import { deploymentConfig, openConfiguredEventStore, openConfiguredReadModels, webhookTargetGuard, webhookWorkerSettings } from './config.js';
import { Projector } from '@disclosure/read-models';
import { startWorker } from './worker.js';
import { startWorkerThread } from './workerThread.js';

/** How often an API process without a worker in its thread reads the calendar amendments others recorded (as a worker does). */
const CALENDAR_REFRESH_MS = 10_000;

const started = exitOnSignalWhileStarting();
const config = deploymentConfig(process.env);
const store = await openConfiguredEventStore(config);
const calendars = await loadCalendarBook(store); // the shipped calendars and every amendment recorded
const db = await openConfiguredReadModels(config); // migrations run here
// the lag is read off the checkpoints, whichever process moves them: this one's worker or `pnpm worker` (WORKER=off)
const lagReader = new Projector({ store, db, calendars }); // only asked for its status, never stepped
const agencies = new AgencyDirectory(config.agencies);
const webhookTargets = webhookTargetGuard(config);
const app = await buildApp({
  store,
  db,
  calendars,
  agencies,
  verifyToken: tokenVerifier(config.auth),
  logger: { level: config.logLevel, stream: logDestination() },
  projectorLag: async () => (await lagReader.status()).lag,
  ...(config.trustProxy === undefined ? {} : { trustProxy: config.trustProxy }),
  ...(config.platformRouting ? { platformRouting: config.platformRouting } : {}),
  ...(config.paymentCallbackSecret ? { paymentCallbackSecret: config.paymentCallbackSecret } : {}),
  webhookTargets,
  caseCacheSize: config.caseCacheSize,
});
// on server stores the worker runs in a thread of its own; the embedded stores serve one thread, so there it shares the API's
const inThread = config.worker && config.eventStoreUrl !== undefined && config.databaseUrl !== undefined;
// the referral intakes' webhook subscriptions exist before the API listens: made here, or by the worker's thread before it says it is ready
const wiring = inThread ? undefined : await referralWiring({ store, db, agencies, remoteAgencies: config.remoteAgencies, instanceId: config.instanceId });
const worker = !config.worker
  ? undefined
  : wiring === undefined
    ? await startWorkerThread(app.log)
    : startWorker({ store, db, calendars, log: app.log, clock: config.clock, webhooks: webhookWorkerSettings(config, webhookTargets), ...wiring });
// a worker in this thread applies the calendar amendments it reads to the book the API counts with; otherwise the API looks for them itself
const calendarRefresh = worker && !inThread ? undefined : setInterval(() => void calendars.refresh(store).catch((err: unknown) => app.log.warn({ err }, 'calendar refresh failed; retrying')), CALENDAR_REFRESH_MS).unref();
const address = await app.listen({ port: config.port, host: config.host });

const lines = [`Disclosure Engine listening on ${address}${!config.worker ? ' (API only, WORKER=off: run `pnpm worker` beside it)' : inThread ? ' (worker in a thread of its own)' : ''}`, `  API docs:  ${address}/docs`, `  stores:    ${config.eventStoreUrl ? 'events at EVENT_STORE_URL' : `embedded PGlite in ${config.dataDir}`}${config.databaseUrl ? ', read models at DATABASE_URL' : ''}`];
if (config.auth.kind === 'secret' && config.auth.dev) {
  const first = agencies.all()[0]!;
  lines.push(`  agency:    ${first.id} — ${first.name}`, '  dev tokens (valid 12 h; set JWT_SECRET or JWKS_URL for real use):');
  for (const role of ROLES.filter((r) => r !== 'applicant')) {
    // the applicant-data grant is held beside integrator: alone it does nothing
    const roles: Role[] = role === 'applicant-data-recipient' ? ['integrator', role] : [role];
    lines.push(`    ${roles.join('+').padEnd(11)} ${await issueToken(config.auth.secret, { sub: `${first.id}-${role}`, agency: first.id, roles, name: `Demo ${role}` })}`);
  }
}
// the log's startup lines go out before the banner, in the order they happened
await logWritten(app.log);
process.stdout.write(`${lines.join('\n')}\n`);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: draining requests');
  await app.close();
  clearInterval(calendarRefresh);
  let stopped = true;
  try {
    await worker?.stop();
  } catch (err) {
    app.log.error({ err }, 'the worker did not stop cleanly');
    stopped = false;
  }
  await db.destroy();
  await store.close();
  await logWritten(app.log);
  process.exit(stopped ? 0 : 1);
}
started();
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
