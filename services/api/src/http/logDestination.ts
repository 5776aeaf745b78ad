import { constants } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import pino from 'pino';

/** Bytes of log lines gathered before they are written (one write for ~10 request lines). */
const LOG_BUFFER_BYTES = 4_096;
/** At most this long before gathered lines are written, however few. */
const LOG_FLUSH_MS = 500;

/**
 * Where `pnpm start` and `pnpm worker` write their log: standard output, the lines of a busy
 * second gathered into writes of about 4 KiB (at most half a second late) instead of one write
 * system call per line — under load that write was 4 % of the API's CPU. pino writes what is
 * gathered when the process exits (an exit, a fatal error, SIGTERM's shutdown); a process killed
 * outright (SIGKILL, out of memory) loses at most the last half second of lines. In a worker
 * thread, which pino does not flush at exit, every line is written at once, as before.
 * @example Fastify({ logger: { level: 'info', stream: logDestination() } })
 */
export function logDestination(): pino.DestinationStream {
  return isMainThread ? pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS }) : pino.destination({ dest: 1, sync: true });
}

/**
 * Resolves once `log` has written the lines it gathered, a write under way included (at exit pino
 * writes only what no write under way holds).
 * @example await logWritten(app.log); process.exit(0);
 */
export function logWritten(log: object): Promise<void> {
  return new Promise((resolve) => (log as { flush(done: () => void): void }).flush(() => resolve()));
}

/**
 * Until the process has its own SIGTERM and SIGINT handlers (a server that is still starting: its
 * migrations, its worker thread), a signal ends it at once, as it would with no handler — but
 * through `process.exit`, where pino writes the log lines it has gathered. Call the function it
 * returns just before installing the real handlers.
 * @example const started = exitOnSignalWhileStarting(); … started(); process.on('SIGTERM', shutdown);
 */
export function exitOnSignalWhileStarting(): () => void {
  if (!isMainThread) return () => {}; // a thread gets no signals: its process ends it
  const exit = (signal: NodeJS.Signals) => process.exit(128 + constants.signals[signal]);
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
  return () => {
    process.off('SIGTERM', exit);
    process.off('SIGINT', exit);
  };
}
