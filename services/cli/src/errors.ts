import { ZodError } from 'zod';

/** The command line itself is wrong (unknown flag, missing option): exit code 2 with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A stable kind of failure, the same in single and batch mode, so callers can branch on it. */
export type FailureType = 'invalid-json' | 'invalid-input' | 'unknown-profile' | 'out-of-range' | 'internal';

/** A failure as the CLI reports it. */
export interface Failure {
  readonly type: FailureType;
  readonly message: string;
}

/** A zod error as one readable sentence: `days: must not be negative; …`. */
export function describeZodError(error: ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

// Matched by name as well as by class: the errors come from other packages, and a second copy of a
// package in node_modules would make `instanceof` fail silently.
const named = (error: unknown, name: string) => error instanceof Error && error.name === name;

/** Sorts anything thrown while answering a question into a stable failure kind. */
export function classify(error: unknown): Failure {
  if (error instanceof ZodError) return { type: 'invalid-input', message: describeZodError(error) };
  if (!(error instanceof Error)) return { type: 'internal', message: String(error) };
  if (named(error, 'UnknownProfile')) return { type: 'unknown-profile', message: error.message };
  if (named(error, 'DateOutOfCalendarRange')) return { type: 'out-of-range', message: error.message };
  if (named(error, 'InvalidDate') || error instanceof RangeError) return { type: 'invalid-input', message: error.message };
  return { type: 'internal', message: error.message };
}
