import t from 'tap';
import { builtinCalendars } from '@disclosure/calendar';
import type { CaseCommand } from '@disclosure/domain';
import type { EventStore } from '@disclosure/event-store';
import { sql } from 'kysely';
import { casesProjection, openReadModels, Projector, PROJECTIONS, type Projection } from '@disclosure/read-models';
import { applyCommand, applyWorkload, generateWorkload } from './support/workload.js';
import { allReadable, onEveryStore, snapshot, untilCaughtUp } from './support/databases.js';

const calendars = builtinCalendars();

onEveryStore(t, (t, s) => {

  t.test('a case’s row, queue entry and public status follow it through every step', async (t) => {
    const caseId = '11111111-1111-4111-8111-111111111111';
    const actor = { id: 'cw-li', name: '李办理', role: 'caseworker', agency: 'demo' } as const;
    const reviewer = { id: 'rv-zhao', role: 'reviewer', agency: 'demo' } as const;
    const supervisor = { id: 'sv-chen', role: 'supervisor', agency: 'demo' } as const;
    const c = (type: string, day: string, data: object, who: object = actor) => ({ type, caseId, at: `${day}T03:00:00Z`, actor: who, data }) as unknown as CaseCommand;
    const projector = new Projector({ store: s.store, db: s.db, calendars });
    const row = () => s.db.selectFrom('cases').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const queue = () => s.db.selectFrom('work_queue').select(['case_id', 'assignee_id', 'due_date']).where('agency', '=', 'demo').execute();
    const pub = () => s.db.selectFrom('public_status').selectAll().where('registration_number', '=', 'demo-2025-1').executeTakeFirst();
    const workload = {
      commands: [
        c('receiveRequest', '2025-09-26', { jurisdiction: 'CN', channel: 'registered-post', evidence: { signedForOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '预算执行情况', writtenDownFromOralRequest: false } }),
        c('registerRequest', '2025-09-26', { registrationNumber: 'demo-2025-1', accessCodeDigest: 'd'.repeat(64) }),
        c('assignCase', '2025-09-28', { assignee: { id: 'cw-li', name: '李办理' } }),
        c('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '意见' }),
        c('recordConsultationAnswer', '2025-10-22', { consultationId: 'c1', opinion: 'consent', summary: '同意' }),
        c('approveExtension', '2025-10-30', { amount: 5, reason: '材料多' }, supervisor),
        c('submitForReview', '2025-11-10', { outcome: { kind: 'disclosed', provision: { form: 'electronic' } }, draft: '予以公开' }),
        c('approveReply', '2025-11-11', {}, reviewer),
        c('issueReply', '2025-11-12', { delivery: 'email' }),
        c('archiveCase', '2025-11-13', {}),
      ],
    };
    const expectations: Record<string, unknown>[] = [
      { status: 'received', is_open: true, due_date: '2025-10-30', registration_number: null },
      { status: 'processing', registration_number: 'demo-2025-1' },
      { assignee_id: 'cw-li', assignee_name: '李办理' },
      { status: 'consulting', clock_status: 'paused', due_date: '2025-10-30' },
      { status: 'processing', clock_status: 'running', due_date: '2025-11-06' },
      { due_date: '2025-11-13', period_ends_on: '2025-11-06' },
      { status: 'inReview' },
      { status: 'approved' },
      { status: 'replied', is_open: false, replied_on: '2025-11-12', on_time: true, outcome_kind: 'disclosed', outcome_row: '（一）予以公开' },
      { status: 'archived', archived_on: '2025-11-13' },
    ];
    for (const [i, command] of workload.commands.entries()) {
      await applyCommand(s.store, command);
      await untilCaughtUp(projector, s);
      t.match(await row(), expectations[i]!, `after ${command.type}`);
      const inQueue = (await queue()).some((q) => q.case_id === caseId);
      t.equal(inQueue, i < 8, `${inQueue ? 'in' : 'out of'} the work queue after ${command.type}`);
      const p = await pub();
      if (i === 0) t.equal(p, undefined, 'no public status before registration');
      if (i === 3) t.match(p, { status: 'processing', due_date: '2025-10-30', replied_on: null });
      if (i === 9) {
        t.match(p, { status: 'replied', due_date: null, replied_on: '2025-11-12', outcome_kind: 'disclosed' });
        t.notOk(JSON.stringify(p).includes('张三'), 'the public status holds no personal data');
      }
    }
    const stats = await s.db.selectFrom('agency_stats').selectAll().where('agency', '=', 'demo').executeTakeFirstOrThrow();
    t.match(stats, { received: 1, open_cases: 0, replies: 1, replies_on_time: 1, outcome_disclosed: 1 });
    t.same(await s.db.selectFrom('annual_facts').select(['year', 'is_new', 'outcome_row', 'carried_forward']).where('case_id', '=', caseId).execute(), [{ year: 2025, is_new: true, outcome_row: '（一）予以公开', carried_forward: false }]);
  });

  t.test('incremental projection equals a rebuild, over generated cases in every state', async (t) => {
    const workload = generateWorkload({ cases: 120, seed: 7, days: 90, tail: 0 });
    const projector = new Projector({ store: s.store, db: s.db, calendars, batchSize: 37 });
    const half = Math.floor(workload.commands.length / 2);
    await applyWorkload(s.store, workload, half);
    await untilCaughtUp(projector, s);
    for (const command of workload.commands.slice(half)) await applyCommand(s.store, command);
    const states = new Set(workload.commands.map((c) => c.caseId)).size;
    await untilCaughtUp(projector, s);
    const incremental = await snapshot(s.db);
    t.equal(incremental.cases.length, states, 'every case projected');
    t.ok(new Set(incremental.cases.map((c) => c.status)).size >= 6, `cases in many states: ${[...new Set(incremental.cases.map((c) => c.status))].join(', ')}`);
    const done = await projector.rebuild([], () => {});
    t.ok(done > 0);
    t.same(await snapshot(s.db), incremental, 'a clean rebuild gives the same tables');
  });

  t.test('a projector that keeps few cases folded folds the others from their streams: the same rows as a rebuild', async (t) => {
    const workload = generateWorkload({ cases: 60, seed: 21, days: 60, tail: 0 });
    const projector = new Projector({ store: s.store, db: s.db, calendars, batchSize: 11, cacheSize: 3 });
    const third = Math.floor(workload.commands.length / 3);
    await applyWorkload(s.store, workload, third);
    await untilCaughtUp(projector, s);
    for (const command of workload.commands.slice(third)) await applyCommand(s.store, command);
    await untilCaughtUp(projector, s);
    const incremental = await snapshot(s.db);
    t.equal(incremental.cases.length, new Set(workload.commands.map((c) => c.caseId)).size, 'every case projected');
    t.ok(incremental.cases.some((c) => Number(c.revision) >= 5), 'cases with many events, most of them evicted between two');
    await new Projector({ store: s.store, db: s.db, calendars }).rebuild([], () => {});
    t.same(await snapshot(s.db), incremental);
  });

  t.test('after a rebuild the cases it folded stay kept up to the live bound: a kept case’s next events need no read of its stream', async (t) => {
    const workload = generateWorkload({ cases: 30, seed: 31, days: 30, tail: 0 });
    const third = Math.floor(workload.commands.length / 3);
    const apply = async (from: number, to: number) => {
      for (const command of workload.commands.slice(from, to)) await applyCommand(s.store, command);
    };
    let reads = 0;
    const counted: EventStore = { append: (...a) => s.store.append(...a), readAll: (...a) => s.store.readAll(...a), backlog: (...a) => s.store.backlog(...a), subscribeToAll: (...a) => s.store.subscribeToAll(...a), close: () => s.store.close(), read: (...a) => (reads++, s.store.read(...a)) };
    await apply(0, third);
    await allReadable(s);
    const few = new Projector({ store: counted, db: s.db, calendars, cacheSize: 2 });
    await few.rebuild([], () => {});
    await apply(third, 2 * third);
    reads = 0;
    await untilCaughtUp(few, s);
    t.ok(reads > 0, `a projector that keeps 2 cases reads the others’ streams after its rebuild (${reads} reads)`);

    await allReadable(s);
    const kept = new Projector({ store: counted, db: s.db, calendars }); // 10,000 cases: all of these
    await kept.rebuild([], () => {});
    await apply(2 * third, workload.commands.length);
    reads = 0;
    await untilCaughtUp(kept, s);
    t.equal(reads, 0, 'one that keeps 10,000 still has every case its rebuild folded');
    const projected = await snapshot(s.db);
    await new Projector({ store: s.store, db: s.db, calendars }).rebuild([], () => {});
    t.same(await snapshot(s.db), projected, 'the rows a clean rebuild gives');
  });

  t.test('an event a case cannot fold is parked; other cases and projections go on', async (t) => {
    const projector = new Projector({ store: s.store, db: s.db, calendars });
    await applyWorkload(s.store, generateWorkload({ cases: 5, seed: 3 }));
    const { randomUUID } = await import('node:crypto');
    const bad = { id: randomUUID(), type: 'CaseArchived', version: 1, data: { archivedOn: '2025-10-01' }, metadata: { actor: 'x', agency: 'demo', role: 'admin', correlationId: randomUUID(), causationId: null, occurredAt: '2025-10-01T00:00:00Z' } };
    await s.store.append('22222222-2222-4222-8222-222222222222', [bad], { expectedRevision: 'no_stream' });
    await applyWorkload(s.store, generateWorkload({ cases: 5, seed: 4 }));
    await untilCaughtUp(projector, s);
    const status = await projector.status();
    t.equal(status.parked.length, 4, 'parked once per projection');
    t.match(status.parked[0], { caseId: '22222222-2222-4222-8222-222222222222', eventType: 'CaseArchived', error: /InvalidEventSequence/ });
    t.equal((await s.db.selectFrom('cases').select('case_id').execute()).length, 10, 'the good cases are all there');
    t.ok(status.projections.every((p) => p.events > 0 && p.parked === 1));
  });

  t.test('a row a projection cannot write is parked for that projection alone; its other rows and the other projections go on', async (t) => {
    const poisoned = '33333333-3333-4333-8333-333333333333';
    // the server refuses the cases row of one case (an error inside the transaction, as a constraint would give)
    const refusing: Projection = {
      ...casesProjection,
      apply: async (changes, db) => {
        if (changes.some((c) => c.after.caseId === poisoned)) await sql`SELECT 1 / 0`.execute(db);
        await casesProjection.apply(changes, db);
      },
    };
    const projections = PROJECTIONS.map((p) => (p === casesProjection ? refusing : p));
    const projector = new Projector({ store: s.store, db: s.db, calendars, projections });
    await applyWorkload(s.store, generateWorkload({ cases: 5, seed: 7 }));
    await applyWorkload(s.store, { commands: [{ type: 'receiveRequest', caseId: poisoned, at: '2025-09-26T03:00:00Z', actor: { id: 'cw-li', role: 'caseworker', agency: 'demo' }, data: { jurisdiction: 'CN', channel: 'in-person', evidence: { handedInOn: '2025-09-26' }, applicant: { kind: 'natural-person', name: '张三' }, request: { description: '预算', writtenDownFromOralRequest: false } } } as unknown as CaseCommand] });
    await applyWorkload(s.store, generateWorkload({ cases: 5, seed: 8 }));
    await untilCaughtUp(projector, s);
    const status = await projector.status();
    t.match(status.parked, [{ projection: 'cases', caseId: poisoned, eventType: '(row)', error: /division by zero/ }], 'parked once, for the cases projection only');
    const cases = (await s.db.selectFrom('cases').select('case_id').execute()).map((r) => r.case_id);
    t.equal(cases.length, 10, 'every other case has its row');
    t.notOk(cases.includes(poisoned));
    const received = (await s.db.selectFrom('agency_stats').select('received').execute()).reduce((n, r) => n + Number(r.received), 0);
    t.equal(received, 11, 'the other projections count the case');
    t.ok(status.projections.every((p) => p.position === status.projections[0]!.position), 'and every checkpoint moved past it');
  });

  t.test('a batch commits without waiting for the disk (rows and checkpoints, derived from the log); other transactions on the same connection still wait', async (t) => {
    // one connection, so that a setting left on the session would show in the transaction after the projector's
    const db = s.url ? await openReadModels({ url: s.url, poolSize: 1, migrate: false }) : s.db;
    if (db !== s.db) t.teardown(() => db.destroy());
    const setting = async () => db.transaction().execute(async (trx) => (await sql<{ s: string }>`SELECT current_setting('synchronous_commit') AS s`.execute(trx)).rows[0]!.s);
    const before = await setting();
    const settings: string[] = [];
    const observing: Projection = {
      ...casesProjection,
      apply: async (changes, trx) => {
        settings.push((await sql<{ s: string }>`SELECT current_setting('synchronous_commit') AS s`.execute(trx)).rows[0]!.s);
        await casesProjection.apply(changes, trx);
      },
    };
    const projector = new Projector({ store: s.store, db, calendars, projections: PROJECTIONS.map((p) => (p === casesProjection ? observing : p)), batchSize: 4 });
    await applyWorkload(s.store, generateWorkload({ cases: 6, seed: 3 }));
    await untilCaughtUp(projector, s);
    t.ok(settings.length >= 2, `${settings.length} batches written`);
    t.same(new Set(settings), new Set(['off']), 'each in a transaction that does not wait for the WAL to reach the disk');
    t.equal((await s.db.selectFrom('cases').select('case_id').execute()).length, 6, 'and every case has its row');
    t.not(before, 'off', `the server's own setting is a waiting one (${before})`);
    t.equal(await setting(), before, 'a transaction after them on the same connection waits as before (SET LOCAL ends with its transaction)');
  });

  t.test('two projectors on one database (two worker processes) never apply an event twice', async (t) => {
    await applyWorkload(s.store, generateWorkload({ cases: 80, seed: 11 }));
    await allReadable(s);
    const one = new Projector({ store: s.store, db: s.db, calendars, batchSize: 25 });
    const two = new Projector({ store: s.store, db: s.db, calendars, batchSize: 25 });
    const steps = { one: 0, two: 0 };
    const run = async (p: Projector, who: 'one' | 'two') => {
      for (;;) {
        const r = await p.step();
        if (r.caughtUp) return;
        if (r.events > 0) steps[who]++;
      }
    };
    await Promise.all([run(one, 'one'), run(two, 'two')]);
    const together = await snapshot(s.db);
    await one.rebuild();
    t.same(together, await snapshot(s.db), 'what they projected together equals a rebuild by one (agency counters not counted twice)');
    t.ok(steps.one + steps.two > 0);
  });

  t.test('rebuilding one projection leaves the others alone and catches it up', async (t) => {
    const projector = new Projector({ store: s.store, db: s.db, calendars, batchSize: 50 });
    await applyWorkload(s.store, generateWorkload({ cases: 30, seed: 5 }));
    await untilCaughtUp(projector, s);
    const before = await snapshot(s.db);
    const cpBefore = await projector.checkpoints();
    await projector.rebuild(['agency_stats']);
    t.same(await snapshot(s.db), before);
    t.same(await projector.checkpoints(), cpBefore);
    await t.rejects(projector.rebuild(['nope']), RangeError);
  });
});

