/**
 * `pnpm worker`: the worker on its own (the projector, the deadline clock, the referral reactor and the webhook dispatcher),
 * for deployments that run API processes and worker processes separately. Same configuration as
 * `pnpm start`; SIGTERM finishes the current batch and exits.
 */
import pino from 'pino';
import { deploymentConfig, openConfiguredEventStore, openConfiguredReadModels, webhookTargetGuard, webhookWorkerSettings } from './config.js';
import { AgencyDirectory } from './agencies/agencyDirectory.js';
import { REDACTED_PATHS } from './app.js';
import { loadCalendarBook } from './calendars/calendarBook.js';
import { referralWiring } from './referrals/referralWebhooks.js';
import { startWorker } from './worker.js';

const config = deploymentConfig(process.env);
// the same redaction as the API's: a store's error carries the statement's parameters (events, delivery bodies, applicants)
const log = pino({ level: config.logLevel, name: 'worker', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
const store = await openConfiguredEventStore(config);
const db = await openConfiguredReadModels(config);
const { referrals, webhookPayloads } = await referralWiring({ store, db, agencies: new AgencyDirectory(config.agencies), remoteAgencies: config.remoteAgencies, instanceId: config.instanceId });
const worker = startWorker({ store, db, calendars: await loadCalendarBook(store), log, clock: config.clock, webhooks: webhookWorkerSettings(config, webhookTargetGuard(config)), referrals, webhookPayloads });
log.info({ stores: config.eventStoreUrl ? 'configured' : `embedded in ${config.dataDir}` }, 'worker started');

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'worker stopping');
  await worker.stop();
  await db.destroy();
  await store.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
