import t from 'tap';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { disclosure } from './support/disclosure.js';
import { embedded as env, seedCases, withDataDir } from './support/seed.js';

t.test('migrate creates the read-model database in a fresh data folder', async (t) => {
  const dir = join(withDataDir(t), 'nested', 'data');
  const run = await disclosure(['migrate'], '', env(dir));
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /migrated/);
  t.ok(existsSync(join(dir, 'read-models')));
});

t.test('rebuild replays every event; projections status shows the checkpoints and no lag', async (t) => {
  const dir = withDataDir(t);
  await seedCases(dir, 12);
  const rebuilt = await disclosure(['rebuild'], '', env(dir));
  t.equal(rebuilt.code, 0, rebuilt.stderr);
  t.match(JSON.parse(rebuilt.stdout.trim().split('\n').at(-1)!), { rebuilt: ['cases', 'public_status', 'agency_stats', 'annual_facts'], events: 24 });
  const status = await disclosure(['projections', 'status'], '', env(dir));
  t.equal(status.code, 0);
  const s = JSON.parse(status.stdout);
  t.equal(s.projections.length, 4);
  t.ok(s.projections.every((p: { events: number; position: string | null }) => p.events === 24 && p.position !== null));
  t.same(s.lag, { events: 0, seconds: 0 });
  const one = await disclosure(['rebuild', 'agency_stats'], '', env(dir));
  t.match(JSON.parse(one.stdout.trim()), { rebuilt: ['agency_stats'], events: 24 });
});

t.test('a parked event shows in the status and makes it exit 1', async (t) => {
  const dir = withDataDir(t);
  await seedCases(dir, 2, { extra: [{ streamId: randomUUID(), type: 'CaseArchived', data: { archivedOn: '2025-10-01' } }] });
  await disclosure(['rebuild'], '', env(dir));
  const status = await disclosure(['projections', 'status'], '', env(dir));
  t.equal(status.code, 1);
  t.match(JSON.parse(status.stdout).parked[0], { eventType: 'CaseArchived', error: /InvalidEventSequence/ });
});

t.test('wrong command lines are usage errors (exit 2)', async (t) => {
  const dir = withDataDir(t);
  t.equal((await disclosure(['rebuild', 'no_such_projection'], '', env(dir))).code, 2);
  t.equal((await disclosure(['projections'], '', env(dir))).code, 2);
  t.equal((await disclosure(['migrate', '--force'], '', env(dir))).code, 2);
  t.match((await disclosure(['rebuild', '--help'], '', env(dir))).stdout, /Empties the named projections/);
});
