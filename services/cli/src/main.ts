/** The `disclosure` command: `pnpm -s disclosure <command> …` from the repository root. */
import { runCli } from './cli.js';

// A reader that stops early (`| head`) closes the pipe: that is not a failure of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

try {
  process.exitCode = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
} catch (e) {
  process.stderr.write(`disclosure: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
