import { profileById, type CalendarRegistry } from '@disclosure/calendar';
import { CASE_EVENT_TYPES, evolve, initialCaseState, localYear, type CaseEvent, type CaseState } from '@disclosure/domain';
import { keepWithin, type EventStore, type RecordedEvent } from '@disclosure/event-store';
import { sql, type Kysely, type Transaction } from 'kysely';
import { derivedTransaction } from '../db/derivedTransaction.js';
import type { ReadModelDatabase } from '../db/schema.js';
import { caseView, type CaseView } from '../projections/caseView.js';
import { PROJECTIONS, type CaseChange, type Projection } from '../projections/projections.js';

const CASE_EVENTS: ReadonlySet<string> = new Set(CASE_EVENT_TYPES);
const START = -1n;
/**
 * Cases kept folded between steps (default): enough for the cases an agency works on in a day. Each
 * is its state and its rows, a few kilobytes; a few hundred thousand of them make the heap of the
 * process — the API's too, when the worker runs in it — a gigabyte that every full garbage
 * collection walks. Measured under `POST /v1/cases` load (new cases, which never come back to a
 * live step's cache): after 100,000 cases the process held 530–570 MB instead of 790–860 MB, and
 * its CPU per request was the same or up to 15 % less. A case not kept is folded from its stream
 * when its next event comes.
 */
const CACHE_SIZE = 10_000;
/** Cases kept folded while rebuilding: a case's events are spread over the whole log, and each miss is a read of its stream. */
const REBUILD_CACHE_SIZE = 200_000;
/** Events a live step reads and projects at most, unless told otherwise (`batchSize`). */
export const PROJECTOR_BATCH_SIZE = 2_000;
const REBUILD_PAGE = 2_000;
const REBUILD_BATCH = 100_000;

interface CachedCase {
  readonly state: CaseState;
  readonly revision: number;
  readonly view: CaseView | null;
  readonly createdAt: string;
}

/** An event a projection could not apply. */
interface Parked {
  readonly position: bigint;
  readonly caseId: string;
  readonly eventType: string;
  readonly error: string;
}

/**
 * A case touched by the batch being folded: where it stood before the batch, and now. Of its last
 * event it keeps only what the view needs, so the rest of the event is garbage young.
 */
interface Touched {
  readonly before: CaseView | null;
  state: CaseState;
  revision: number;
  createdAt: string;
  lastPosition: bigint;
  lastType: string;
  lastRecordedAt: string;
  lastOccurredAt: string;
  readonly parked: Parked[];
}

/** A batch being folded, page by page: its cases in order of first appearance. */
interface Batch {
  readonly touched: Map<string, Touched>;
  events: number;
  end: bigint;
}

/** A folded batch: the projections' input, what was parked, and the cases to remember once committed. */
interface Folded {
  readonly changes: CaseChange[];
  readonly parked: Parked[];
  readonly next: Map<string, CachedCase>;
}

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly calendars: CalendarRegistry;
  readonly projections?: readonly Projection[];
  /** Events per transaction (default {@link PROJECTOR_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Events per transaction when rebuilding (default 100,000, or `batchSize` if larger): a case touched by many events of a batch is written once. */
  readonly rebuildBatchSize?: number;
  /** Events per read when rebuilding (default 2,000): pages are read ahead and folded while the previous batch commits. */
  readonly rebuildPageSize?: number;
  /** Cases kept folded between steps (default 10,000; 200,000 while rebuilding). */
  readonly cacheSize?: number;
  readonly now?: () => Date;
  /** Called inside each batch's transaction, after its rows and before its commit (instrumentation, fault tests). */
  readonly beforeCommit?: () => Promise<void>;
  /**
   * Called, in order, with each event of another stream than a case's (a calendar amendment, an audit
   * record) as the batch is folded, before the batch's rows are derived: a `CalendarAmended` given to
   * the registry here is in force for the cases of the same batch.
   */
  readonly onOtherEvent?: (event: RecordedEvent) => void;
}

/** What one step did. */
export interface StepResult {
  readonly events: number;
  readonly caughtUp: boolean;
  readonly position: bigint | null;
}

export interface ProjectionStatus {
  readonly projection: string;
  readonly position: string | null;
  readonly events: number;
  readonly updatedAt: string | null;
  readonly parked: number;
}

/** A parked event: a projection could not apply it and moved on; an operator can see why. */
export interface ParkedEvent {
  readonly projection: string;
  readonly position: string;
  readonly caseId: string;
  readonly eventType: string;
  readonly error: string;
  readonly parkedAt: string;
}

/** Another projector moved these checkpoints after this one read them: its batch is rolled back. */
export class CheckpointMoved extends Error {
  override readonly name = 'CheckpointMoved';
  constructor(readonly projections: readonly string[], readonly expected: bigint) {
    super(`checkpoint of ${projections.join(', ')} is no longer at ${expected}: another projector is working on this database`);
  }
}

/**
 * Feeds the read models from the event store. Each step reads a batch after the lowest projection
 * checkpoint, folds the cases it touches with the domain's own `evolve`, derives every projection's
 * rows from the folded cases, and writes rows and checkpoints in one transaction: a crash at any
 * point leaves the read models at a checkpoint, and the next step resumes from there.
 *
 * Each projection keeps its own checkpoint. A batch never runs past the next higher checkpoint, so
 * a projection that is behind (rebuilt, or new) catches up without others seeing an event twice.
 * An event a case cannot fold, or a row a projection cannot write, is retried with the batch and
 * then parked (`parked_events`) for that projection, and the others go on.
 *
 * @example
 * const projector = new Projector({ store, db, calendars: builtinCalendars() });
 * while (!(await projector.step()).caughtUp);
 */
export class Projector {
  readonly #store: EventStore;
  readonly #db: Kysely<ReadModelDatabase>;
  readonly #calendars: CalendarRegistry;
  readonly #projections: readonly Projection[];
  readonly #batchSize: number;
  readonly #rebuildBatchSize: number;
  readonly #rebuildPageSize: number;
  readonly #now: () => Date;
  readonly #beforeCommit: (() => Promise<void>) | undefined;
  readonly #onOtherEvent: ((event: RecordedEvent) => void) | undefined;
  readonly #cache = new Map<string, CachedCase>();
  readonly #cacheSize: number;
  #cacheLimit: number;

  constructor(options: ProjectorOptions) {
    this.#store = options.store;
    this.#db = options.db;
    this.#calendars = options.calendars;
    this.#projections = options.projections ?? PROJECTIONS;
    this.#batchSize = options.batchSize ?? PROJECTOR_BATCH_SIZE;
    this.#rebuildBatchSize = options.rebuildBatchSize ?? Math.max(this.#batchSize, REBUILD_BATCH);
    this.#rebuildPageSize = options.rebuildPageSize ?? REBUILD_PAGE;
    this.#cacheSize = this.#cacheLimit = options.cacheSize ?? CACHE_SIZE;
    if (!Number.isInteger(this.#cacheSize) || this.#cacheSize < 0) throw new RangeError(`cacheSize ${options.cacheSize} is not a number of cases`);
    this.#now = options.now ?? (() => new Date());
    this.#beforeCommit = options.beforeCommit;
    this.#onOtherEvent = options.onOtherEvent;
  }

  /** Each projection's checkpoint (START when it has none). */
  async checkpoints(): Promise<Map<string, bigint>> {
    const rows = await this.#db.selectFrom('projection_checkpoints').select(['projection', 'position']).execute();
    const known = new Map(rows.map((r) => [r.projection, BigInt(r.position)]));
    return new Map(this.#projections.map((p) => [p.name, known.get(p.name) ?? START]));
  }

  /** Projects one batch. */
  async step(batchSize = this.#batchSize): Promise<StepResult> {
    const { lo, hi, active } = await this.#plan();
    const page = await this.#read(lo, batchSize);
    const events = hi === undefined ? page : page.filter((e) => e.position <= hi);
    try {
      if (events.length === 0) {
        if (hi === undefined || page.length === 0) return { events: 0, caughtUp: page.length === 0 && hi === undefined, position: lo === START ? null : lo };
        await derivedTransaction(this.#db, (trx) => this.#saveCheckpoints(trx, active, lo, hi, 0));
        return { events: 0, caughtUp: false, position: hi };
      }
      const batch = newBatch();
      await this.#foldInto(batch, events);
      const folded = this.#finish(batch);
      await this.#commit(active, folded, lo, batch.end, batch.events);
      for (const [caseId, entry] of folded.next) this.#remember(caseId, entry);
      return { events: events.length, caughtUp: false, position: batch.end };
    } catch (e) {
      if (!(e instanceof CheckpointMoved)) throw e;
      return { events: 0, caughtUp: false, position: lo }; // another projector took this batch: plan again from its checkpoint
    }
  }

  /**
   * Empties the named projections (all when none are named) and replays the whole store into them,
   * reporting progress. Run it while no other projector works on the same database.
   *
   * It works like {@link step}, in transactions of `rebuildBatchSize` events, pipelined: the next
   * page is read while one is folded, and the next batch is folded while one is written (one
   * transaction at a time, in order; a batch's cases are remembered once it has committed).
   */
  async rebuild(names?: readonly string[], onProgress?: (done: number, position: bigint) => void): Promise<number> {
    const targets = names?.length ? this.#projections.filter((p) => names.includes(p.name)) : this.#projections;
    const unknown = (names ?? []).filter((n) => !this.#projections.some((p) => p.name === n));
    if (unknown.length) throw new RangeError(`unknown projection(s): ${unknown.join(', ')}`);
    await this.#db.transaction().execute(async (trx) => {
      for (const p of targets) for (const table of p.tables) await sql`TRUNCATE ${sql.table(table)}`.execute(trx);
      await trx.deleteFrom('projection_checkpoints').where('projection', 'in', targets.map((p) => p.name)).execute();
      await trx.deleteFrom('parked_events').where('projection', 'in', targets.map((p) => p.name)).execute();
    });
    this.#cache.clear();
    this.#cacheLimit = Math.max(this.#cacheSize, REBUILD_CACHE_SIZE);
    let done = 0;
    const progress = (events: number, position: bigint) => {
      done += events;
      onProgress?.(done, position);
    };
    try {
      for (;;) {
        const { lo, hi, active } = await this.#plan();
        if ((await this.#catchUp(active, lo, hi, progress)) === 'caught-up') return done;
      }
    } finally {
      this.#cacheLimit = this.#cacheSize;
      keepWithin(this.#cache, this.#cacheSize); // the most recently folded stay
    }
  }

  /** Checkpoints, counts and parked events per projection, for operators. */
  async status(): Promise<{ projections: ProjectionStatus[]; parked: ParkedEvent[]; lag: { events: number; seconds: number } }> {
    const rows = await this.#db.selectFrom('projection_checkpoints').selectAll().execute();
    const parkedRows = await this.#db.selectFrom('parked_events').selectAll().orderBy('id').execute();
    const cps = await this.checkpoints();
    const lo = [...cps.values()].reduce((a, b) => (b < a ? b : a));
    // counted past what readAll gives: a transaction left open elsewhere on the server, which holds the projector back, shows as lag
    const behind = await this.#store.backlog(lo === START ? {} : { fromPosition: lo });
    const oldest = behind.oldestRecordedAt;
    return {
      projections: this.#projections.map((p) => {
        const r = rows.find((x) => x.projection === p.name);
        return { projection: p.name, position: r?.position ?? null, events: Number(r?.events ?? 0), updatedAt: r?.updated_at ?? null, parked: parkedRows.filter((x) => x.projection === p.name).length };
      }),
      parked: parkedRows.map((r) => ({ projection: r.projection, position: String(r.position), caseId: r.case_id, eventType: r.event_type, error: r.error, parkedAt: String(r.parked_at) })),
      lag: { events: behind.events, seconds: oldest ? Math.max(0, (this.#now().getTime() - Date.parse(oldest)) / 1000) : 0 },
    };
  }

  /** The lowest checkpoint, the projections at it, and the next higher checkpoint (a batch stops there). */
  async #plan(): Promise<{ lo: bigint; hi: bigint | undefined; active: Projection[] }> {
    const cps = await this.checkpoints();
    const lo = [...cps.values()].reduce((a, b) => (b < a ? b : a));
    const above = [...cps.values()].filter((c) => c > lo);
    const hi = above.length ? above.reduce((a, b) => (b < a ? b : a)) : undefined;
    return { lo, hi, active: this.#projections.filter((p) => cps.get(p.name) === lo) };
  }

  #read(after: bigint, limit: number): Promise<RecordedEvent[]> {
    return this.#store.readAll({ ...(after === START ? {} : { fromPosition: after }), limit });
  }

  /**
   * Projects the events after `lo` (up to `hi`) into `active`, in batches of `rebuildBatchSize`:
   * pages are read ahead, and a batch is folded while the one before it commits. Resolves to
   * `caught-up` when there was nothing to read, else `more` (plan again: others may have joined).
   */
  async #catchUp(active: readonly Projection[], lo: bigint, hi: bigint | undefined, progress: (events: number, position: bigint) => void): Promise<'caught-up' | 'more'> {
    const read = (after: bigint) => {
      const p = this.#read(after, this.#rebuildPageSize);
      p.catch(() => {}); // awaited below; a failure is thrown there
      return p;
    };
    let nextPage: Promise<RecordedEvent[]> | undefined = read(lo);
    let writing: Promise<void> | undefined; // the previous batch's transaction
    let pending: Map<string, CachedCase> | undefined; // its cases, until they are remembered
    let first = true;
    let from = lo; // where the next batch's transaction moves the checkpoints from
    try {
      while (nextPage) {
        const batch = newBatch();
        while (nextPage && batch.events < this.#rebuildBatchSize) {
          const page: RecordedEvent[] = await nextPage;
          const events = hi === undefined ? page : page.filter((e) => e.position <= hi);
          nextPage = page.length === this.#rebuildPageSize && events.length === page.length ? read(page[page.length - 1]!.position) : undefined;
          if (first && events.length === 0) {
            if (hi === undefined || page.length === 0) return page.length === 0 && hi === undefined ? 'caught-up' : 'more';
            await derivedTransaction(this.#db, (trx) => this.#saveCheckpoints(trx, active, lo, hi, 0));
            progress(0, hi);
            return 'more';
          }
          first = false;
          if (events.length > 0) await this.#foldInto(batch, events, pending);
        }
        if (batch.events === 0) break;
        const folded = this.#finish(batch);
        if (writing) await writing;
        writing = this.#commit(active, folded, from, batch.end, batch.events).then(() => {
          for (const [caseId, entry] of folded.next) this.#remember(caseId, entry);
          progress(batch.events, batch.end);
        });
        writing.catch(() => {}); // awaited below; a failure is thrown there
        pending = folded.next;
        from = batch.end;
      }
      if (writing) await writing;
      return 'more';
    } finally {
      await writing?.catch(() => {}); // never leave a transaction running behind a failure
    }
  }

  /** Folds events into the batch with the domain's `evolve`, in order (a case new to the batch starts from `pending`, the cache, or its stream). */
  async #foldInto(batch: Batch, events: readonly RecordedEvent[], pending?: ReadonlyMap<string, CachedCase>): Promise<void> {
    for (const e of events) {
      if (!CASE_EVENTS.has(e.type)) {
        this.#onOtherEvent?.(e); // other streams (calendars, audit, webhooks) are not cases
        continue;
      }
      const caseId = e.streamId;
      let t = batch.touched.get(caseId);
      if (!t) {
        let entry = pending?.get(caseId) ?? this.#cache.get(caseId);
        if (!entry || entry.revision !== e.revision - 1) entry = await this.#load(caseId, e.revision);
        t = { before: entry.view, state: entry.state, revision: entry.revision, createdAt: entry.createdAt, lastPosition: e.position, lastType: e.type, lastRecordedAt: '', lastOccurredAt: '', parked: [] };
        batch.touched.set(caseId, t);
      }
      try {
        t.state = evolve(t.state, e as unknown as CaseEvent); // evolve reads the type and data of the recorded event
        if (e.revision === 0) t.createdAt = e.metadata.recordedAt;
      } catch (err) {
        t.parked.push({ position: e.position, caseId, eventType: e.type, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
      t.revision = e.revision;
      t.lastPosition = e.position;
      t.lastType = e.type;
      t.lastRecordedAt = e.metadata.recordedAt;
      t.lastOccurredAt = e.metadata.occurredAt;
    }
    batch.events += events.length;
    batch.end = events[events.length - 1]!.position;
  }

  /** Each touched case's view after the batch: the projections' changes. */
  #finish(batch: Batch): Folded {
    const changes: CaseChange[] = [];
    const parked: Parked[] = [];
    const next = new Map<string, CachedCase>();
    for (const [caseId, t] of batch.touched) {
      parked.push(...t.parked);
      const { state } = t;
      if (state.caseId === undefined) continue; // nothing foldable yet
      let view: CaseView | null = t.before;
      try {
        const tz = profileById(state.profileId!).timeZone;
        view = caseView(state, { revision: t.revision, position: t.lastPosition, createdAt: t.createdAt, updatedAt: t.lastRecordedAt, lastEventYear: localYear(t.lastOccurredAt, tz) }, this.#calendars);
        changes.push({ before: t.before, after: view });
      } catch (err) {
        parked.push({ position: t.lastPosition, caseId, eventType: t.lastType, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
      next.set(caseId, { state, revision: t.revision, view, createdAt: t.createdAt });
    }
    return { changes, parked, next };
  }

  /**
   * Writes a folded batch into the active projections, with their checkpoints, in one transaction:
   * first each projection's rows as one statement, with nothing around them. When a projection
   * cannot write them, that transaction is rolled back and the batch written again with each
   * projection in a savepoint of its own, and, in one that fails, each case in its own — so the
   * others go on and only what fails is parked. (Savepoints around every projection of every batch
   * cost two more statements each, 8 of a step's ~23 under a steady stream of requests.)
   */
  async #commit(active: readonly Projection[], folded: Folded, from: bigint, end: bigint, events: number): Promise<void> {
    try {
      await this.#write(active, folded, from, end, events, false);
    } catch (e) {
      if (!(e instanceof ProjectionFailed)) throw e;
      await this.#write(active, folded, from, end, events, true);
    }
  }

  async #write(active: readonly Projection[], { changes, parked }: Folded, from: bigint, end: bigint, events: number, isolated: boolean): Promise<void> {
    await derivedTransaction(this.#db, async (trx) => {
      await this.#saveCheckpoints(trx, active, from, end, events);
      for (const p of active) {
        const failed = isolated ? await this.#applyIsolated(p, changes, trx) : await applyWhole(p, changes, trx);
        for (const f of [...parked, ...failed]) await this.#park(trx, p.name, f);
      }
      await this.#beforeCommit?.();
    });
  }

  /** A case as it stood before `revision`, folded from its stream (after a restart or cache eviction). */
  async #load(caseId: string, revision: number): Promise<CachedCase> {
    if (revision === 0) return { state: initialCaseState(), revision: -1, view: null, createdAt: '' };
    const stored = await this.#store.read(caseId, { limit: revision });
    let state = initialCaseState();
    for (const e of stored) if (CASE_EVENTS.has(e.type)) try { state = evolve(state, { type: e.type, version: e.version, data: e.data } as CaseEvent); } catch { /* parked when first projected */ }
    const last = stored[stored.length - 1]!;
    const view = state.caseId === undefined ? null : caseView(state, { revision: last.revision, position: last.position, createdAt: stored[0]!.metadata.recordedAt, updatedAt: last.metadata.recordedAt, lastEventYear: localYear(last.metadata.occurredAt, profileById(state.profileId!).timeZone) }, this.#calendars);
    return { state, revision: last.revision, view, createdAt: stored[0]!.metadata.recordedAt };
  }

  /** Applies a projection in a savepoint; if the batch fails, case by case, returning the cases that failed. */
  async #applyIsolated(p: Projection, changes: readonly CaseChange[], trx: Transaction<ReadModelDatabase>) {
    const failed: Parked[] = [];
    if (await inSavepoint(trx, () => p.apply(changes, trx))) return failed;
    for (const c of changes) {
      let error = '';
      const ok = await inSavepoint(trx, () => p.apply([c], trx), (e) => (error = e instanceof Error ? e.message : String(e)));
      if (!ok) failed.push({ position: BigInt(c.after.cases.last_position as string), caseId: c.after.caseId, eventType: '(row)', error });
    }
    return failed;
  }

  async #park(trx: Transaction<ReadModelDatabase>, projection: string, f: Parked) {
    await trx.insertInto('parked_events').values({ projection, position: f.position.toString(), case_id: f.caseId, event_type: f.eventType, error: f.error, parked_at: this.#now().toISOString() }).execute();
  }

  /**
   * Moves the checkpoints from `from` to `position`, first thing in the batch's transaction. The move
   * is conditional and locks the rows until the commit: when a second projector (another worker
   * process) has moved them meanwhile, this batch is refused with {@link CheckpointMoved} and rolled
   * back, so no event is applied twice (agency_stats adds deltas).
   */
  async #saveCheckpoints(trx: Transaction<ReadModelDatabase>, projections: readonly Projection[], from: bigint, position: bigint, events: number) {
    if (projections.length === 0) return;
    const at = this.#now().toISOString();
    const moved = await trx
      .insertInto('projection_checkpoints')
      .values(projections.map((p) => ({ projection: p.name, position: position.toString(), events: String(events), updated_at: at })))
      .onConflict((oc) =>
        oc
          .column('projection')
          .doUpdateSet((eb) => ({
            position: eb.ref('excluded.position'),
            events: sql`projection_checkpoints.events + excluded.events`,
            updated_at: eb.ref('excluded.updated_at'),
          }))
          .where('projection_checkpoints.position', '=', from.toString()),
      )
      .returning('projection')
      .execute();
    // a row that did not exist at START is inserted; one another projector inserted first is not
    if (moved.length !== projections.length) throw new CheckpointMoved(projections.filter((p) => !moved.some((m) => m.projection === p.name)).map((p) => p.name), from);
  }

  #remember(caseId: string, entry: CachedCase) {
    this.#cache.delete(caseId);
    this.#cache.set(caseId, entry);
    keepWithin(this.#cache, this.#cacheLimit);
  }
}

/** A projection could not write a batch's rows as a whole (the transaction is then rolled back and the batch written with each projection isolated). */
class ProjectionFailed extends Error {
  constructor(projection: string, cause: unknown) {
    super(`projection ${projection} could not write its rows`, { cause });
    this.name = 'ProjectionFailed';
  }
}

/** Applies a projection to the whole batch, nothing parked; its failure is a {@link ProjectionFailed}. */
async function applyWhole(p: Projection, changes: readonly CaseChange[], trx: Transaction<ReadModelDatabase>): Promise<Parked[]> {
  try {
    await p.apply(changes, trx);
  } catch (e) {
    throw new ProjectionFailed(p.name, e);
  }
  return [];
}

/** Runs `fn` inside a savepoint: kept when it succeeds, undone (and reported) when it throws. */
async function inSavepoint(trx: Transaction<ReadModelDatabase>, fn: () => Promise<void>, onError?: (e: unknown) => void): Promise<boolean> {
  await sql`SAVEPOINT projection`.execute(trx);
  try {
    await fn();
    await sql`RELEASE SAVEPOINT projection`.execute(trx);
    return true;
  } catch (e) {
    await sql`ROLLBACK TO SAVEPOINT projection`.execute(trx);
    onError?.(e);
    return false;
  }
}

const newBatch = (): Batch => ({ touched: new Map(), events: 0, end: START });
