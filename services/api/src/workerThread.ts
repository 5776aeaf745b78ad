import { Worker } from 'node:worker_threads';

/** The worker running in a thread of this process (see {@link startWorkerThread}). */
export interface WorkerThread {
  /** Asks the thread to finish its current batch, close its stores and end; resolves once it has. */
  stop(): Promise<void>;
}

/** What the thread reports through: the API's logger. */
interface ThreadLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

/**
 * `pnpm worker` (workerMain.ts) in a worker thread of this process: `pnpm start` on server stores
 * runs the projector, the deadline clock, the referral reactor and the webhook dispatcher beside the
 * API on a core of their own, as the two-process deployment does, instead of taking turns with the
 * requests on the API's event loop. The thread reads the same environment and opens its own
 * connections; it ends when asked ({@link WorkerThread.stop}). Should it end by itself, the process
 * exits (non-zero): the API must not go on answering while nothing projects what it appends.
 *
 * The thread loads the TypeScript sources as the process does (tsx, registered in the thread: a
 * worker does not inherit the `--import` hooks), with the process's node options except V8's heap
 * sizes, which a worker takes as resource limits: a semi-space of `--max-semi-space-size` MB is a
 * young generation of three times that.
 * @example const worker = startWorkerThread(app.log); … await worker.stop();
 */
export function startWorkerThread(log: ThreadLog): WorkerThread {
  const entry = new URL('./workerMain.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const semiSpaceMb = Number(/^--max-semi-space-size=(\d+)$/.exec(process.execArgv.find((a) => a.startsWith('--max-semi-space-size=')) ?? '')?.[1] ?? 0);
  const thread = new Worker(code, {
    eval: true,
    execArgv: process.execArgv.filter((a) => !a.startsWith('--max-semi-space-size=')),
    ...(semiSpaceMb > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: 3 * semiSpaceMb } } : {}),
  });
  let stopping = false;
  const exited = new Promise<number>((resolve) => thread.once('exit', resolve));
  thread.on('error', (err) => log.error({ err }, 'the worker thread failed'));
  void exited.then((code) => {
    if (stopping) return;
    log.fatal({ code }, 'the worker thread ended by itself: stopping the process');
    process.exit(1);
  });
  return {
    async stop() {
      stopping = true;
      thread.postMessage('stop');
      await exited;
    },
  };
}
