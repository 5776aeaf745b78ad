/**
 * When each attempt of a delivery is made, in seconds after the attempt before it failed: the first
 * immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h. When the last attempt
 * fails the delivery is dead-lettered.
 */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [0, 5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600];

/** Up to this share of a delay is added at random, so receivers coming back are not hit by every sender at once. */
export const DEFAULT_JITTER = 0.2;

export interface RetryPolicy {
  /** Seconds before each attempt (the first is normally 0); tests compress it. */
  readonly schedule: readonly number[];
  /** Share of each delay added at random (0 for none). */
  readonly jitter: number;
  readonly random: () => number;
}

/**
 * When the next attempt is due after attempt number `attempts` (1-based) failed at `at`, or null when
 * the schedule is spent (dead letter). A `Retry-After` the receiver gave is waited out at least.
 * @example nextAttemptAt({ schedule: DEFAULT_RETRY_SCHEDULE, jitter: 0, random: Math.random }, 1, new Date(), undefined) // 5 s later
 */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, at: Date, retryAfterMs: number | undefined): Date | null {
  const delay = policy.schedule[attempts];
  if (delay === undefined) return null;
  const scheduled = delay * 1000 * (1 + policy.jitter * policy.random());
  return new Date(at.getTime() + Math.max(scheduled, retryAfterMs ?? 0));
}

/**
 * A `Retry-After` header as milliseconds from `now`: delay-seconds or an HTTP date; undefined when absent or unreadable.
 * @example retryAfterMs('120', new Date()) // 120000
 */
export function retryAfterMs(header: string | undefined, now: Date): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  const ms = /^\d{1,12}$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now.getTime();
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(0, ms), RETRY_AFTER_CAP_MS);
}

/** A receiver asking to wait longer than a week is waited for a week: the delivery stays in its schedule. */
const RETRY_AFTER_CAP_MS = 7 * 86_400_000;
