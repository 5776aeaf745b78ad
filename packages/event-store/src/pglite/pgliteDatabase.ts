import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDatabase, SqlSession } from '../postgres/sqlClient.js';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

/** A {@link SqlSession} over PGlite or one of its transactions. */
export function pgliteSession(db: Queryable): SqlSession {
  return {
    async query(sql, params) {
      const r = await db.query(sql, params as unknown[]);
      return { rows: r.rows as never[], rowCount: r.affectedRows ?? r.rows.length };
    },
    async execute(script) {
      await db.exec(script);
    },
  };
}

/**
 * A {@link SqlDatabase} over embedded PGlite: the same PostgreSQL, compiled to WebAssembly, in a
 * data folder (or in memory when no folder is given). One backend, so transactions run one at a
 * time — the store's SQL is the same as on a server.
 * @example const db = await pgliteDatabase('./data/events');
 */
export async function pgliteDatabase(dataDir?: string): Promise<SqlDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true }); // a fresh machine has no data folder yet
  return pgliteSqlDatabase(dataDir ? await PGlite.create(dataDir) : await PGlite.create());
}

/** A {@link SqlDatabase} over an open PGlite instance. */
export function pgliteSqlDatabase(db: PGlite): SqlDatabase {
  return {
    ...pgliteSession(db),
    async transaction(fn) {
      return db.transaction(async (tx) => fn(pgliteSession(tx)));
    },
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, () => onNotify());
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    async close() {
      if (!db.closed) await db.close();
    },
  };
}
