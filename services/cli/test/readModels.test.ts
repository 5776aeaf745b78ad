import t from 'tap';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, initialCaseState, isDomainError, evolve, type CaseCommand } from '@disclosure/domain';
import { openEventStore } from '@disclosure/event-store';
import { disclosure } from './support/disclosure.js';

const ctx = { calendars: builtinCalendars() };
const actor = { id: 'cw-li', role: 'caseworker', agency: 'demo' } as const;

/** Receives and registers `n` requests in the embedded store of `dataDir`, through the domain's decide. */
async function seed(dataDir: string, n: number, extra: { streamId: string; type: string; data: unknown }[] = []) {
  const store = await openEventStore({ dataDir: join(dataDir, 'events') });
  for (let i = 0; i < n; i++) {
    const caseId = randomUUID();
    let state = initialCaseState();
    let revision: number | 'no_stream' = 'no_stream';
    for (const command of [
      { type: 'receiveRequest', caseId, at: '2025-09-26T03:00:00Z', actor, data: { jurisdiction: 'CN', channel: 'online', evidence: { confirmedByBothOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: `申请人${i}` }, request: { description: '预算', writtenDownFromOralRequest: false } } },
      { type: 'registerRequest', caseId, at: '2025-09-26T03:00:00Z', actor, data: { registrationNumber: `demo-2025-${i + 1}`, accessCodeDigest: 'e'.repeat(64) } },
    ] as unknown as CaseCommand[]) {
      const events = decide(state, command, ctx);
      if (isDomainError(events)) throw events;
      const r = await store.append(caseId, events.map((e) => ({ id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata: { actor: actor.id, agency: actor.agency, role: actor.role, correlationId: randomUUID(), causationId: null, occurredAt: command.at } })), { expectedRevision: revision });
      revision = r.nextExpectedRevision;
      state = events.reduce(evolve, state);
    }
  }
  for (const e of extra) await store.append(e.streamId, [{ id: randomUUID(), type: e.type, version: 1, data: e.data, metadata: { actor: 'x', agency: 'demo', role: 'admin', correlationId: randomUUID(), causationId: null, occurredAt: '2025-10-01T00:00:00Z' } }]);
  await store.close();
}

const withDataDir = (t: { teardown(fn: () => void): void }) => {
  const dir = mkdtempSync(join(tmpdir(), 'disclosure-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const env = (dataDir: string) => ({ DATA_DIR: dataDir, EVENT_STORE_URL: '', DATABASE_URL: '' });

t.test('migrate creates the read-model database in a fresh data folder', async (t) => {
  const dir = join(withDataDir(t), 'nested', 'data');
  const run = await disclosure(['migrate'], '', env(dir));
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, /migrated/);
  t.ok(existsSync(join(dir, 'read-models')));
});

t.test('rebuild replays every event; projections status shows the checkpoints and no lag', async (t) => {
  const dir = withDataDir(t);
  await seed(dir, 12);
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
  await seed(dir, 2, [{ streamId: randomUUID(), type: 'CaseArchived', data: { archivedOn: '2025-10-01' } }]);
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
