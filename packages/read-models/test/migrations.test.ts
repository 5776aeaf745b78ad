import t from 'tap';
import { builtinCalendars } from '@disclosure/calendar';
import { MIGRATIONS, migrateToLatest, Projector } from '@disclosure/read-models';
import type { Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { applyWorkload, generateWorkload } from './support/workload.js';
import { onEveryStore, snapshot, untilCaughtUp, type Stores } from './support/databases.js';

const calendars = builtinCalendars();

/** A workload of `cases` cases (from `seed`) stored and projected; answers the projector and the tables it wrote. */
async function projectedWorkload(s: Stores, cases: number, seed: number) {
  const projector = new Projector({ store: s.store, db: s.db, calendars, batchSize: 100 });
  await applyWorkload(s.store, generateWorkload({ cases, seed }));
  await untilCaughtUp(projector, s);
  return { projector, projected: await snapshot(s.db) };
}

/** The read-model schema brought to migration `name`, down or up, as a database stood then. */
const migrateTo = (db: Kysely<any>, name: string) => new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } }).migrateTo(name);

onEveryStore(t, (t, s) => {
  t.test('0003 on a database projected before it: the clock columns are filled by replay, the counters are not counted twice', async (t) => {
    const { projector, projected } = await projectedWorkload(s, 60, 3);
    t.ok(projected.cases.some((r) => r.clock_status === 'paused' && r.overdue_from !== r.due_date), 'the workload has paused cases');

    const down = await migrateTo(s.db, '0002_api_state'); // as a database stood before 0003
    t.error(down.error);
    await migrateToLatest(s.db);
    const migrated = await s.db.selectFrom('cases').select(['clock_facts', 'overdue_from']).execute();
    t.ok(migrated.every((r) => r.clock_facts === null && r.overdue_from === null), 'right after 0003 the new columns are empty');

    await untilCaughtUp(projector, s);
    t.same(await snapshot(s.db), projected, 'after the replay the tables equal the ones projected under 0003');
  });

  t.test('0005 on rows folded before fee notices carried their payment period: replayed, the counters not counted twice', async (t) => {
    const { projector, projected } = await projectedWorkload(s, 60, 5);
    // as the rows stood before: no pause says how long it may last, in either table that holds the clock
    const rows = await s.db.selectFrom('cases').select(['case_id', 'clock_facts']).where('clock_facts', 'is not', null).execute();
    const withoutPeriods = (facts: NonNullable<(typeof rows)[number]['clock_facts']>) => JSON.stringify({ ...facts, pauses: facts.pauses.map(({ lapseAfter: _gone, ...p }) => p) }) as never;
    const publicRows = await s.db.selectFrom('public_status').select(['registration_number', 'clock_facts']).where('clock_facts', 'is not', null).execute();
    let stripped = 0;
    for (const r of rows.filter((r) => r.clock_facts!.pauses.some((p) => p.lapseAfter))) {
      stripped++;
      await s.db.updateTable('cases').set({ clock_facts: withoutPeriods(r.clock_facts!) }).where('case_id', '=', r.case_id).execute();
    }
    for (const r of publicRows.filter((r) => r.clock_facts!.pauses.some((p) => p.lapseAfter)))
      await s.db.updateTable('public_status').set({ clock_facts: withoutPeriods(r.clock_facts!) }).where('registration_number', '=', r.registration_number).execute();
    t.ok(stripped > 0, `${stripped} rows had a pause with a period`);
    t.notSame(await snapshot(s.db), projected, 'the rows differ from what the projection writes now');

    t.error((await migrateTo(s.db, '0004_deadline_clock')).error);
    await migrateToLatest(s.db);
    await projector.step(); // the replay's first batch: its cases' rows are ahead of it
    const stateOf = (rows: readonly { case_id: string; status: string; last_position: string }[]) => rows.map((r) => [r.case_id, r.status, String(r.last_position)]);
    t.same(stateOf(await s.db.selectFrom('cases').selectAll().orderBy('case_id').execute()), stateOf(projected.cases), 'while it replays, no row goes back to an older state of its case');
    const lookupOf = (rows: readonly { registration_number: string; status: string; due_date: string | null; last_position: string }[]) => rows.map((r) => [r.registration_number, r.status, r.due_date, String(r.last_position)]);
    t.same(lookupOf(await s.db.selectFrom('public_status').selectAll().orderBy('registration_number').execute()), lookupOf(projected.public_status), 'nor does an applicant’s lookup');
    await untilCaughtUp(projector, s);
    t.same(await snapshot(s.db), projected, 'after the replay the rows carry the periods again, and agency_stats counted nothing twice');
  });

  t.test('0006 gives each public_status row its case’s position, so that a replay does not step it back', async (t) => {
    const { projected } = await projectedWorkload(s, 40, 6);
    t.ok(projected.public_status.length > 10, `${projected.public_status.length} registered cases`);
    const casePosition = new Map(projected.cases.map((c) => [c.case_id, String(c.last_position)]));
    t.ok(
      projected.public_status.every((r) => String(r.last_position) === casePosition.get(r.case_id)),
      'projected: each row at its case’s last event',
    );

    t.error((await migrateTo(s.db, '0005_fee_payment_periods')).error, 'down: the column goes');
    await migrateToLatest(s.db);
    t.same(await snapshot(s.db), projected, 'up again: every row gets its case’s position back from cases');
  });
});
