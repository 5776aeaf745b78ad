import { DERIVED_WRITES_COMMIT } from '@disclosure/event-store';
import { sql, type Kysely, type Transaction } from 'kysely';

/**
 * Runs `write` in a transaction that holds only what is derived from the event log, with the
 * checkpoint saying how far it has read: its commit does not wait for the disk
 * ({@link DERIVED_WRITES_COMMIT}). A server crash may take the transaction back whole, and its
 * writer derives the same rows again from the log.
 * @example await derivedTransaction(db, (trx) => saveRowsAndCheckpoint(trx))
 */
export function derivedTransaction<DB, T>(db: Kysely<DB>, write: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql.raw(DERIVED_WRITES_COMMIT).execute(trx);
    return write(trx);
  });
}
