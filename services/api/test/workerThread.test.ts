import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startWorkerThread } from '../src/workerThread.js';

/*
 * `pnpm start` on server stores runs its worker in a thread (workerThread.ts). What the process
 * does when that thread misbehaves: one that fails before it is ready stops the start, one that does
 * not stop when asked is terminated, and one that dies after the start takes the process with it
 * (an API must not go on answering while nothing projects what it appends).
 */

const thread = new URL('./support/threads/thread.ts', import.meta.url);

/** Starts the stand-in thread with a behaviour, and what it logged. */
async function withThread(behaviour: string) {
  const logged: { level: string; msg: string; obj: object }[] = [];
  const log = { error: (obj: object, msg: string) => logged.push({ level: 'error', msg, obj }), fatal: (obj: object, msg: string) => logged.push({ level: 'fatal', msg, obj }) };
  process.env.THREAD_BEHAVIOUR = behaviour; // a thread takes a copy of the environment when it is made
  try {
    return { started: startWorkerThread(log, thread), logged };
  } finally {
    delete process.env.THREAD_BEHAVIOUR;
  }
}

t.test('a thread that fails before it is ready: the start fails, naming it, with the error logged', async (t) => {
  const { started, logged } = await withThread('fail-at-start');
  await t.rejects(started, /the worker thread ended \(code 1\) before its worker started/);
  t.match(logged, [{ level: 'error', msg: 'the worker thread failed', obj: { err: { message: 'the stores are unreachable' } } }]);
});

t.test('a thread asked to stop ends, and stop resolves', async (t) => {
  const { started, logged } = await withThread('obedient');
  const worker = await started;
  await worker.stop(5_000);
  t.same(logged, [], 'nothing to report');
});

t.test('a thread that does not stop within the grace period is terminated, and stop says so', async (t) => {
  const { started } = await withThread('deaf');
  const worker = await started;
  await t.rejects(worker.stop(300), /the worker thread had not stopped after 300 ms: terminated/);
});

t.test('a thread that dies after the start ends the process (code 1), saying why', async (t) => {
  const host = fileURLToPath(new URL('./support/threads/host.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', host], { env: { ...process.env, THREAD_BEHAVIOUR: 'dies' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 1, `it exited 1:\n${out}`);
  t.match(out, /^started$/m, 'after it had started');
  t.match(out, /"level":"error".*"message":"out of its mind".*"msg":"the worker thread failed"/);
  t.match(out, /"level":"fatal","code":1,"msg":"the worker thread ended by itself: stopping the process"/);
});
