import t from 'tap';
import { builtinCalendars, calendarStreamId } from '@disclosure/calendar';
import { amendCalendarStream, DEADLINE_CLOCK_ACTOR, DeadlineClock, loadCalendarBook, startWorker } from '@disclosure/api';
import { Projector } from '@disclosure/read-models';
import { testApp, type TestApp } from './support/testApp.js';
import { registeredCase } from './support/cases.js';
import { allEvents, assertProblem, at, callerAs, ok } from './support/http.js';

/*
 * The CN data covers 2004–2026: a count that runs into 2027 is Mon–Fri and provisional until the
 * 2027 notice is loaded. A made-up notice (the real one is not out yet): New Year 01-01…01-03 off,
 * Spring Festival 02-06…02-14 off, Sat 02-20 worked. Dates worked out by hand:
 *   open      received Tue 2026-12-15: 12-16…18 (3), 21–25 (8), 28–31 (12); Mon–Fri, Fri 2027-01-01 is day 13
 *             and Tue 01-12 day 20 (provisional); with New Year off, Mon 01-04 is day 13 and Wed 01-13 day 20.
 *   paused    received 2026-12-15, third party consulted Wed 12-16, unanswered: on Sun 12-20 the paused
 *             working days are 12-17 and 12-18 (第33条第3款), so 01-12 → 01-14 before, 01-13 → 01-15 after.
 *   withdrawn received 2026-12-15, withdrawn 12-16: closed, keeps 2027-01-12 (provisional).
 *   early     received Mon 2026-11-02: due Mon 2026-11-30, nothing in 2027.
 */
const NOTICE_2027 = {
  source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic)',
  years: [
    {
      year: 2027,
      holidays: [...span('2027-01-01', '2027-01-03', '元旦'), ...span('2027-02-06', '2027-02-14', '春节')],
      workingDays: [{ date: '2027-02-20', name: '春节' }],
    },
  ],
};
const LOADED = '2026-12-20';

function span(from: string, to: string, name: string) {
  const out: { date: string; name: string }[] = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) out.push({ date: new Date(d).toISOString().slice(0, 10), name });
  return out;
}

const recomputations = async (app: TestApp, caseId: string) => (await app.store.read(caseId)).filter((e) => e.type === 'DeadlineRecomputed').map((e) => e.data as Record<string, unknown>);
const row = (app: TestApp, caseId: string) => app.db.selectFrom('cases').select(['due_date', 'provisional', 'missing_years', 'calendar_version', 'is_open']).where('case_id', '=', caseId).executeTakeFirstOrThrow();

t.test('a 2027 calendar amendment, over HTTP and from another process', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const cw = await callerAs(app, 'caseworker');
  const admin = await callerAs(app, 'admin', 'admin-1');
  const cases = {
    open: await registeredCase(app, cw, '2026-12-15'),
    paused: await registeredCase(app, cw, '2026-12-15'),
    withdrawn: await registeredCase(app, cw, '2026-12-15'),
    early: await registeredCase(app, cw, '2026-11-02'),
  };
  app.setNow(at('2026-12-16'));
  ok(t, await cw.command(cases.paused, 'consultThirdParty', { consultationId: 'c1', party: '某建设公司', question: '是否同意公开' }), 'consult');
  ok(t, await cw.command(cases.withdrawn, 'withdrawRequest', { reason: '申请人撤回' }), 'withdraw');
  app.setNow(at(LOADED));
  await app.project();
  const oldVersion = builtinCalendars().current('CN').version;
  const clock = new DeadlineClock({ store: app.store, db: app.db, calendars: app.calendars, now: () => new Date(at(LOADED)) });

  t.test('before the notice, cases running into 2027 are provisional', async (t) => {
    t.match(await row(app, cases.open), { due_date: '2027-01-12', provisional: true, missing_years: '2027', calendar_version: oldVersion });
    t.match(ok(t, await cw.get(`/v1/cases/${cases.open}`), 'the case').deadline, { dueDate: '2027-01-12', provisional: true, missingYears: [2027] }, 'the API too');
    t.match(await row(app, cases.withdrawn), { due_date: '2027-01-12', provisional: true, is_open: false });
    const listed = ok(t, await cw.get('/v1/cases?provisional=true'), 'list provisional').items.map((i: { caseId: string }) => i.caseId).sort();
    t.same(listed, [cases.open, cases.paused, cases.withdrawn].sort());
  });

  let version = '';
  t.test('loading the notice records it and recomputes the open cases it moves', async (t) => {
    const loaded = await admin.post('/v1/admin/calendars/CN/amendments', NOTICE_2027);
    t.equal(loaded.statusCode, 201, loaded.body);
    const result = loaded.json();
    t.match(result, { calendarId: 'CN', appended: true, previousVersion: oldVersion, inForceFrom: LOADED });
    t.ok(result.officialYears.includes(2027));
    version = result.version;
    t.not(version, oldVersion);
    const stream = await app.store.read(calendarStreamId('CN'));
    t.match(stream, [{ type: 'CalendarAmended', data: { calendarId: 'CN', previousVersion: oldVersion, version, inForceFrom: LOADED, amendment: { source: NOTICE_2027.source } }, metadata: { actor: 'admin-1', role: 'admin' } }]);

    const now = ok(t, await cw.get(`/v1/cases/${cases.open}`), 'the case at once');
    t.match(now.deadline, { dueDate: '2027-01-13', provisional: false, missingYears: [] }, 'the API counts with the new version at once');

    t.equal(await clock.recomputePending(), 2, 'two open cases moved');
    await app.project();
    t.same(await recomputations(app, cases.open), [
      { calendarId: 'CN', previousDueDate: '2027-01-12', dueDate: '2027-01-13', previousCalendarVersion: oldVersion, calendarVersion: version, previousProvisional: true, provisional: false, missingYears: [], reason: NOTICE_2027.source, recomputedOn: LOADED },
    ]);
    t.match(await recomputations(app, cases.paused), [{ previousDueDate: '2027-01-14', dueDate: '2027-01-15', provisional: false }], 'a paused case: both dates as of the day, paused days counted');
    const recorded = (await app.store.read(cases.open)).at(-1)!;
    t.match(recorded.metadata, { actor: DEADLINE_CLOCK_ACTOR, causationId: /^[0-9a-f-]{36}$/ }, 'recorded by the clock');
    t.same(await recomputations(app, cases.withdrawn), [], 'a closed case keeps its dates: nothing recorded');
    t.same(await recomputations(app, cases.early), [], 'a case the notice does not touch: nothing recorded');

    t.match(await row(app, cases.open), { due_date: '2027-01-13', provisional: false, missing_years: '', calendar_version: version }, 'the provisional flag clears in the read models');
    t.match(await row(app, cases.withdrawn), { due_date: '2027-01-12', provisional: true, calendar_version: oldVersion }, 'the closed case keeps its date');
    const listed = ok(t, await cw.get('/v1/cases?provisional=true'), 'list provisional').items.map((i: { caseId: string }) => i.caseId);
    t.same(listed, [cases.withdrawn], 'only the closed case is still provisional');
    const shown = ok(t, await admin.get('/v1/admin/calendars/CN'), 'the calendar');
    t.match(shown, { calendarId: 'CN', version, amendments: [{ previousVersion: oldVersion, version, reason: NOTICE_2027.source, inForceFrom: LOADED }] });
  });

  t.test('loading the same file twice changes nothing', async (t) => {
    const before = (await allEvents(app)).length;
    const again = await admin.post('/v1/admin/calendars/CN/amendments', NOTICE_2027);
    t.equal(again.statusCode, 200);
    t.match(again.json(), { appended: false, version, previousVersion: version });
    t.equal(await clock.recomputePending(), 0);
    await app.project();
    t.equal((await allEvents(app)).length, before, 'no event appended');
  });

  t.test('a rebuild of the read models gives the same dates: the closed case still keeps its own', async (t) => {
    // (an open row no event touched since names the version it was last written with; a rebuild, the current one)
    const snapshot = () => app.db.selectFrom('cases').select(['case_id', 'due_date', 'provisional', 'missing_years', 'overdue_from', 'on_time']).orderBy('case_id').execute();
    const before = await snapshot();
    const book = await loadCalendarBook(app.store);
    await new Projector({ store: app.store, db: app.db, calendars: book, onOtherEvent: (e) => book.apply(e) }).rebuild(['cases']);
    t.same(await snapshot(), before);
    t.match(await row(app, cases.withdrawn), { due_date: '2027-01-12', provisional: true, calendar_version: oldVersion }, 'counted with the version in force the day it closed');
  });

  t.test('another process started later counts with the amendment; one running picks it up without a restart', async (t) => {
    const started = await loadCalendarBook(app.store);
    t.equal(started.current('CN').version, version);
    t.equal(started.inForceOn('CN', '2026-12-19').version, oldVersion, 'the day before it was loaded, the old version was in force');
  });

  t.test('a correction recorded by another process reaches the running worker, which recomputes again', async (t) => {
    const worker = startWorker({ store: app.store, db: app.db, calendars: app.calendars, log: { info() {}, error() {} }, idleMs: 20, calendarRefreshMs: 60_000, now: () => new Date(at('2026-12-21')) });
    t.teardown(() => worker.stop());
    const other = await loadCalendarBook(app.store); // the CLI, or another API process
    const correction = { source: '更正：2027年1月4日放假 (synthetic correction)', holidays: [{ date: '2027-01-04', name: '元旦' }] };
    const r = await amendCalendarStream(app.store, other, 'CN', correction, { actor: 'ops', agency: 'demo', role: 'admin', correlationId: 'correction-1', causationId: null, occurredAt: at('2026-12-21') });
    t.equal(r.previousVersion, version);
    // Mon 01-04 off too: 01-05 is day 13 and Thu 01-14 day 20. The paused case, on Mon 12-21, has 3 paused working days.
    for (let waited = 0; (await recomputations(app, cases.open)).length < 2; waited += 50) {
      if (waited > 20_000) throw new Error('the worker did not recompute within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.match((await recomputations(app, cases.open))[1], { previousDueDate: '2027-01-13', dueDate: '2027-01-14', previousCalendarVersion: version, calendarVersion: r.version, reason: correction.source });
    for (let waited = 0; (await recomputations(app, cases.paused)).length < 2; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    t.match((await recomputations(app, cases.paused))[1], { previousDueDate: '2027-01-18', dueDate: '2027-01-19' });
    t.equal(app.calendars.current('CN').version, r.version, 'the API’s calendars moved with the worker’s read of all events');
    t.match(ok(t, await cw.get(`/v1/cases/${cases.open}`), 'the case').deadline, { dueDate: '2027-01-14' });
    for (let waited = 0; !(await app.store.read(cases.early)).some((e) => e.type === 'DeadlineMissed'); waited += 50) {
      if (waited > 20_000) throw new Error('the worker did not sweep within 20 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    t.pass('the worker’s clock also swept: the case due 2026-11-30 is recorded missed');
  });

  t.test('an amendment that cannot be loaded is refused with a problem, and records nothing', async (t) => {
    const before = (await app.store.read(calendarStreamId('CN'))).length;
    const invalid = assertProblem(t, await admin.post('/v1/admin/calendars/CN/amendments', { source: 'x', holidays: [{ date: '2027-02-30', name: '不存在的日子' }] }), 'validation-failed', 'an impossible date');
    t.match(invalid.fields, [{ path: /holidays/ }]);
    assertProblem(t, await admin.post('/v1/admin/calendars/CN/amendments', { source: 'x', years: [{ year: 2027, holidays: [{ date: '2028-01-01', name: '元旦' }], workingDays: [] }] }), 'validation-failed', 'an entry outside its notice year');
    assertProblem(t, await admin.post('/v1/admin/calendars/CN/amendments', { years: [] }), 'validation-failed', 'no source');
    assertProblem(t, await admin.post('/v1/admin/calendars/CN/amendments', { source: 'x', holidays: [{ date: '2027-03-01', name: 'a' }], workingDays: [{ date: '2027-03-01', name: 'b' }] }), 'conflicting-calendar-entry', 'one day both off and worked');
    assertProblem(t, await admin.post('/v1/admin/calendars/CN/amendments', { ...NOTICE_2027, id: 'CN-XZ' }), 'validation-failed', 'a regional calendar');
    assertProblem(t, await admin.post('/v1/admin/calendars/XX/amendments', NOTICE_2027), 'not-found', 'an unknown calendar');
    assertProblem(t, await admin.post('/v1/admin/calendars/cn/amendments', NOTICE_2027), 'validation-failed', 'a calendar id in lower case');
    assertProblem(t, await cw.post('/v1/admin/calendars/CN/amendments', NOTICE_2027), 'forbidden', 'a caseworker');
    t.equal((await app.store.read(calendarStreamId('CN'))).length, before);
  });
});
