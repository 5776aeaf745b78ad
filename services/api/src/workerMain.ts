/**
 * `pnpm worker`: the worker on its own (the projector, the deadline clock, the referral reactor and the webhook dispatcher),
 * for deployments that run API processes and worker processes separately. Same configuration as
 * `pnpm start`; SIGTERM finishes the current batch and exits. `pnpm start` on server stores runs
 * this same file in a thread (workerThread.ts), which ends it with a `stop` message instead.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import pino from 'pino';
import { deploymentConfig, openConfiguredEventStore, openConfiguredReadModels, webhookTargetGuard, webhookWorkerSettings } from './config.js';
import { AgencyDirectory } from './agencies/agencyDirectory.js';
import { REDACTED_PATHS } from './app.js';
import { exitOnSignalWhileStarting, logDestination, logWritten } from './http/logDestination.js';
import { loadCalendarBook } from './calendars/calendarBook.js';
import { referralWiring } from './referrals/referralWebhooks.js';
import { startWorker } from './worker.js';
import { WORKER_THREAD_READY, WORKER_THREAD_STOP } from './workerThread.js';

/** Connections per store of a worker in a thread of `pnpm start`. */
const THREAD_POOL_SIZE = 5;

const started = exitOnSignalWhileStarting();
const config = deploymentConfig(process.env);
// the same redaction as the API's: a store's error carries the statement's parameters (events, delivery bodies, applicants)
const log = pino({ level: config.logLevel, name: 'worker', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, logDestination());
// in a thread of `pnpm start`, beside the API's own pools: small ones (a worker runs one step at a time)
const pools = isMainThread ? {} : { poolSize: THREAD_POOL_SIZE };
const store = await openConfiguredEventStore(config, pools);
const db = await openConfiguredReadModels(config, pools);
const { referrals, webhookPayloads } = await referralWiring({ store, db, agencies: new AgencyDirectory(config.agencies), remoteAgencies: config.remoteAgencies, instanceId: config.instanceId });
const worker = startWorker({ store, db, calendars: await loadCalendarBook(store), log, clock: config.clock, webhooks: webhookWorkerSettings(config, webhookTargetGuard(config)), referrals, webhookPayloads });
log.info({ stores: config.eventStoreUrl ? 'configured' : `embedded in ${config.dataDir}`, thread: !isMainThread }, 'worker started');

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  log.info({ signal }, 'worker stopping');
  await worker.stop();
  await db.destroy();
  await store.close();
  await logWritten(log); // a thread's log is not flushed at its exit
  process.exit(0); // in a thread: the thread's
}
started();
if (isMainThread) {
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} else {
  parentPort!.on('message', (message) => message === WORKER_THREAD_STOP && void shutdown('stop'));
  parentPort!.postMessage(WORKER_THREAD_READY);
}
