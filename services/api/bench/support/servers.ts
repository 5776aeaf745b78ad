/**
 * Server processes for the HTTP bench: each runs on its own, with the node options of `pnpm start`
 * (or `pnpm worker`; see {@link nodeOptionsOf}), its stdout and stderr going to a log file (so the
 * bench process spends nothing reading them), and is ready once it has printed `listening on <url>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The API package's directory: the cwd of its servers, as for `pnpm start`. */
export const API_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** A started server process. */
export interface ServerProcess {
  readonly name: string;
  /** Its origin, `http://127.0.0.1:port` (empty for a process that serves no HTTP, like a worker). */
  readonly url: string;
  readonly pid: number;
  /** Where its stdout and stderr go. */
  readonly logFile: string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  /** The script, relative to {@link API_DIR}. */
  readonly script: string;
  /** Its whole environment. */
  readonly env: NodeJS.ProcessEnv;
  /** Where its log file goes. */
  readonly logDir: string;
  /** Extra node options after the script's own, so they win (e.g. `--cpu-prof`). */
  readonly nodeArgs?: readonly string[];
  /** The package.json script whose node options it runs with (default `start`). */
  readonly runsAs?: 'start' | 'worker';
  readonly readyTimeoutMs?: number;
  /** What it prints once ready (default `listening on <url>`; a first group, if any, is its URL). */
  readonly ready?: RegExp;
}

/** The environment minus what would change how a server is configured (the bench sets those). */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _o, JWT_SECRET: _s, JWKS_URL: _j, EVENT_STORE_URL: _e, DATABASE_URL: _d, DATA_DIR: _dd, PORT: _p, HOST: _h, LOG_LEVEL: _l, WORKER: _w, ...env } = process.env;
  return { ...env, ...extra };
}

const ROOT_PACKAGE = fileURLToPath(new URL('../../../../package.json', import.meta.url));

/**
 * The node options a root package.json script runs its file with — for `pnpm start`,
 * `--max-semi-space-size=64 --import tsx --conditions=@disclosure/source` — so that the bench's
 * servers run as `pnpm start` and `pnpm worker` do, and the reference with the same runtime settings.
 */
export function nodeOptionsOf(script: 'start' | 'worker'): string[] {
  const command = (JSON.parse(readFileSync(ROOT_PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts[script] ?? '';
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'node' || !words.at(-1)!.endsWith('.ts')) throw new Error(`package.json's ${script} script is not "node <options> <file>.ts": ${command}`);
  return words.slice(1, -1);
}

/** Starts a server process and waits until it says where it listens (or that it is ready). */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const logFile = path.join(options.logDir, `${options.name}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [...nodeOptionsOf(options.runsAs ?? 'start'), ...(options.nodeArgs ?? []), options.script], { cwd: API_DIR, env: options.env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await readyUrl(child, logFile, options.ready ?? /listening on (http:\/\/\S+)/, options.readyTimeoutMs ?? 120_000);
    return { name: options.name, url, pid: child.pid!, logFile, stop: (graceMs = 20_000) => stopChild(child, exited, graceMs) };
  } catch (e) {
    await stopChild(child, exited, 1_000);
    throw e;
  }
}

async function readyUrl(child: ChildProcess, logFile: string, ready: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = readFileSync(logFile, 'utf8');
    const match = ready.exec(log);
    if (match) return match[1] ?? '';
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${path.basename(logFile)}: the process exited before it was ready:\n${log.slice(-2_000)}`);
    if (Date.now() > deadline) throw new Error(`${path.basename(logFile)}: not ready after ${timeoutMs} ms:\n${log.slice(-2_000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
