import t from 'tap';
import { builtinCalendars } from '@disclosure/calendar';
import { Projector } from '@disclosure/read-models';
import { applyCommand, applyWorkload, generateWorkload } from './support/workload.js';
import { allReadable, onEveryStore, snapshot, untilCaughtUp } from './support/databases.js';

// The rebuild reads pages ahead and folds a batch while the previous one commits. Small pages and
// batches make a few hundred events run through every part of that: many pages per batch, many
// batches, a projection catching up to the others, a batch failing mid-way.

const calendars = builtinCalendars();
const small = { rebuildPageSize: 23, rebuildBatchSize: 100 } as const;

onEveryStore(t, (t, s) => {

  t.test('a rebuild in many pages and batches gives the tables incremental projection gives', async (t) => {
    const workload = generateWorkload({ cases: 60, seed: 21, days: 60, tail: 0 });
    await applyWorkload(s.store, workload);
    await untilCaughtUp(new Projector({ store: s.store, db: s.db, calendars, batchSize: 17 }), s);
    const incremental = await snapshot(s.db);
    const progress: number[] = [];
    const done = await new Projector({ store: s.store, db: s.db, calendars, ...small }).rebuild([], (n) => progress.push(n));
    t.same(await snapshot(s.db), incremental);
    t.ok(progress.length >= 4, `${progress.length} batches committed`);
    t.equal(progress.at(-1), done);
    t.same(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
    const cps = await s.db.selectFrom('projection_checkpoints').select(['projection', 'events']).execute();
    t.ok(cps.length === 4 && cps.every((c) => Number(c.events) === done), 'every projection counted every event once');
  });

  t.test('a projection rebuilt in small batches catches up with the others, which then go on together', async (t) => {
    const workload = generateWorkload({ cases: 40, seed: 22, days: 40, tail: 0 });
    const half = Math.floor(workload.commands.length / 2);
    await applyWorkload(s.store, workload, half);
    const projector = new Projector({ store: s.store, db: s.db, calendars, ...small });
    await untilCaughtUp(projector, s);
    for (const command of workload.commands.slice(half)) await applyCommand(s.store, command);
    await allReadable(s);
    await projector.rebuild(['annual_facts']); // the others are still at the half-way checkpoint
    const cps = await projector.checkpoints();
    t.equal(new Set(cps.values()).size, 1, 'all projections at one checkpoint');
    const together = await snapshot(s.db);
    await new Projector({ store: s.store, db: s.db, calendars }).rebuild();
    t.same(together, await snapshot(s.db), 'the same tables as a full rebuild');
  });

  t.test('a batch failing mid-rebuild leaves the last committed batch; projection resumes from it', async (t) => {
    await applyWorkload(s.store, generateWorkload({ cases: 40, seed: 23, days: 40, tail: 0 }));
    await allReadable(s);
    await new Projector({ store: s.store, db: s.db, calendars }).rebuild();
    const clean = await snapshot(s.db);
    let commits = 0;
    const failing = new Projector({
      store: s.store,
      db: s.db,
      calendars,
      ...small,
      beforeCommit: async () => {
        if (++commits === 3) throw new Error('disk full');
      },
    });
    const progress: number[] = [];
    await t.rejects(failing.rebuild([], (n) => progress.push(n)), /disk full/);
    t.equal(progress.length, 2, 'two batches committed');
    const after = await s.db.selectFrom('projection_checkpoints').select(['events']).execute();
    t.ok(after.length === 4 && after.every((c) => Number(c.events) === progress[1]), 'the checkpoints are those of the second batch: the third rolled back');
    await untilCaughtUp(new Projector({ store: s.store, db: s.db, calendars }), s);
    t.same(await snapshot(s.db), clean, 'resumed to the tables of a clean rebuild');
  });
});
