/** What {@link opsPerSecond} measured: each round's rate and their median. */
export interface Rates {
  readonly median: number;
  readonly rounds: readonly number[];
}

let sink = 0; // the operations' results feed this, so their work cannot be optimised away

/**
 * Operations per second of a synchronous `op`, called with 0, 1, 2, … in batches of `batch`: a
 * warm-up, then rounds of at least `roundMs` each; the median round is the figure, so one slow
 * round (GC, a noisy neighbour) does not move it. The micro benches' one way of timing (see
 * docs/benchmarks.md § Reading the tables).
 * @example opsPerSecond((i) => cn.addWorkingDays(dates[i % dates.length]!, 20).date.length, { batch: 1_000 }).median
 */
export function opsPerSecond(op: (i: number) => number, { batch, warmUpMs = 500, roundMs = 1_000, rounds = 5 }: { batch: number; warmUpMs?: number; roundMs?: number; rounds?: number }): Rates {
  let next = 0;
  const runFor = (ms: number) => {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      for (let k = 0; k < batch; k++) sink = (sink + op(next++)) | 0;
      ops += batch;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    return (ops * 1000) / elapsed;
  };
  runFor(warmUpMs);
  const measured = Array.from({ length: rounds }, () => runFor(roundMs));
  const sorted = [...measured].sort((a, b) => a - b);
  return { median: sorted[Math.floor(rounds / 2)]!, rounds: measured };
}

/** The sink's value (printing it keeps it, and so the measured work, alive). */
export const benchSink = () => sink;
