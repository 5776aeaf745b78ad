/**
 * The little the PostgreSQL event store needs from a database connection, so that the same SQL
 * and code path serve `pg` (a pool on a server) and PGlite (embedded, a data folder).
 */
export interface SqlSession {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (DDL, the wake-up NOTIFY). */
  execute(script: string): Promise<void>;
  /** Whether Buffer parameters go to the server in binary format (`pg` does; PGlite does not). */
  readonly binaryParameters?: boolean;
}

export interface SqlDatabase extends SqlSession {
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Calls `onNotify` for each NOTIFY on `channel`; resolves to an unlisten function. */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A PostgreSQL error's SQLSTATE and constraint, whatever the driver. */
export function sqlErrorOf(e: unknown): { code?: string; constraint?: string; message: string } {
  const err = e as { code?: unknown; constraint?: unknown; message?: unknown };
  return {
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
    ...(typeof err?.constraint === 'string' ? { constraint: err.constraint } : {}),
    message: typeof err?.message === 'string' ? err.message : String(e),
  };
}

/**
 * A {@link SqlDatabase} that runs everything on one session — e.g. a transaction the caller holds
 * open, so an append commits together with the caller's own writes (an outbox, a test holding a
 * transaction open). Nested transactions run inline; LISTEN is not available.
 * @example PostgresEventStore.attach(sqlDatabaseOnSession(pgSession(client)), { schema })
 */
export function sqlDatabaseOnSession(session: SqlSession): SqlDatabase {
  return {
    query: (sql, params) => session.query(sql, params),
    execute: (script) => session.execute(script),
    ...(session.binaryParameters ? { binaryParameters: true } : {}),
    transaction: (fn) => fn(session),
    listen: async () => async () => {},
    close: async () => {},
  };
}
