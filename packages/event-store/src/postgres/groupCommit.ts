/**
 * Group commit: appends that arrive while earlier ones are being written go to the server
 * together, as one statement in one transaction — one round trip, one commit record and one WAL
 * flush for all of them — instead of one transaction each. Nobody waits for a batch to fill: an
 * append that finds a free slot is sent at once (alone, at low load); only those that arrive while
 * every slot is busy wait, and then for one statement at most. Each append still gets its own
 * answer, and only after the transaction that holds it has committed.
 *
 * A batch holds at most one append per key (stream): a second append to a stream already waiting
 * is not grouped (`submit` answers `undefined`), so two appends racing for a stream meet each
 * other at the server exactly as they would without grouping.
 */

/** One batch written: each job's outcome, in the jobs' order. */
export type WriteBatch<J, R> = (jobs: readonly J[]) => Promise<readonly R[]>;

export interface GroupCommitOptions {
  /** Statements in flight at once (default 2): one can be written while the next is being filled. */
  readonly maxInFlight?: number;
  /** Most events in one statement (default 1,000); an append never waits behind a full batch for long. */
  readonly maxEvents?: number;
  /** Most bytes of event data and metadata in one statement (default 1 MiB). */
  readonly maxBytes?: number;
}

interface Waiting<J, R> {
  readonly key: string;
  readonly job: J;
  readonly events: number;
  readonly bytes: number;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Groups concurrent jobs into batches written by `write`. When a batch of several jobs fails as a
 * whole (a unique violation, a lost connection), each of its jobs is written again on its own with
 * `writeOne`, so every job gets exactly the outcome it would have had alone.
 *
 * @example
 * const committer = new GroupCommitter(writeMany, writeOne);
 * const outcome = await (committer.submit(streamId, job, 1, 600) ?? writeOne(job));
 */
export class GroupCommitter<J, R> {
  readonly #write: WriteBatch<J, R>;
  readonly #writeOne: (job: J) => Promise<R>;
  readonly #maxInFlight: number;
  readonly #maxEvents: number;
  readonly #maxBytes: number;
  #queue: Waiting<J, R>[] = [];
  readonly #queued = new Set<string>();
  #inFlight = 0;

  constructor(write: WriteBatch<J, R>, writeOne: (job: J) => Promise<R>, options: GroupCommitOptions = {}) {
    this.#write = write;
    this.#writeOne = writeOne;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? 2);
    this.#maxEvents = Math.max(1, options.maxEvents ?? 1_000);
    this.#maxBytes = Math.max(1, options.maxBytes ?? 1_048_576);
  }

  /**
   * Queues a job of `events` events and `bytes` bytes under `key` and resolves to its outcome once
   * its batch has committed; `undefined` when the job cannot be grouped (its key is already
   * waiting, or it alone exceeds a batch's limits): write it on its own.
   */
  submit(key: string, job: J, events: number, bytes: number): Promise<R> | undefined {
    if (this.#queued.has(key) || events > this.#maxEvents || bytes > this.#maxBytes) return undefined;
    const outcome = new Promise<R>((resolve, reject) => this.#queue.push({ key, job, events, bytes, resolve, reject }));
    this.#queued.add(key);
    if (this.#inFlight < this.#maxInFlight) this.#flush();
    return outcome;
  }

  /** Sends the waiting jobs (up to a batch's limits) as one batch; when it is written, the next. */
  #flush(): void {
    let events = 0;
    let bytes = 0;
    let n = 0;
    while (n < this.#queue.length) {
      const w = this.#queue[n]!;
      if (n > 0 && (events + w.events > this.#maxEvents || bytes + w.bytes > this.#maxBytes)) break;
      events += w.events;
      bytes += w.bytes;
      n++;
    }
    const batch = this.#queue.slice(0, n);
    this.#queue = this.#queue.slice(n);
    for (const w of batch) this.#queued.delete(w.key);
    this.#inFlight++;
    void this.#send(batch).finally(() => {
      this.#inFlight--;
      if (this.#queue.length > 0) this.#flush();
    });
  }

  async #send(batch: readonly Waiting<J, R>[]): Promise<void> {
    if (batch.length === 1) {
      const w = batch[0]!;
      await this.#writeOne(w.job).then(w.resolve, w.reject);
      return;
    }
    let outcomes: readonly R[];
    try {
      outcomes = await this.#write(batch.map((w) => w.job));
    } catch {
      // one job's conflict (or a lost connection) failed them all: each again alone, for its own outcome
      await Promise.all(batch.map((w) => this.#writeOne(w.job).then(w.resolve, w.reject)));
      return;
    }
    batch.forEach((w, i) => w.resolve(outcomes[i]!));
  }
}
