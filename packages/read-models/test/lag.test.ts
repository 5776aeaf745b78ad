import t from 'tap';
import pg from 'pg';
import { builtinCalendars } from '@disclosure/calendar';
import { Projector } from '@disclosure/read-models';
import { applyWorkload, generateWorkload } from './support/workload.js';
import { openStores, untilCaughtUp } from './support/databases.js';

t.test('the lag an operator sees counts what a transaction left open elsewhere holds the projector back from', async (t) => {
  const s = await openStores('postgres');
  t.teardown(() => s.close());
  const projector = new Projector({ store: s.store, db: s.db, calendars: builtinCalendars() });
  await applyWorkload(s.store, generateWorkload({ cases: 3, seed: 5 }));
  await untilCaughtUp(projector, s);
  t.match((await projector.status()).lag, { events: 0, seconds: 0 });

  // a session of some other program on the same server opens a transaction and leaves it open
  const other = new pg.Client({ connectionString: s.url });
  other.on('error', () => {}); // its backend ended by the database's drop: nothing to report
  await other.connect();
  let open = true;
  const release = async () => {
    if (!open) return;
    open = false;
    try {
      await other.query('COMMIT');
    } finally {
      await other.end();
    }
  };
  t.teardown(release); // never leave it open: it would hold every reader of the server
  await other.query('BEGIN');
  await other.query('SELECT pg_current_xact_id()');

  const more = await applyWorkload(s.store, generateWorkload({ cases: 2, seed: 6 }));
  let appended = 0;
  for (const caseId of more.keys()) appended += (await s.store.read(caseId)).length;
  t.equal((await projector.step()).events, 0, 'the projector cannot read past the open transaction');
  const held = (await projector.status()).lag;
  t.equal(held.events, appended, 'yet every committed event it has not projected is lag');
  t.ok(held.seconds >= 0 && Number.isFinite(held.seconds));

  await release();
  await untilCaughtUp(projector, s);
  t.match((await projector.status()).lag, { events: 0 });
});
