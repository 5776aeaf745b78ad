import type { Io } from './io.js';

/** One `disclosure <name>` command. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage lines shown under a command-line error. */
  readonly synopsis: string;
  /** The full `--help` text. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. Throws {@link UsageError} for a wrong command line. */
  run(args: readonly string[], io: Io): Promise<number>;
}
