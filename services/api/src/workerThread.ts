import { Worker } from 'node:worker_threads';

/** The worker running in a thread of this process (see {@link startWorkerThread}). */
export interface WorkerThread {
  /**
   * Asks the thread to finish its current batch, close its stores and end; resolves once it has.
   * Rejects when it ended with an error, or had not ended after `graceMs` (it is then terminated).
   */
  stop(graceMs?: number): Promise<void>;
}

/** What the thread reports through: the API's logger. */
interface ThreadLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/** The node options a thread takes from the process: its package conditions, and profiling (`--cpu-prof`, each thread its own file). */
const THREAD_OPTIONS = /^--(conditions=|cpu-prof|heap-prof)/;

/** The messages between the thread and this process. */
export const WORKER_THREAD_READY = 'ready';
export const WORKER_THREAD_STOP = 'stop';

/**
 * `pnpm worker` (workerMain.ts) in a worker thread of this process: `pnpm start` on server stores
 * runs the projector, the deadline clock, the referral reactor and the webhook dispatcher beside the
 * API on a core of their own, as the two-process deployment does, instead of taking turns with the
 * requests on the API's event loop. The thread reads the same environment and opens its own (small)
 * connection pools. Resolves once the thread has started its worker, so that a process that listens
 * has its worker running; rejects if the thread ends before. Should it end by itself later, the
 * process exits (code 1): the API must not go on answering while nothing projects what it appends.
 *
 * The thread loads the TypeScript sources as the process does: tsx is registered in it (a thread
 * does not inherit `--import` hooks), with the process's `--conditions` (and profiling options). It
 * takes no other node option (a thread refuses V8's and the process's own), but the young generation that
 * `--max-semi-space-size=N` gives the process, 3 × N MB (two semi-spaces and the space beside
 * them), as a resource limit.
 * `main` is the module the thread runs (tests give others that misbehave).
 * @example const worker = await startWorkerThread(app.log); … await worker.stop();
 */
export async function startWorkerThread(log: ThreadLog, main: URL = new URL('./workerMain.ts', import.meta.url)): Promise<WorkerThread> {
  const entry = main.href;
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const semiSpaceMb = Number(process.execArgv.map((a) => /^--max-semi-space-size=(\d+)$/.exec(a)?.[1]).find((n) => n !== undefined) ?? 0);
  const thread = new Worker(code, {
    eval: true,
    execArgv: process.execArgv.filter((a) => THREAD_OPTIONS.test(a)),
    ...(semiSpaceMb > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: 3 * semiSpaceMb } } : {}),
  });
  thread.on('error', (err) => log.error({ err }, 'the worker thread failed'));
  const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    thread.once('message', (message) => message === WORKER_THREAD_READY && resolve());
    void exited.then((code) => reject(new Error(`the worker thread ended (code ${code}) before its worker started`)));
  });
  let stopping = false;
  void exited.then((code) => {
    if (stopping) return;
    log.fatal({ code }, 'the worker thread ended by itself: stopping the process');
    process.exit(1);
  });
  return {
    async stop(graceMs = 30_000) {
      stopping = true;
      thread.postMessage(WORKER_THREAD_STOP);
      let timer: NodeJS.Timeout | undefined;
      const overdue = new Promise<'overdue'>((resolve) => (timer = setTimeout(() => resolve('overdue'), graceMs)));
      const code = await Promise.race([exited, overdue]);
      clearTimeout(timer);
      if (code === 'overdue') {
        await thread.terminate();
        throw new Error(`the worker thread had not stopped after ${graceMs} ms: terminated`);
      }
      if (code !== 0) throw new Error(`the worker thread ended with code ${code}`);
    },
  };
}
