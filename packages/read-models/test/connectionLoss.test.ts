import t from 'tap';
import pg from 'pg';
import { sql } from 'kysely';
import { openReadModels } from '@disclosure/read-models';
import { freshPostgres } from './support/databases.js';

t.test('a read-model connection killed by the server inside a transaction fails that transaction, not the process', async (t) => {
  const fresh = await freshPostgres();
  const db = await openReadModels({ url: fresh.url, poolSize: 2 });
  t.teardown(async () => {
    await db.destroy();
    await fresh.drop();
  });
  const admin = new pg.Client({ connectionString: fresh.url });
  await admin.connect();
  t.teardown(() => admin.end());
  let unhandled: unknown;
  const onUncaught = (e: unknown) => (unhandled = e);
  process.on('uncaughtException', onUncaught);
  t.teardown(() => void process.off('uncaughtException', onUncaught));

  const failed = db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(trx);
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]); // as a server restart does, between two queries
    await new Promise((r) => setTimeout(r, 200));
    await sql`SELECT 1`.execute(trx);
  });
  await t.rejects(failed, 'the transaction reports the lost connection');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(unhandled, undefined, 'no uncaught error event');
  t.equal((await db.selectFrom('cases').select('case_id').execute()).length, 0, 'the next query works on a new connection');
});
