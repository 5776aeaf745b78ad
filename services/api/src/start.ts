/**
 * `pnpm start`: the API and the worker in one process (WORKER=off: the API only, with `pnpm worker`
 * processes beside it on the same PostgreSQL). With nothing configured, both stores are
 * embedded PGlite in DATA_DIR (./data), a demo agency is served, and a dev token per role is
 * printed. SIGTERM or SIGINT drains in-flight requests, stops the worker and closes the stores.
 */
import { ROLES, type Role } from '@disclosure/domain';
import { AgencyDirectory } from './agencies/agencyDirectory.js';
import { buildApp } from './app.js';
import { issueToken, tokenVerifier } from './auth/principal.js';
import { loadCalendarBook } from './calendars/calendarBook.js';
import { referralWiring } from './referrals/referralWebhooks.js';
import { deploymentConfig, openConfiguredEventStore, openConfiguredReadModels, webhookTargetGuard, webhookWorkerSettings } from './config.js';
import { Projector } from '@disclosure/read-models';
import { startWorker } from './worker.js';

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
  logger: { level: config.logLevel },
  projectorLag: async () => (await lagReader.status()).lag,
  ...(config.trustProxy === undefined ? {} : { trustProxy: config.trustProxy }),
  ...(config.platformRouting ? { platformRouting: config.platformRouting } : {}),
  ...(config.paymentCallbackSecret ? { paymentCallbackSecret: config.paymentCallbackSecret } : {}),
  webhookTargets,
  caseCacheSize: config.caseCacheSize,
});
const { referrals, webhookPayloads } = await referralWiring({ store, db, agencies, remoteAgencies: config.remoteAgencies, instanceId: config.instanceId });
const worker = config.worker ? startWorker({ store, db, calendars, log: app.log, clock: config.clock, webhooks: webhookWorkerSettings(config, webhookTargets), referrals, webhookPayloads }) : undefined;
const address = await app.listen({ port: config.port, host: config.host });

const lines = [`Disclosure Engine listening on ${address}${config.worker ? '' : ' (API only, WORKER=off: run `pnpm worker` beside it)'}`, `  API docs:  ${address}/docs`, `  stores:    ${config.eventStoreUrl ? 'events at EVENT_STORE_URL' : `embedded PGlite in ${config.dataDir}`}${config.databaseUrl ? ', read models at DATABASE_URL' : ''}`];
if (config.auth.kind === 'secret' && config.auth.dev) {
  const first = agencies.all()[0]!;
  lines.push(`  agency:    ${first.id} — ${first.name}`, '  dev tokens (valid 12 h; set JWT_SECRET or JWKS_URL for real use):');
  for (const role of ROLES.filter((r) => r !== 'applicant')) {
    // the applicant-data grant is held beside integrator: alone it does nothing
    const roles: Role[] = role === 'applicant-data-recipient' ? ['integrator', role] : [role];
    lines.push(`    ${roles.join('+').padEnd(11)} ${await issueToken(config.auth.secret, { sub: `${first.id}-${role}`, agency: first.id, roles, name: `Demo ${role}` })}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down: draining requests');
  await app.close();
  await worker?.stop();
  await db.destroy();
  await store.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
