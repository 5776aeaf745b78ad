import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The cli package directory: the command runs from there, as `pnpm -s disclosure` runs it from the root. */
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** What one run of the real `disclosure` process left behind. */
export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `disclosure …args` as a separate node process, with `stdin` piped in (or nothing, then closed). */
export function disclosure(args: readonly string[], stdin = '', extraEnv: Record<string, string> = {}): Promise<Run> {
  // tap hands its own loaders to children through NODE_OPTIONS; the command must start as a user starts it.
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited };
  for (const [k, v] of Object.entries(extraEnv)) if (v === '') delete env[k];
  else env[k] = v;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=@disclosure/source', 'src/main.ts', ...args],
      { cwd: PACKAGE_DIR, env, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        if (code === null) reject(error);
        else resolve({ code, stdout, stderr });
      },
    );
    child.stdin!.end(stdin);
  });
}

/** The one JSON object a successful single-mode run printed. */
export function answerOf(run: Run): Record<string, unknown> {
  const lines = run.stdout.split('\n').filter((l) => l !== '');
  if (run.code !== 0 || lines.length !== 1) throw new Error(`expected one JSON line and exit 0, got ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

/** One JSON value per output line. */
export const jsonLines = (stdout: string): unknown[] => stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);
