// A stand-in for workerMain.ts in a thread of startWorkerThread, behaving as THREAD_BEHAVIOUR (set
// in the thread's environment by the test) says: `fail-at-start` throws before it is ready;
// `obedient` is ready and ends when asked; `deaf` is ready and never ends; `dies` is ready, then
// throws a moment later.
import { parentPort } from 'node:worker_threads';
import { WORKER_THREAD_READY, WORKER_THREAD_STOP } from '../../../src/workerThread.js';

const behaviour = process.env.THREAD_BEHAVIOUR;
if (behaviour === 'fail-at-start') throw new Error('the stores are unreachable');
parentPort!.postMessage(WORKER_THREAD_READY);
if (behaviour === 'obedient') parentPort!.on('message', (m) => m === WORKER_THREAD_STOP && process.exit(0));
if (behaviour === 'deaf') setInterval(() => {}, 1_000);
if (behaviour === 'dies')
  setTimeout(() => {
    throw new Error('out of its mind');
  }, 100);
