import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/** The streams a command talks through: the process's own in `main.ts`, anything in between. */
export interface Io {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** Writes one line, waiting for the stream to drain when its buffer is full (flat memory on long batches). */
export async function writeLine(out: Writable, text: string): Promise<void> {
  if (!out.write(`${text}\n`)) await once(out, 'drain');
}
