import t from 'tap';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { builtinCalendars } from '@disclosure/calendar';
import { pgSession, PostgresEventStore, sqlDatabaseOnSession } from '@disclosure/event-store';
import { Projector } from '@disclosure/read-models';
import { applyWorkload, generateWorkload } from './support/workload.js';
import { allReadable, openStores, snapshot, untilCaughtUp } from './support/databases.js';

const here = dirname(fileURLToPath(import.meta.url));
const calendars = builtinCalendars();

/** Runs the projector process; resolves with its output when it exits, or kills it at `killAt` batches. */
function runProjector(url: string, killAt?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@disclosure/source', join(here, 'support/projectorProcess.ts')], {
      cwd: join(here, '..'),
      env: { ...process.env, RM_TEST_URL: url, RM_TEST_LINGER_MS: killAt ? '300' : '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAt && out.includes(`in-batch ${killAt}\n`)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

t.test('a projector killed (SIGKILL) inside a batch resumes to read models equal to a clean rebuild', async (t) => {
  const s = await openStores('postgres');
  t.teardown(() => s.close());
  await applyWorkload(s.store, generateWorkload({ cases: 80, seed: 11, days: 60, tail: 0 }));
  await allReadable(s);
  const killed = await runProjector(s.url!, 5);
  t.equal(killed.signal, 'SIGKILL', 'killed');
  t.notOk(killed.out.includes('caught-up'));
  const projector = new Projector({ store: s.store, db: s.db, calendars });
  const cps = await projector.checkpoints();
  t.equal(new Set([...cps.values()]).size, 1, 'all projections at one checkpoint');
  t.ok([...cps.values()][0]! > 0n, 'batches before the kill were kept');
  const afterKill = await s.db.selectFrom('projection_checkpoints').select(['projection', 'events']).execute();
  t.ok(afterKill.every((r) => Number(r.events) === 4 * 40), 'exactly the 4 committed batches counted; the 5th rolled back');
  const resumed = await runProjector(s.url!);
  t.equal(resumed.code, 0);
  t.ok(resumed.out.includes('caught-up'));
  const incremental = await snapshot(s.db);
  await projector.rebuild();
  t.same(await snapshot(s.db), incremental, 'identical to a clean rebuild');
});

t.test('an append held open while later appends commit is projected once it commits', async (t) => {
  const s = await openStores('postgres');
  t.teardown(() => s.close());
  const workload = generateWorkload({ cases: 4, seed: 12, days: 5 });
  const first = workload.commands.filter((c, i, all) => all.findIndex((x) => x.caseId === c.caseId) === i); // each case's receive
  const [heldCase, ...others] = first;
  const projector = new Projector({ store: s.store, db: s.db, calendars });
  const client = new pg.Client({ connectionString: s.url });
  await client.connect();
  await client.query('BEGIN');
  const held = PostgresEventStore.attach(sqlDatabaseOnSession(pgSession(client)), { schema: 'events' });
  await applyWorkload(held, { commands: [heldCase!] });
  await applyWorkload(s.store, { commands: others });
  const during = await projector.step();
  t.equal(during.events, 0, 'nothing is projected past the open transaction');
  await client.query('COMMIT');
  await client.end();
  await untilCaughtUp(projector, s);
  const ids = (await s.db.selectFrom('cases').select('case_id').execute()).map((r) => r.case_id).sort();
  t.same(ids, first.map((c) => c.caseId).sort(), 'the late-committing case is there, with the others');
});
