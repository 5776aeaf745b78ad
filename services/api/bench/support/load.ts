/**
 * The load generator of the HTTP bench, run as a process of its own so that it never shares an
 * event loop with the server it measures: `node --import tsx load.ts <spec.json>` runs autocannon
 * with the spec's connections for its seconds, cycling through its requests, and prints one JSON
 * line, a {@link LoadResult}. `runLoad` (in the bench process) spawns it and reads that line.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** One request of the cycle each connection goes through. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

/** What to send where: the same headers on every request. */
export interface LoadSpec {
  /** The server's origin, `http://127.0.0.1:port`. */
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly requests: readonly LoadRequest[];
}

/** A load run as measured by autocannon. Latencies are of 2xx responses only, in ms. */
export interface LoadResult {
  /** 2xx responses. */
  readonly ok: number;
  /** 2xx responses per second of the run. */
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs one load in a child process (the spec goes through a file in `dir`) and resolves to its result. */
export async function runLoad(spec: LoadSpec, dir: string): Promise<LoadResult> {
  const specFile = path.join(dir, `load-${process.pid}-${Date.now()}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, specFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as LoadResult);
      else reject(new Error(`load generator exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

/** Runs autocannon in this process (the child's side of {@link runLoad}). */
async function generate(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.seconds,
    headers: { ...spec.headers },
    requests: spec.requests.map((r) => ({ method: r.method, path: r.path, ...(r.body === undefined ? {} : { body: r.body }) })),
    timeout: 10,
  });
  const statusCodes = Object.fromEntries(Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
  return {
    ok: result['2xx'],
    rate: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    statusCodes,
  };
}

if (process.argv[1] === SELF) {
  const { readFile, rm } = await import('node:fs/promises');
  const specFile = process.argv[2]!;
  const spec = JSON.parse(await readFile(specFile, 'utf8')) as LoadSpec;
  await rm(specFile, { force: true });
  process.stdout.write(`${JSON.stringify(await generate(spec))}\n`);
}
