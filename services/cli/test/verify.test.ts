import t from 'tap';
import { randomUUID } from 'node:crypto';
import { builtinCalendars } from '@disclosure/calendar';
import { decide, evolve, initialCaseState, isDomainError, type CaseCommand } from '@disclosure/domain';
import { openEventStore, pgDatabase, type EventStore } from '@disclosure/event-store';
import { openReadModels, Projector } from '@disclosure/read-models';
import { auditStreamOf, recordCaseAccess } from '@disclosure/api';
import { freshPostgres } from '../../../packages/read-models/test/support/databases.js';
import { disclosure, jsonLines } from './support/disclosure.js';

/*
 * `disclosure verify --agency X` on a PostgreSQL server: an untouched agency verifies clean; an
 * event edited in the database, and events deleted from the end of a stream the read models had
 * seen, are named, with a non-zero exit code.
 */

const ctx = { calendars: builtinCalendars() };

/** Receives, registers and assigns a request of `agency` through the domain's decide; answers its case id. */
async function seedCase(store: EventStore, agency: string, n: number): Promise<string> {
  const caseId = randomUUID();
  const actor = { id: `cw-${agency}`, role: 'caseworker', agency } as const;
  let state = initialCaseState();
  let revision: number | 'no_stream' = 'no_stream';
  const commands = [
    { type: 'receiveRequest', data: { jurisdiction: 'CN', channel: 'online', evidence: { confirmedByBothOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: `申请人${n}` }, request: { description: '2025年部门预算', writtenDownFromOralRequest: false } } },
    { type: 'registerRequest', data: { registrationNumber: `${agency}-2025-${n}`, accessCodeDigest: 'e'.repeat(64) } },
    { type: 'assignCase', data: { assignee: { id: actor.id } } },
  ];
  for (const { type, data } of commands) {
    const command = { type, caseId, at: '2025-09-26T03:00:00Z', actor, data } as unknown as CaseCommand;
    const events = decide(state, command, ctx);
    if (isDomainError(events)) throw events;
    const metadata = { actor: actor.id, agency, role: actor.role, correlationId: randomUUID(), causationId: null, occurredAt: command.at };
    revision = (await store.append(caseId, events.map((e) => ({ id: randomUUID(), type: e.type, version: e.version, data: e.data, metadata })), { expectedRevision: revision })).nextExpectedRevision;
    state = events.reduce(evolve, state);
  }
  return caseId;
}

t.test('verify --agency names an edited event and events deleted from a stream’s end; another agency verifies clean', async (t) => {
  const fresh = await freshPostgres();
  t.teardown(() => fresh.drop());
  const store = await openEventStore({ url: fresh.url, poolSize: 4 });
  const db = await openReadModels({ url: fresh.url });
  const demo = [await seedCase(store, 'demo', 1), await seedCase(store, 'demo', 2), await seedCase(store, 'demo', 3)];
  const other = [await seedCase(store, 'other', 1), await seedCase(store, 'other', 2)];
  await recordCaseAccess(store, { caseId: demo[0]!, agency: 'demo', endpoint: 'history', viewer: { id: 'au-1' }, role: 'auditor', at: '2025-10-01T02:00:00.000Z', requestId: 'r-1' }, 'r-1');
  const projector = new Projector({ store, db, calendars: ctx.calendars });
  while (!(await projector.step()).caughtUp);
  await db.destroy();
  await store.close();
  const env = { EVENT_STORE_URL: fresh.url, DATABASE_URL: fresh.url };

  const clean = await disclosure(['verify', '--agency', 'demo'], '', env);
  t.equal(clean.code, 0, 'an untouched agency: exit 0', { stderr: clean.stderr });
  t.same(jsonLines(clean.stdout), [{ agency: 'demo', ok: true, streams: 4, events: 10, broken: 0 }], 'three cases and the audit stream, ten events');

  const sql = pgDatabase({ connectionString: fresh.url, max: 1 });
  t.teardown(() => sql.close());
  const { rows } = await sql.query<{ event_id: string }>(
    `UPDATE disclosure.events SET data = json_build_object('assignee', json_build_object('id', 'someone-else')) WHERE stream_id = $1 AND revision = 2 RETURNING event_id`,
    [demo[1]],
  );
  await sql.query('DELETE FROM disclosure.events WHERE stream_id = $1 AND revision = 2', [demo[2]]);

  const broken = await disclosure(['verify', '--agency', 'demo'], '', env);
  t.equal(broken.code, 1, 'a break: exit 1');
  const lines = jsonLines(broken.stdout) as Record<string, unknown>[];
  t.same(
    lines.slice(0, -1).sort((a, b) => String(a.stream).localeCompare(String(b.stream))),
    [
      { stream: demo[1], kind: 'case', events: 3, revision: 2, eventId: rows[0]!.event_id, type: 'CaseAssigned', recordedAt: lines.find((l) => l.stream === demo[1])?.recordedAt, reason: 'hash-mismatch', explanation: 'its content was changed after it was recorded: its hash no longer matches' },
      { stream: demo[2], kind: 'case', events: 2, revision: 2, eventId: null, type: null, recordedAt: null, reason: 'tail-missing', explanation: 'it is missing: the read models saw the stream reach it, the store now ends before it' },
    ].sort((a, b) => String(a.stream).localeCompare(String(b.stream))),
    'each broken stream named with its first bad event',
  );
  t.same(lines.at(-1), { agency: 'demo', ok: false, streams: 4, events: 9, broken: 2 });
  t.notOk(lines.some((l) => l.stream === auditStreamOf('demo')), 'the audit stream is intact, so not listed');
  t.match(broken.stderr, new RegExp(`BROKEN case ${demo[1]}: event 2 \\(${rows[0]!.event_id}, CaseAssigned\\): its content was changed`));

  const untouched = await disclosure(['verify', '--agency', 'other'], '', env);
  t.equal(untouched.code, 0, 'the other agency: exit 0', { stderr: untouched.stderr });
  t.same(jsonLines(untouched.stdout), [{ agency: 'other', ok: true, streams: other.length, events: 6, broken: 0 }]);

  const nobody = await disclosure(['verify', '--agency', 'nobody'], '', env);
  t.equal(nobody.code, 1, 'an agency with no stream: nothing verified is not "clean"');
  t.match(nobody.stderr, /no stream of agency "nobody"/);
});

t.test('verify needs --agency', async (t) => {
  const run = await disclosure(['verify']);
  t.equal(run.code, 2);
  t.match(run.stderr, /--agency is required[\s\S]*Usage:\n  disclosure verify --agency <agency>/);
});
