import t from 'tap';
import pg from 'pg';
import { pgDatabase } from '@disclosure/event-store';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

t.test('a connection killed by the server inside a transaction fails that transaction, not the process', async (t) => {
  const db = pgDatabase({ connectionString: url, max: 2 });
  t.teardown(() => db.close());
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  t.teardown(() => admin.end());
  let unhandled: unknown;
  const onUncaught = (e: unknown) => (unhandled = e);
  process.on('uncaughtException', onUncaught);
  t.teardown(() => void process.off('uncaughtException', onUncaught));

  const failed = db.transaction(async (session) => {
    const { rows } = await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const pid = rows[0]!.pid;
    // the server ends this connection while the transaction waits between two queries, as a restart does
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await new Promise((r) => setTimeout(r, 200));
    await session.query('SELECT 1');
  });
  await t.rejects(failed, 'the transaction reports the lost connection');
  await new Promise((r) => setTimeout(r, 100));
  t.equal(unhandled, undefined, 'no uncaught error event');
  const next = await db.query<{ one: number }>('SELECT 1 AS one');
  const one = next.rows[0]?.one;
  t.equal(one, 1, 'the pool serves the next query on a new connection');
});

t.test('a transaction left open ends by itself: the server closes a connection idle inside one after a minute, so a leak cannot hold readers back for longer', async (t) => {
  const db = pgDatabase({ connectionString: url, max: 1 });
  t.teardown(() => db.close());
  const shown = await db.transaction((s) => s.query<{ idle_in_transaction_session_timeout: string }>('SHOW idle_in_transaction_session_timeout'));
  t.equal(shown.rows[0]!.idle_in_transaction_session_timeout, '1min');
  const own = pgDatabase({ connectionString: url, max: 1, idle_in_transaction_session_timeout: 150 });
  t.teardown(() => own.close());
  const left = own.transaction(async (s) => {
    await s.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 600)); // a transaction forgotten between two statements
    await s.query('SELECT 1');
  });
  await t.rejects(left, 'the server ended it');
  const next = await own.query<{ one: number }>('SELECT 1 AS one');
  t.equal(next.rows[0]!.one, 1, 'and the pool goes on with a new connection');
});
