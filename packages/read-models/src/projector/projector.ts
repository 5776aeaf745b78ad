import { profileById, type CalendarRegistry } from '@disclosure/calendar';
import { CASE_EVENT_TYPES, evolve, initialCaseState, localDate, type CaseEvent, type CaseState } from '@disclosure/domain';
import type { EventStore, RecordedEvent } from '@disclosure/event-store';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ReadModelDatabase } from '../db/schema.js';
import { caseView, type CaseView } from '../projections/caseView.js';
import { PROJECTIONS, type CaseChange, type Projection } from '../projections/projections.js';

const CASE_EVENTS: ReadonlySet<string> = new Set(CASE_EVENT_TYPES);
const START = -1n;
const CACHE_LIMIT = 200_000;

interface CachedCase {
  readonly state: CaseState;
  readonly revision: number;
  readonly view: CaseView | null;
  readonly createdAt: string;
}

export interface ProjectorOptions {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  readonly calendars: CalendarRegistry;
  readonly projections?: readonly Projection[];
  /** Events per transaction. */
  readonly batchSize?: number;
  readonly now?: () => Date;
  /** Called inside each batch's transaction, after its rows and before its commit (instrumentation, fault tests). */
  readonly beforeCommit?: () => Promise<void>;
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
  readonly #now: () => Date;
  readonly #beforeCommit: (() => Promise<void>) | undefined;
  readonly #cache = new Map<string, CachedCase>();

  constructor(options: ProjectorOptions) {
    this.#store = options.store;
    this.#db = options.db;
    this.#calendars = options.calendars;
    this.#projections = options.projections ?? PROJECTIONS;
    this.#batchSize = options.batchSize ?? 2_000;
    this.#now = options.now ?? (() => new Date());
    this.#beforeCommit = options.beforeCommit;
  }

  /** Each projection's checkpoint (START when it has none). */
  async checkpoints(): Promise<Map<string, bigint>> {
    const rows = await this.#db.selectFrom('projection_checkpoints').select(['projection', 'position']).execute();
    const known = new Map(rows.map((r) => [r.projection, BigInt(r.position)]));
    return new Map(this.#projections.map((p) => [p.name, known.get(p.name) ?? START]));
  }

  /** Projects one batch. */
  async step(batchSize = this.#batchSize): Promise<StepResult> {
    const cps = await this.checkpoints();
    const lo = [...cps.values()].reduce((a, b) => (b < a ? b : a));
    const above = [...cps.values()].filter((c) => c > lo);
    const hi = above.length ? above.reduce((a, b) => (b < a ? b : a)) : undefined;
    const active = this.#projections.filter((p) => cps.get(p.name) === lo);
    const page = await this.#store.readAll({ ...(lo === START ? {} : { fromPosition: lo }), limit: batchSize });
    const events = hi === undefined ? page : page.filter((e) => e.position <= hi);
    if (events.length === 0) {
      if (hi === undefined || page.length === 0) return { events: 0, caughtUp: page.length === 0 && hi === undefined, position: lo === START ? null : lo };
      await this.#db.transaction().execute((trx) => this.#saveCheckpoints(trx, active, hi, 0));
      return { events: 0, caughtUp: false, position: hi };
    }
    const { changes, parked, next } = await this.#fold(events);
    const end = events[events.length - 1]!.position;
    await this.#db.transaction().execute(async (trx) => {
      for (const p of active) {
        const failed = await this.#applyIsolated(p, changes, trx);
        for (const f of [...parked, ...failed]) await this.#park(trx, p.name, f);
      }
      await this.#saveCheckpoints(trx, active, end, events.length);
      await this.#beforeCommit?.();
    });
    for (const [caseId, entry] of next) this.#remember(caseId, entry);
    return { events: events.length, caughtUp: false, position: end };
  }

  /**
   * Empties the named projections (all when none are named) and replays the whole store into them,
   * reporting progress. Run it while no other projector works on the same database.
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
    let done = 0;
    for (;;) {
      const r = await this.step(Math.max(this.#batchSize, 10_000));
      done += r.events;
      if (r.position !== null) onProgress?.(done, r.position);
      if (r.caughtUp) return done;
    }
  }

  /** Checkpoints, counts and parked events per projection, for operators. */
  async status(): Promise<{ projections: ProjectionStatus[]; parked: ParkedEvent[]; lag: { events: number; seconds: number } }> {
    const rows = await this.#db.selectFrom('projection_checkpoints').selectAll().execute();
    const parkedRows = await this.#db.selectFrom('parked_events').selectAll().orderBy('id').execute();
    const cps = await this.checkpoints();
    const lo = [...cps.values()].reduce((a, b) => (b < a ? b : a));
    const behind = await this.#store.readAll({ ...(lo === START ? {} : { fromPosition: lo }), limit: 10_000 });
    const oldest = behind[0]?.metadata.recordedAt;
    return {
      projections: this.#projections.map((p) => {
        const r = rows.find((x) => x.projection === p.name);
        return { projection: p.name, position: r?.position ?? null, events: Number(r?.events ?? 0), updatedAt: r?.updated_at ?? null, parked: parkedRows.filter((x) => x.projection === p.name).length };
      }),
      parked: parkedRows.map((r) => ({ projection: r.projection, position: String(r.position), caseId: r.case_id, eventType: r.event_type, error: r.error, parkedAt: String(r.parked_at) })),
      lag: { events: behind.length, seconds: oldest ? Math.max(0, (this.#now().getTime() - Date.parse(oldest)) / 1000) : 0 },
    };
  }

  async #fold(events: readonly RecordedEvent[]) {
    const byCase = new Map<string, RecordedEvent[]>();
    for (const e of events) {
      if (!CASE_EVENTS.has(e.type)) continue; // other streams (audit, webhooks) are not cases
      const list = byCase.get(e.streamId);
      if (list) list.push(e);
      else byCase.set(e.streamId, [e]);
    }
    const changes: CaseChange[] = [];
    const parked: { position: bigint; caseId: string; eventType: string; error: string }[] = [];
    const next = new Map<string, CachedCase>();
    for (const [caseId, list] of byCase) {
      let entry = this.#cache.get(caseId);
      if (!entry || entry.revision !== list[0]!.revision - 1) entry = await this.#load(caseId, list[0]!.revision);
      let state = entry.state;
      let revision = entry.revision;
      let createdAt = entry.createdAt;
      for (const e of list) {
        try {
          state = evolve(state, { type: e.type, version: e.version, data: e.data } as CaseEvent);
          if (e.revision === 0) createdAt = e.metadata.recordedAt;
        } catch (err) {
          parked.push({ position: e.position, caseId, eventType: e.type, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
        }
        revision = e.revision;
      }
      if (state.caseId === undefined) continue; // nothing foldable yet
      const last = list[list.length - 1]!;
      let view: CaseView | null = entry.view;
      try {
        const tz = profileById(state.profileId!).timeZone;
        view = caseView(state, { revision: last.revision, position: last.position, createdAt, updatedAt: last.metadata.recordedAt, lastEventYear: Number(localDate(last.metadata.occurredAt, tz).slice(0, 4)) }, this.#calendars);
        changes.push({ before: entry.view, after: view });
      } catch (err) {
        parked.push({ position: last.position, caseId, eventType: last.type, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      }
      next.set(caseId, { state, revision, view, createdAt });
    }
    return { changes, parked, next };
  }

  /** A case as it stood before `revision`, folded from its stream (after a restart or cache eviction). */
  async #load(caseId: string, revision: number): Promise<CachedCase> {
    if (revision === 0) return { state: initialCaseState(), revision: -1, view: null, createdAt: '' };
    const stored = await this.#store.read(caseId, { limit: revision });
    let state = initialCaseState();
    for (const e of stored) if (CASE_EVENTS.has(e.type)) try { state = evolve(state, { type: e.type, version: e.version, data: e.data } as CaseEvent); } catch { /* parked when first projected */ }
    const last = stored[stored.length - 1]!;
    const view = state.caseId === undefined ? null : caseView(state, { revision: last.revision, position: last.position, createdAt: stored[0]!.metadata.recordedAt, updatedAt: last.metadata.recordedAt, lastEventYear: Number(localDate(last.metadata.occurredAt, profileById(state.profileId!).timeZone).slice(0, 4)) }, this.#calendars);
    return { state, revision: last.revision, view, createdAt: stored[0]!.metadata.recordedAt };
  }

  /** Applies a projection in a savepoint; if the batch fails, case by case, returning the cases that failed. */
  async #applyIsolated(p: Projection, changes: readonly CaseChange[], trx: Transaction<ReadModelDatabase>) {
    const failed: { position: bigint; caseId: string; eventType: string; error: string }[] = [];
    if (await inSavepoint(trx, () => p.apply(changes, trx))) return failed;
    for (const c of changes) {
      let error = '';
      const ok = await inSavepoint(trx, () => p.apply([c], trx), (e) => (error = e instanceof Error ? e.message : String(e)));
      if (!ok) failed.push({ position: BigInt(c.after.cases.last_position as string), caseId: c.after.caseId, eventType: '(row)', error });
    }
    return failed;
  }

  async #park(trx: Transaction<ReadModelDatabase>, projection: string, f: { position: bigint; caseId: string; eventType: string; error: string }) {
    await trx.insertInto('parked_events').values({ projection, position: f.position.toString(), case_id: f.caseId, event_type: f.eventType, error: f.error, parked_at: this.#now().toISOString() }).execute();
  }

  async #saveCheckpoints(trx: Transaction<ReadModelDatabase>, projections: readonly Projection[], position: bigint, events: number) {
    if (projections.length === 0) return;
    const at = this.#now().toISOString();
    await trx
      .insertInto('projection_checkpoints')
      .values(projections.map((p) => ({ projection: p.name, position: position.toString(), events: String(events), updated_at: at })))
      .onConflict((oc) =>
        oc.column('projection').doUpdateSet((eb) => ({
          position: eb.ref('excluded.position'),
          events: sql`projection_checkpoints.events + excluded.events`,
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }

  #remember(caseId: string, entry: CachedCase) {
    this.#cache.delete(caseId);
    this.#cache.set(caseId, entry);
    if (this.#cache.size > CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
  }
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
