import type { Command } from './command.js';
import { calendarCommand } from './commands/calendar.js';
import { deadlineCommand } from './commands/deadline.js';
import { migrateCommand, projectionsCommand, rebuildCommand } from './commands/readModels.js';
import { tokenCommand } from './commands/token.js';
import { verifyCommand } from './commands/verify.js';
import { UsageError } from './errors.js';
import { writeLine, type Io } from './io.js';

/** Every `disclosure` command, by name. A new command is one file in commands/ and one entry here. */
export const COMMANDS: readonly Command[] = [deadlineCommand, migrateCommand, rebuildCommand, projectionsCommand, tokenCommand, verifyCommand, calendarCommand];

/** The top-level `disclosure --help` text. */
export function usage(commands: readonly Command[] = COMMANDS): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `Usage: disclosure <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "disclosure <command> --help" for a command's options.
From the repository root: pnpm -s disclosure <command> [options]`;
}

/**
 * Runs `disclosure` with its arguments (without node and the script); resolves to the exit code:
 * 0 done, 1 the command could not do it, 2 wrong command line (the usage goes to stderr).
 */
export async function runCli(argv: readonly string[], io: Io, commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    await writeLine(io.stdout, topic ? topic.usage.trimEnd() : usage(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const why = name === undefined ? 'no command given' : `unknown command "${name}"`;
    await writeLine(io.stderr, `disclosure: ${why}\n\n${usage(commands)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    await writeLine(io.stderr, `disclosure ${command.name}: ${e.message}\n\n${command.synopsis}\n\nRun "disclosure ${command.name} --help" for every option.`);
    return 2;
  }
}
