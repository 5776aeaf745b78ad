import pg from 'pg';
import type { SqlDatabase, SqlSession } from './sqlClient.js';

/** Names of the parameterised statements seen so far: each text always gets the same name. */
const statementNames = new Map<string, string>();
/** Past this many distinct texts, further ones run unnamed (so ad-hoc SQL cannot grow every connection without bound). */
const MAX_NAMED_STATEMENTS = 500;

/**
 * The statement's name: parameterised SQL is prepared once per connection and then only bound and
 * executed, so the server skips parsing and planning on every call (appends/s +15–40% in
 * bench/append.bench.ts). Statement texts are fixed per schema, so the set stays small. (A pooler
 * in transaction mode in front of the server must support prepared statements, e.g. PgBouncer ≥ 1.21.)
 */
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(sql, (name = `disclosure_${statementNames.size + 1}`));
  return name;
}

/**
 * Runs a named statement. `pg` copies a `{ name, text, values }` config property by property
 * (Object.getOwnPropertyDescriptors: about 2 µs, on every append); a `pg.Query` made from the text
 * is used as it is, so it is made here and given its name. Pools and clients of another copy of
 * `pg` get the config object.
 */
function queryNamed(client: pg.Pool | pg.ClientBase, name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
  if (!(client instanceof pg.Pool || client instanceof pg.Client)) return client.query({ name, text, values });
  const query = new pg.Query(text, values) as pg.Query & { name?: string; callback?: (err: Error | null, result: pg.QueryResult) => void };
  query.name = name;
  // A pool answers with a promise and hands its own callback to the client it picks; a client
  // calls the query's callback.
  if (client instanceof pg.Pool) return client.query(query) as unknown as Promise<pg.QueryResult>;
  return new Promise((resolve, reject) => {
    query.callback = (err, result) => (err ? reject(err) : resolve(result));
    client.query(query);
  });
}

/** A {@link SqlSession} over a `pg` client or pool. */
export function pgSession(client: pg.Pool | pg.ClientBase): SqlSession {
  return {
    async query(sql, params) {
      const name = params === undefined ? undefined : statementName(sql);
      const r = await (name === undefined ? client.query({ text: sql, values: params as unknown[] }) : queryNamed(client, name, sql, params as unknown[]));
      return { rows: r.rows, rowCount: r.rowCount ?? 0 };
    },
    async execute(script) {
      await client.query(script);
    },
    binaryParameters: true,
  };
}

/**
 * How long, at most, a connection of ours may sit idle inside a transaction before the server ends
 * it (`idle_in_transaction_session_timeout`). Every transaction still open on the server holds back
 * every reader of `readAll` (see schema.ts): a transaction a bug or a hung process leaves open would
 * stall projections, webhooks and subscriptions of every database on the server for as long as it
 * stays open. Ours last milliseconds; this bounds a leaked one to a minute.
 * @example new pg.Pool({ connectionString, idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS })
 */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * The first statement of a transaction that writes only what is derived from the event log together
 * with the checkpoint saying how far it has read (the projector's rows, the webhook outbox's
 * deliveries, the referral reactor's checkpoint; read-models' `derivedTransaction` sends it first):
 * its commit does not wait for the WAL to reach the disk. A server crash before the WAL writer has
 * written it (within three `wal_writer_delay`s; any synchronous commit, such as an append, writes it
 * sooner) takes the transaction back whole, checkpoint included, and the same rows are derived again
 * from the log, which is committed durably; the database stays consistent either way (PostgreSQL
 * manual, "Asynchronous Commit"). Appends to the log and every other write keep the synchronous commit.
 * @example await sql.raw(DERIVED_WRITES_COMMIT).execute(trx)
 */
export const DERIVED_WRITES_COMMIT = 'SET LOCAL synchronous_commit = off';

/**
 * A {@link SqlDatabase} over a `pg` pool (its connections end a transaction left idle for
 * {@link IDLE_IN_TRANSACTION_TIMEOUT_MS} unless `config` says otherwise). LISTEN uses a connection of its own so it never holds a
 * pool slot that appends need.
 * @example const db = pgDatabase({ connectionString: 'postgres://postgres@127.0.0.1:5432/test', max: 20 });
 */
export function pgDatabase(config: pg.PoolConfig): SqlDatabase {
  const settings: pg.PoolConfig = { idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS, ...config };
  const pool = new pg.Pool(settings);
  pool.on('error', () => {}); // an idle client lost with the server: the next query reports it
  // A checked-out client has no pool listener: a server restart between its queries (inside a
  // transaction) would emit an unhandled 'error' and crash the process. Its next query reports it.
  pool.on('connect', (client) => client.on('error', () => {}));
  const listeners = new Set<pg.Client>();
  return {
    ...pgSession(pool),
    async transaction(fn) {
      const client = await pool.connect();
      const session = pgSession(client);
      try {
        await client.query('BEGIN');
        const result = await fn(session);
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        client.release(true);
        throw e;
      }
    },
    async listen(channel, onNotify) {
      const client = new pg.Client(settings);
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (n) => {
        if (n.channel === channel) onNotify();
      });
      await client.query(`LISTEN "${channel}"`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => {});
      };
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}
