// A process whose worker thread dies after it started (THREAD_BEHAVIOUR=dies): what startWorkerThread
// does then is end this process. Logs as JSON lines on stdout; prints `started` once the thread is ready.
import { startWorkerThread } from '../../../src/workerThread.js';

const line = (level: string) => (obj: object, msg: string) => process.stdout.write(`${JSON.stringify({ level, ...obj, msg }, (_k, v: unknown) => (v instanceof Error ? { message: v.message } : v))}\n`);
await startWorkerThread({ error: line('error'), fatal: line('fatal') }, new URL('./thread.ts', import.meta.url));
process.stdout.write('started\n');
setInterval(() => {}, 1_000); // an API would be listening
