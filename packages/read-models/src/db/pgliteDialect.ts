import type { PGlite, Transaction as PGliteTransaction } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * A Kysely dialect over embedded PGlite: PostgreSQL's compiler and adapter, and a driver that sends
 * each query to PGlite. PGlite has one backend, so the driver hands out one connection at a time
 * and runs a transaction inside `PGlite.transaction`, which holds the backend until it ends.
 * @example new Kysely<ReadModelDatabase>({ dialect: new PGliteDialect(await PGlite.create('./data/read')) })
 */
export class PGliteDialect implements Dialect {
  constructor(readonly pglite: PGlite) {}
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PGliteConnection implements DatabaseConnection {
  #tx: PGliteTransaction | undefined;
  #endTx: ((commit: boolean) => void) | undefined;
  #txDone: Promise<unknown> | undefined;

  constructor(readonly pglite: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#tx ?? this.pglite;
    const r = await target.query<R>(compiled.sql, compiled.parameters as unknown[]);
    const affected = r.affectedRows === undefined ? undefined : BigInt(r.affectedRows);
    return { rows: r.rows, ...(affected === undefined ? {} : { numAffectedRows: affected }) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGliteDialect does not stream');
  }

  async begin(): Promise<void> {
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    this.#txDone = this.pglite
      .transaction(async (tx) => {
        this.#tx = tx;
        ready();
        const commit = await new Promise<boolean>((resolve) => (this.#endTx = resolve));
        if (!commit) await tx.rollback();
      })
      .catch((e: unknown) => {
        if (!(e instanceof Error && /rollback/i.test(e.message))) throw e;
      });
    await started;
  }

  async end(commit: boolean): Promise<void> {
    const done = this.#txDone;
    this.#endTx?.(commit);
    this.#tx = undefined;
    this.#endTx = undefined;
    this.#txDone = undefined;
    await done;
  }
}

class PGliteDriver implements Driver {
  readonly #connection: PGliteConnection;
  #queue: Promise<void> = Promise.resolve();

  constructor(pglite: PGlite) {
    this.#connection = new PGliteConnection(pglite);
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((r) => (release = r));
    await previous;
    (this.#connection as PGliteConnection & { release?: () => void }).release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await (connection as PGliteConnection).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end(true);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PGliteConnection).end(false);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PGliteConnection & { release?: () => void }).release?.();
  }

  async destroy(): Promise<void> {
    if (!this.#connection.pglite.closed) await this.#connection.pglite.close();
  }
}
