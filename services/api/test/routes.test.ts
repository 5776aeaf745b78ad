import t, { type Test } from 'tap';
import { COMMAND_ROUTES, PROBLEM_BASE } from '@disclosure/api';
import { testApp, receiveBody } from './support/testApp.js';
import { allEvents, assertProblem, at, Caller, callerAs, COMMAND_TYPES, ok, type CommandType } from './support/http.js';
import { commandBody, intakeBody, UK_COUNCIL } from './support/factories.js';

const app = await testApp({ agencies: [UK_COUNCIL] });
t.teardown(() => app.close());

const cw = await callerAs(app, 'caseworker');
const rv = await callerAs(app, 'reviewer');
const sv = await callerAs(app, 'supervisor');
const applicant = new Caller(app.app, undefined);

/** Receives a request (and registers it unless told not to); answers its id, number and access code. */
async function newCase(t: Test, by: Caller, receivedOn: string, options: { register?: boolean; body?: Record<string, unknown> } = {}) {
  const created = await by.post('/v1/cases', { ...receiveBody(receivedOn), ...options.body });
  t.equal(created.statusCode, 201, `received ${receivedOn}`, { body: created.body });
  const caseId = created.json().caseId as string;
  if (options.register === false) return { caseId, registrationNumber: '', accessCode: '' };
  const reg = await by.command(caseId, 'registerRequest', {});
  t.equal(reg.statusCode, 200, 'registered', { body: reg.body });
  return { caseId, registrationNumber: reg.json().registrationNumber as string, accessCode: reg.json().accessCode as string };
}

t.test('POST /v1/cases receives a request: 201, Location, ETag "0"', async (t) => {
  app.setNow(at('2025-09-26'));
  const res = await cw.post('/v1/cases', receiveBody('2025-09-26'));
  t.equal(res.statusCode, 201);
  const body = res.json();
  t.equal(res.headers.location, `/v1/cases/${body.caseId}`);
  t.equal(res.headers.etag, '"0"', 'the first event is revision 0');
  t.match(body, { status: 'received', channel: 'registered-post', receivedOn: '2025-09-26', registrationNumber: null, revision: 0, deadline: { dueDate: '2025-10-30' } });
  t.ok(body.allowedCommands.includes('register'), 'the next step is offered');

  const read = await cw.get(res.headers.location as string);
  t.equal(read.statusCode, 200, 'the Location can be read back');
  t.equal(read.headers.etag, '"0"');
});

t.test('POST /v1/cases for an agency under another law: received the day the request arrived; without that day, a 422 naming the field', async (t) => {
  app.setNow('2025-12-19T15:00:00Z');
  const uk = await callerAs(app, 'caseworker', 'cw-uk', UK_COUNCIL.id);
  // FOIA s.10(6)(a) has no channel rule like 条例 第31条: the day the authority received the request
  const missing = assertProblem(t, await uk.post('/v1/cases', receiveBody('2025-12-19', { channel: 'in-person', evidence: { handedInOn: '2025-12-19' } })), 'receipt-evidence-missing', 'the 第31条 fact instead');
  t.match(missing, { channel: 'in-person', rule: 'arrived', field: 'arrivedOn', citation: /^s\.10\(6\)/, detail: /^a request by in-person is received on the day it arrived \(s\.10\(6\).*\): evidence\.arrivedOn is required$/ });
  t.notMatch(missing.detail, /条例/, 'the UK council is told its own law, not 条例');
  const res = await uk.post('/v1/cases', receiveBody('2025-12-19', { channel: 'email', evidence: { arrivedOn: '2025-12-18' } }));
  t.equal(res.statusCode, 201, res.body);
  // s.10(1): the twentieth working day following Thu 12-18: 12-19 (1), 22, 23, 24 (4); 25 Christmas, 26 Boxing
  // Day; 29, 30, 31 (7); 01-01 New Year, 01-02 Scottish bank holiday; 01-05…09 (12), 12…16 (17), 19, 20, 21 (20)
  t.match(res.json(), { agency: UK_COUNCIL.id, channel: 'email', receivedOn: '2025-12-18', deadline: { dueDate: '2026-01-21' } });
});

t.test('GET /v1/cases/:id answers the case, ETag = its revision', async (t) => {
  app.setNow(at('2025-09-26'));
  const { caseId } = await newCase(t, cw, '2025-09-26');
  ok(t, await cw.command(caseId, 'assignCase', { assignee: { id: 'caseworker-1', name: '李办理' } }), 'assign');
  const res = await cw.get(`/v1/cases/${caseId}`);
  t.equal(res.statusCode, 200);
  t.equal(res.headers.etag, '"2"', 'received, registered, assigned: revision 2');
  t.match(res.json(), { caseId, status: 'processing', assignee: { id: 'caseworker-1' }, revision: 2, registrationNumber: /^demo-2025-\d+$/ });
  t.equal(res.json().accessCode, undefined, 'the access code is shown once, at registration');
  assertProblem(t, await cw.get('/v1/cases/3b241101-e2bb-4255-8caf-4136c566a962'), 'not-found', 'an unknown case');
});

t.test('GET /v1/cases/:id/deadline lists every day from receipt to the due date and why it counted', async (t) => {
  app.setNow(at('2025-09-26'));
  const { caseId } = await newCase(t, cw, '2025-09-26');
  const res = await cw.get(`/v1/cases/${caseId}/deadline`);
  t.equal(res.statusCode, 200);
  t.equal(res.headers.etag, '"1"');
  const d = res.json();
  t.match(d, { profileId: 'CN-2019', dueDate: '2025-10-30', countFrom: '2025-09-26', status: 'running', provisional: false });
  t.ok(d.calendarVersion && d.profileVersion, 'the versions the answer was computed with');
  const days = d.explanation as { date: string; counted: boolean; ordinal?: number; reason: string; detail?: string }[];
  t.equal(days.length, 35, 'every calendar day from 09-26 to 10-30');
  t.equal(days[0]!.date, '2025-09-26');
  t.equal(days.at(-1)!.date, '2025-10-30');
  t.equal(days.filter((x) => x.counted).length, 20, 'twenty working days counted');
  // 09-26 receipt day; 09-27 weekend; 09-28 a Sunday worked (调休); 10-01…10-08 National Day and Mid-Autumn.
  t.match(days[0], { counted: false, reason: 'receipt-day' });
  t.match(days[1], { date: '2025-09-27', counted: false, reason: 'weekend' });
  t.match(days[2], { date: '2025-09-28', counted: true, ordinal: 1, reason: 'make-up-working-day' });
  const holidays = days.filter((x) => x.reason === 'public-holiday').map((x) => x.date);
  t.same(holidays, ['2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04', '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08']);
  t.match(days.find((x) => x.date === '2025-10-11'), { counted: true, ordinal: 6, reason: 'make-up-working-day' });
  t.match(days.at(-1), { counted: true, ordinal: 20 });
});

t.test('every workflow command has a route that works for a caller allowed to give it', async (t) => {
  const reached = new Set<CommandType>();
  const run = async (by: Caller, caseId: string, type: CommandType, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await by.command(caseId, type, body, headers);
    const json = ok(t, res, `${type} (${COMMAND_ROUTES[type]})`);
    t.equal(res.headers.etag, `"${json.revision}"`, `${type}: ETag is the new revision`);
    reached.add(type);
    return json;
  };

  // A: the long road — supervision, link, referral, both consultations, a fee, extension, 第35条 override, review, reply, appeal, rating.
  app.setNow(at('2025-09-26'));
  const a = await newCase(t, cw, '2025-09-26');
  reached.add('registerRequest');
  await run(cw, a.caseId, 'assignCase', commandBody('assignCase', '2025-09-26'));
  await run(sv, a.caseId, 'instructSupervision', commandBody('instructSupervision', '2025-09-26'));
  await run(cw, a.caseId, 'answerSupervision', commandBody('answerSupervision', '2025-09-26'));
  await run(cw, a.caseId, 'linkCase', commandBody('linkCase', '2025-09-26'));
  await run(cw, a.caseId, 'referCase', commandBody('referCase', '2025-09-26'));
  app.setNow(at('2025-10-09'));
  const consulting = await run(cw, a.caseId, 'consultAgency', commandBody('consultAgency', '2025-10-09'));
  t.equal(consulting.status, 'consulting');
  // delivered Thu 10-09: its 15 working days end Wed 10-29 (10-10, 10-11 调休, 10-13…17, 10-20…24, 10-27…29); it may lapse on 10-30
  app.setNow(at('2025-10-29'));
  assertProblem(t, await cw.command(a.caseId, 'lapseConsultation', commandBody('lapseConsultation', '2025-10-29')), 'period-still-running', 'not before the 15 days are over');
  app.setNow(at('2025-10-30'));
  const lapsed = await run(cw, a.caseId, 'lapseConsultation', commandBody('lapseConsultation', '2025-10-30'));
  t.match(lapsed.consultations, [{ consultationId: 'ag-1', lapsedOn: '2025-10-30' }]);
  await run(cw, a.caseId, 'consultThirdParty', commandBody('consultThirdParty', '2025-10-30'));
  app.setNow(at('2025-10-31'));
  await run(cw, a.caseId, 'recordConsultationAnswer', commandBody('recordConsultationAnswer', '2025-10-31'));
  const fee = await run(cw, a.caseId, 'issueFeeNotice', commandBody('issueFeeNotice', '2025-10-31'));
  t.equal(fee.status, 'awaitingFee');
  app.setNow(at('2025-11-03'));
  await run(cw, a.caseId, 'recordFeePayment', { paidOn: '2025-11-03', amount: fee.fee.amount, reference: 'FEE-A' });
  await run(sv, a.caseId, 'approveExtension', commandBody('approveExtension', '2025-11-03'));
  const overridden = await run(sv, a.caseId, 'overrideDeadline', commandBody('overrideDeadline', '2025-11-03'));
  t.match(overridden.deadline, { dueDate: '2026-01-30', overridden: true });
  await run(cw, a.caseId, 'submitForReview', commandBody('submitForReview', '2025-11-03'));
  await run(rv, a.caseId, 'returnReply', commandBody('returnReply', '2025-11-03'));
  await run(cw, a.caseId, 'submitForReview', commandBody('submitForReview', '2025-11-03'));
  await run(rv, a.caseId, 'approveReply', commandBody('approveReply', '2025-11-03'));
  await run(cw, a.caseId, 'issueReply', commandBody('issueReply', '2025-11-03'));
  await run(cw, a.caseId, 'recordAppealOutcome', commandBody('recordAppealOutcome', '2025-11-03'));
  await run(cw, a.caseId, 'recordApplicantRating', commandBody('recordApplicantRating', '2025-11-03'));
  const archived = await run(cw, a.caseId, 'archiveCase', {});
  t.equal(archived.status, 'archived');
  t.same(archived.allowedCommands.sort(), ['link', 'record-appeal-outcome', 'record-rating'], 'an archived file still takes appeals, ratings and links');

  // B: correction requested and never answered (第30条: 视为放弃).
  app.setNow(at('2025-09-29'));
  const b = await newCase(t, cw, '2025-09-29');
  await run(cw, b.caseId, 'requestCorrection', { items: ['请写明文件名称'], respondBy: '2025-10-14' });
  app.setNow(at('2025-10-15'));
  const abandoned = await run(cw, b.caseId, 'lapseCorrection', {});
  t.equal(abandoned.status, 'abandoned');

  // C: correction received.
  app.setNow(at('2025-09-29'));
  const c = await newCase(t, cw, '2025-09-29');
  await run(cw, c.caseId, 'requestCorrection', commandBody('requestCorrection', '2025-09-29'));
  app.setNow(at('2025-10-10'));
  await run(cw, c.caseId, 'receiveCorrection', commandBody('receiveCorrection', '2025-10-10'));

  // D: a fee notice on 10-09 that is not paid within 20 working days (ends 11-05): lapses on 11-06.
  app.setNow(at('2025-10-09'));
  const d = await newCase(t, cw, '2025-10-09');
  await run(cw, d.caseId, 'issueFeeNotice', commandBody('issueFeeNotice', '2025-10-09'));
  app.setNow(at('2025-11-06'));
  t.equal((await run(cw, d.caseId, 'lapseFee', {})).status, 'abandoned');

  // E: withdrawn by the applicant.
  const e = await newCase(t, cw, '2025-11-06');
  t.equal((await run(cw, e.caseId, 'withdrawRequest', commandBody('withdrawRequest', '2025-11-06'))).status, 'withdrawn');

  t.same([...reached].sort(), [...COMMAND_TYPES].sort(), 'every command route was reached with a 2xx');
});

t.test('GET /v1/cases: filters, text search (Chinese too) and cursor pagination', async (t) => {
  // Agency "other", so that the cases of the other tests do not show.
  const ocwA = await callerAs(app, 'caseworker', 'ocw-a', 'other');
  const ocwB = await callerAs(app, 'caseworker', 'ocw-b', 'other');
  const oau = await callerAs(app, 'auditor', 'oau-1', 'other');
  const assign = async (caseId: string, id: string) => ok(t, await ocwA.command(caseId, 'assignCase', { assignee: { id } }), `assign ${id}`);

  app.setNow(at('2025-10-20'));
  // Due dates (20 working days after receipt): 09-26 → 10-30; 10-09 → 11-05 (10-10, 10-11 调休, 10-13…17, 10-20…24, 10-27…31, 11-03, 11-04, 11-05).
  const p1 = await newCase(t, ocwA, '2025-09-26');
  await assign(p1.caseId, 'ocw-a');
  const p2 = await newCase(t, ocwA, '2025-09-26', { body: { applicant: { kind: 'commercial-enterprise', name: 'Acme Road Ltd' }, request: { description: 'Road maintenance contracts 2024 (ACME)' } } });
  await assign(p2.caseId, 'ocw-b');
  const p3 = await newCase(t, ocwA, '2025-10-09');
  await assign(p3.caseId, 'ocw-a');
  const p4 = await newCase(t, ocwA, '2025-10-20');
  await assign(p4.caseId, 'ocw-a');
  ok(t, await ocwA.command(p4.caseId, 'requestCorrection', { items: ['请写明年份'], respondBy: '2025-11-20' }), 'correction: no due date while awaited');
  const p5 = await newCase(t, ocwA, '2025-10-09', { register: false });
  const p6 = await newCase(t, ocwA, '2025-09-26');
  await assign(p6.caseId, 'ocw-a');
  ok(t, await ocwA.command(p6.caseId, 'withdrawRequest', {}), 'withdrawn');
  const p8 = await newCase(t, ocwA, '2025-10-09');
  const p9 = await newCase(t, ocwA, '2025-10-09');
  // received Tue 2026-12-15: the count runs into 2027, for which no notice exists yet: Mon–Fri, flagged provisional.
  // 12-16…12-18 = 3; 12-21…12-25 = 8; 12-28…12-31 = 12; 2027-01-01 (a Friday, counted provisionally) = 13; 01-04…01-08 = 18; 01-11, 01-12 = 20.
  app.setNow(at('2026-12-15'));
  const p7 = await newCase(t, ocwA, '2026-12-15');
  await assign(p7.caseId, 'ocw-a');
  await app.project();

  const all = [p1, p2, p3, p4, p5, p6, p7, p8, p9].map((p) => p.caseId);
  const list = async (query: string, by: Caller = ocwA) => {
    const res = await by.get(`/v1/cases${query}`);
    t.equal(res.statusCode, 200, `GET /v1/cases${query}`, { body: res.body });
    return res.json() as { items: Record<string, any>[]; nextCursor: string | null };
  };
  const ids = async (query: string) => (await list(query)).items.map((i) => i.caseId as string).sort();
  const sorted = (...cs: { caseId: string }[]) => cs.map((c) => c.caseId).sort();

  app.setNow(at('2025-11-03'));
  const everything = await list('?limit=200', oau);
  t.same(everything.items.map((i) => i.caseId).sort(), [...all].sort(), 'an auditor sees the agency’s nine cases and no other agency’s');
  const item7 = everything.items.find((i) => i.caseId === p7.caseId)!;
  t.match(item7, { dueDate: '2027-01-12', provisional: true, receivedOn: '2026-12-15', status: 'processing' });
  t.match(everything.items.find((i) => i.caseId === p1.caseId), { dueDate: '2025-10-30', receivedOn: '2025-09-26', overdue: true, registrationNumber: p1.registrationNumber, assignee: 'ocw-a' });
  t.match(everything.items.find((i) => i.caseId === p4.caseId), { dueDate: null, status: 'awaitingCorrection', clockStatus: 'awaiting-correction' });

  t.same(await ids('?state=awaitingCorrection'), sorted(p4), 'state');
  t.same(await ids('?state=withdrawn'), sorted(p6));
  t.same(await ids('?state=received'), sorted(p5), 'received but not yet registered');
  t.same(await ids('?assignee=ocw-a'), sorted(p1, p3, p4, p6, p7), 'assignee');
  t.same(await ids('?assignee=ocw-b'), sorted(p2));
  t.same(await ids('?dueBefore=2025-11-01'), sorted(p1, p2, p6), 'due before 11-01');
  t.same(await ids('?overdue=true'), sorted(p1, p2), 'on 11-03, the open cases due 10-30 are overdue; the withdrawn one is not');
  t.same(await ids('?overdue=false'), sorted(p3, p4, p5, p6, p7, p8, p9));
  t.same(await ids('?overdue=true&assignee=ocw-a'), sorted(p1), 'filters combine');
  t.same(await ids('?provisional=true'), sorted(p7), 'provisional');
  t.same(await ids('?provisional=false'), sorted(p1, p2, p3, p4, p5, p6, p8, p9));
  t.same(await ids(`?q=${encodeURIComponent('征地补偿')}`), sorted(p1, p3, p4, p5, p6, p7, p8, p9), 'Chinese text in the description');
  t.same(await ids(`?q=${encodeURIComponent('王小明')}`), sorted(p1, p3, p4, p5, p6, p7, p8, p9), 'the applicant’s name');
  t.same(await ids('?q=acme'), sorted(p2), 'case-insensitive');
  t.same(await ids(`?q=${p1.registrationNumber}`), sorted(p1), 'the registration number');
  t.same(await ids('?q=%25'), [], 'a % is a character, not a wildcard');
  t.same(await ids(`?q=${encodeURIComponent('不存在的文件')}`), []);

  // Pages of 2: due soonest first (10-30 ×3, 11-05 ×4, 2027-01-12, then the one awaiting correction), ties by id.
  const seen: Record<string, any>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    t.ok(page.items.length <= 2);
    seen.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 20);
  t.equal(pages, 5, 'nine cases in five pages');
  t.equal(new Set(seen.map((i) => i.caseId)).size, seen.length, 'no case twice');
  t.same(seen.map((i) => i.caseId).sort(), [...all].sort(), 'no case missing');
  const key = (i: Record<string, any>) => `${i.dueDate ?? '9999-12-31'}|${i.caseId}`;
  t.same(seen.map(key), seen.map(key).sort(), 'in due-date order across pages');
  t.same(seen.map((i) => i.dueDate), ['2025-10-30', '2025-10-30', '2025-10-30', '2025-11-05', '2025-11-05', '2025-11-05', '2025-11-05', '2027-01-12', null]);
  const filtered = await list('?limit=1&assignee=ocw-a');
  const second = await list(`?limit=1&assignee=ocw-a&cursor=${filtered.nextCursor}`);
  t.not(second.items[0]!.caseId, filtered.items[0]!.caseId, 'a cursor works with a filter');

  t.test('GET /v1/queue: my open cases, due soonest first, overdue flagged', async (t) => {
    const q = await ocwA.get('/v1/queue');
    t.equal(q.statusCode, 200);
    const items = q.json().items as Record<string, any>[];
    t.same(items.map((i) => i.caseId), [p1.caseId, p3.caseId, p7.caseId, p4.caseId], 'ocw-a: 10-30, 11-05, 2027-01-12, then no due date; not the withdrawn one');
    t.same(items.map((i) => i.overdue), [true, false, false, false], 'on 11-03 the one due 10-30 is overdue');
    t.match(items[0], { registrationNumber: p1.registrationNumber, status: 'processing', dueDate: '2025-10-30', clockStatus: 'running' });
    t.match(items[2], { provisional: true });
    const b = await ocwB.get('/v1/queue');
    t.same(b.json().items.map((i: { caseId: string }) => i.caseId), [p2.caseId], 'ocw-b sees only its own');
    t.equal(q.json().nextCursor, null, 'one page holds them all');

    const firstPage = (await ocwA.get('/v1/queue?limit=3')).json();
    t.same(firstPage.items.map((i: { caseId: string }) => i.caseId), [p1.caseId, p3.caseId, p7.caseId], 'pages of 3, in the same order');
    const secondPage = (await ocwA.get(`/v1/queue?limit=3&cursor=${firstPage.nextCursor}`)).json();
    t.same(secondPage, { items: [items[3]], nextCursor: null }, 'the cursor gives the rest');
    assertProblem(t, await ocwA.get('/v1/queue?cursor=bm90LWEtY3Vyc29y'), 'validation-failed', 'a cursor the API did not give');
    assertProblem(t, await ocwA.get('/v1/queue?limit=0'), 'validation-failed', 'limit 0');
  });

  t.test('GET /v1/agency/stats: open, due this week, overdue, replies', async (t) => {
    const osv = await callerAs(app, 'supervisor', 'osv-1', 'other');
    const s = await osv.get('/v1/agency/stats');
    t.equal(s.statusCode, 200);
    // on Mon 11-03: 9 received, 8 open (one withdrawn); 2 overdue (due 10-30); due 11-03…11-09: the four due 11-05
    t.match(s.json(), { agency: 'other', asOf: '2025-11-03', received: 9, open: 8, overdue: 2, dueThisWeek: 4, withdrawn: 1, replies: 0, onTimeRate: null, abandoned: 0 });
  });
});

t.test('GET /v1/public/status: the right number and code show the status; a wrong one says only "not found"', async (t) => {
  app.setNow(at('2025-10-09'));
  const c = await newCase(t, cw, '2025-10-09');
  await app.project();
  const s = await applicant.get(`/v1/public/status?registrationNumber=${c.registrationNumber}&accessCode=${c.accessCode}`);
  t.equal(s.statusCode, 200);
  t.match(s.json(), { registrationNumber: c.registrationNumber, status: 'processing', receivedOn: '2025-10-09', dueDate: '2025-11-05', repliedOn: null, outcome: null });
  t.notOk(/王小明|110101199001011234|13912345678/.test(s.body), 'no personal data on the public page');
  t.equal((await applicant.get(`/v1/public/status?registrationNumber=${c.registrationNumber}&accessCode=${c.accessCode.toLowerCase()}`)).statusCode, 200, 'the code is not case-sensitive');

  const wrongCode = await applicant.get(`/v1/public/status?registrationNumber=${c.registrationNumber}&accessCode=WRONGCODE2`);
  const wrongNumber = await applicant.get(`/v1/public/status?registrationNumber=demo-2025-9999&accessCode=${c.accessCode}`);
  const a = assertProblem(t, wrongCode, 'not-found', 'wrong access code');
  const b = assertProblem(t, wrongNumber, 'not-found', 'wrong registration number');
  t.same({ ...a, instance: null }, { ...b, instance: null }, 'the same answer whichever part was wrong');
});

t.test('POST /v1/public/rating: only once the reply is given', async (t) => {
  app.setNow(at('2025-10-09'));
  const c = await newCase(t, cw, '2025-10-09');
  await app.project();
  const rating = { registrationNumber: c.registrationNumber, accessCode: c.accessCode, rating: 'dissatisfied', comment: '答复太慢' };
  const early = await applicant.post('/v1/public/rating', rating);
  assertProblem(t, early, 'command-not-allowed', 'before the reply');
  t.equal((await allEvents(app)).filter((e) => e.streamId === c.caseId && e.type === 'ApplicantRatingRecorded').length, 0);

  ok(t, await cw.command(c.caseId, 'submitForReview', commandBody('submitForReview', '2025-10-09')), 'submit');
  ok(t, await rv.command(c.caseId, 'approveReply', {}), 'approve');
  ok(t, await cw.command(c.caseId, 'issueReply', { delivery: 'post', postedOn: '2025-10-09' }), 'reply by post');
  app.setNow(at('2025-10-13'));
  const rated = await applicant.post('/v1/public/rating', rating);
  t.equal(rated.statusCode, 202);
  t.same(rated.json(), { registrationNumber: c.registrationNumber, rating: 'dissatisfied' });
  t.match((await cw.get(`/v1/cases/${c.caseId}`)).json().rating, { rating: 'dissatisfied', comment: '答复太慢', ratedOn: '2025-10-13' });
  assertProblem(t, await applicant.post('/v1/public/rating', { ...rating, accessCode: 'WRONGCODE2' }), 'not-found', 'a wrong code cannot rate');
});

t.test('the public routes are rate-limited per client: the 4th request of 3 allowed is a 429 problem', async (t) => {
  const limited = await testApp({ publicRateLimit: 3 });
  t.teardown(() => limited.close());
  const anon = new Caller(limited.app, undefined);
  for (let i = 0; i < 3; i++) t.equal((await anon.get('/v1/public/status?registrationNumber=demo-2025-1&accessCode=ABCDEFGHJK')).statusCode, 404, `request ${i + 1} is answered`);
  const fourth = await anon.get('/v1/public/status?registrationNumber=demo-2025-1&accessCode=ABCDEFGHJK');
  assertProblem(t, fourth, 'rate-limited', '4th request');
  t.ok(fourth.headers['retry-after'], 'says when to retry');
  const staff = await callerAs(limited, 'caseworker');
  t.equal((await staff.get('/v1/cases')).statusCode, 200, 'staff routes are not limited by it');
});

t.test('behind a trusted proxy the limit counts each client by X-Forwarded-For; an untrusted sender cannot pick its own address', async (t) => {
  const status = (app: Awaited<ReturnType<typeof testApp>>, forwardedFor: string) =>
    app.app.inject({ method: 'GET', url: '/v1/public/status?registrationNumber=demo-2025-1&accessCode=ABCDEFGHJK', headers: { 'x-forwarded-for': forwardedFor } });
  const proxied = await testApp({ publicRateLimit: 2, trustProxy: '127.0.0.1' });
  t.teardown(() => proxied.close());
  for (const client of ['203.0.113.7', '203.0.113.7', '198.51.100.2', '198.51.100.2']) t.equal((await status(proxied, client)).statusCode, 404, `${client} within its own limit`);
  t.equal((await status(proxied, '203.0.113.7')).statusCode, 429, 'the third request of one client is limited');
  const direct = await testApp({ publicRateLimit: 2 });
  t.teardown(() => direct.close());
  t.equal((await status(direct, '203.0.113.7')).statusCode, 404);
  t.equal((await status(direct, '198.51.100.2')).statusCode, 404);
  t.equal((await status(direct, '192.0.2.9')).statusCode, 429, 'without a trusted proxy, a made-up X-Forwarded-For does not buy more requests');
});

t.test('a known path with a method it does not answer is 405 with Allow; every answer carries its request id', async (t) => {
  const wrong = await app.app.inject({ method: 'DELETE', url: '/v1/cases' });
  assertProblem(t, wrong, 'method-not-allowed');
  t.equal(wrong.headers.allow, 'GET, HEAD, POST', 'naming the methods it answers');
  const onCase = await app.app.inject({ method: 'PUT', url: '/v1/cases/3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f/archive' });
  assertProblem(t, onCase, 'method-not-allowed', 'with a path parameter');
  t.equal(onCase.headers.allow, 'POST');
  assertProblem(t, await app.app.inject({ method: 'DELETE', url: '/v1/nothing-here' }), 'not-found', 'an unknown path stays 404');
  const given = await cw.get('/v1/cases', { 'x-request-id': 'portal-req-42' });
  t.equal(given.headers['x-request-id'], 'portal-req-42', 'the caller’s request id comes back');
  const minted = await applicant.get('/v1/cases');
  t.match(minted.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'or one is minted, on errors too');
  t.equal(wrong.headers['x-request-id'] !== undefined, true);
});

t.test('POST /v1/intake: another system files a request once, however often it sends it', async (t) => {
  app.setNow(at('2025-10-13'));
  const integrator = await callerAs(app, 'integrator', 'province-portal');
  const body = intakeBody('GD-2025-000123', '2025-10-11');
  const first = await integrator.post('/v1/intake', body);
  t.equal(first.statusCode, 201, first.body);
  const caseId = first.json().caseId as string;
  t.equal(first.headers.location, `/v1/cases/${caseId}`);
  t.equal(first.headers.etag, '"0"');
  // received on the date the sending system states (Sat 10-11, a working day): due 11-07 (10-13…17 = 5, 10-20…24 = 10, 10-27…31 = 15, 11-03…07 = 20)
  t.match(first.json(), { channel: 'system', receivedOn: '2025-10-11', status: 'received', deadline: { dueDate: '2025-11-07' } });

  const again = await integrator.post('/v1/intake', body);
  t.equal(again.statusCode, 200, 'the same reference again: 200');
  t.equal(again.json().caseId, caseId, 'the same case');
  t.equal(again.headers.location, `/v1/cases/${caseId}`);
  const events = (await allEvents(app)).filter((e) => e.streamId === caseId);
  t.equal(events.length, 1, 'one stream of one event');
  t.equal(events[0]!.type, 'RequestReceived');
  t.equal((await app.store.read(caseId)).length, 1);

  const changed = await integrator.post('/v1/intake', intakeBody('GD-2025-000123', '2025-10-11', { request: { description: '另一项申请内容', writtenDownFromOralRequest: false } }));
  assertProblem(t, changed, 'source-reference-reused');
  t.match(changed.json().detail, /GD-2025-000123/, 'naming the reference');
  t.equal((await app.store.read(caseId)).length, 1, 'and nothing recorded');

  const other = await integrator.post('/v1/intake', intakeBody('GD-2025-000124', '2025-10-11'));
  t.equal(other.statusCode, 201, 'another reference is another case');
  t.not(other.json().caseId, caseId);

  const read = await integrator.get(`/v1/cases/${caseId}`);
  t.equal(read.statusCode, 200, 'the integrator may read the case it filed');
});

t.test('operations: /health/live, /health/ready, /metrics', async (t) => {
  const live = await applicant.get('/health/live');
  t.equal(live.statusCode, 200);
  t.same(live.json(), { status: 'live' });
  const ready = await applicant.get('/health/ready');
  t.equal(ready.statusCode, 200);
  t.same(ready.json(), { status: 'ready', eventStore: 'up', readModels: 'up' });

  await app.project();
  const m = await applicant.get('/metrics');
  t.equal(m.statusCode, 200);
  t.match(m.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  t.match(m.body, /# TYPE http_request_duration_seconds histogram/);
  t.match(m.body, /http_request_duration_seconds_bucket\{le="[\d.]+",route="\/v1\/cases",method="POST",status="201"\} \d+/);
  t.match(m.body, /# TYPE disclosure_open_cases gauge/);
  const open = /disclosure_open_cases\{agency="other"\} (\d+)/.exec(m.body);
  t.ok(open && Number(open[1]) === 8, 'open cases per agency, from the read model');
});

t.test('/openapi.json describes every /v1 route in OpenAPI 3.1; /docs serves the UI', async (t) => {
  const res = await applicant.get('/openapi.json');
  t.equal(res.statusCode, 200);
  const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; requestBody?: unknown; parameters?: { name: string; in: string }[] }>> };
  t.equal(doc.openapi, '3.1.0');
  const expected: [string, string][] = [
    ['post', '/v1/cases'],
    ['get', '/v1/cases'],
    ['get', '/v1/cases/{caseId}'],
    ['get', '/v1/cases/{caseId}/deadline'],
    ['get', '/v1/queue'],
    ['get', '/v1/agency/stats'],
    ['get', '/v1/public/status'],
    ['post', '/v1/public/rating'],
    ['post', '/v1/intake'],
    ['get', '/v1/cases/{caseId}/history'],
    ['get', '/v1/cases/{caseId}/as-of'],
    ['get', '/v1/cases/{caseId}/verify'],
    ['get', '/v1/cases/{caseId}/export'],
    ['get', '/v1/supervision/queue'],
    ['get', '/v1/admin/calendars/{calendarId}'],
    ['post', '/v1/admin/calendars/{calendarId}/amendments'],
    ['post', '/v1/webhooks/subscriptions'],
    ['get', '/v1/webhooks/subscriptions'],
    ['get', '/v1/webhooks/subscriptions/{subscriptionId}'],
    ['delete', '/v1/webhooks/subscriptions/{subscriptionId}'],
    ...['pause', 'resume', 'rotate-secret', 'test', 'redeliver', 'dead-letters/replay'].map((action): [string, string] => ['post', `/v1/webhooks/subscriptions/{subscriptionId}/${action}`]),
    ['get', '/v1/webhooks/subscriptions/{subscriptionId}/deliveries'],
    ['get', '/v1/webhooks/subscriptions/{subscriptionId}/deliveries/{deliveryId}'],
    ['post', '/v1/webhooks/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver'],
    ['get', '/v1/webhooks/subscriptions/{subscriptionId}/dead-letters'],
    ...Object.values(COMMAND_ROUTES).map((segment): [string, string] => ['post', `/v1/cases/{caseId}/${segment}`]),
  ];
  for (const [method, path] of expected) t.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`);
  t.equal(Object.keys(doc.paths).filter((p) => p.startsWith('/v1')).length, new Set(expected.map(([, p]) => p)).size, 'and no other /v1 path');
  t.ok(doc.paths['/v1/cases']!.post!.requestBody, 'a body schema for creation');
  t.ok(doc.paths['/v1/cases']!.get!.parameters!.some((p) => p.name === 'cursor' && p.in === 'query'), 'the list’s query parameters');
  t.same(doc.paths['/v1/public/status']!.get!.security, [], 'public routes need no token');

  const docs = await applicant.get('/docs');
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /^text\/html/);
  t.match(docs.body, /swagger/i);
});

t.test('a route that does not exist is a not-found problem', async (t) => {
  const res = await cw.get('/v1/nothing-here');
  assertProblem(t, res, 'not-found');
  t.equal(res.json().type, `${PROBLEM_BASE}not-found`);
});

t.test('a case whose clock is paused by a consultation is not overdue in the lists, the queue or the public page', async (t) => {
  app.setNow(at('2025-09-26'));
  const c = await newCase(t, cw, '2025-09-26'); // due 10-30
  ok(t, await cw.command(c.caseId, 'assignCase', { assignee: { id: 'cw-paused' } }), 'assign');
  app.setNow(at('2025-10-29'));
  ok(t, await cw.command(c.caseId, 'consultThirdParty', { consultationId: 'tp-p', party: '第三方', question: '是否同意公开？', sentOn: '2025-10-29', deliveredOn: '2025-10-29' }), 'consult on 10-29, before the due date');
  await app.project();
  // Wed 11-05, no answer yet: paused 10-30, 10-31, 11-03, 11-04, 11-05 = 5 → 10-30 + 5 working days = Thu 11-06
  app.setNow(at('2025-11-05'));
  const own = (await cw.get(`/v1/cases/${c.caseId}`)).json();
  t.match(own.deadline, { dueDate: '2025-11-06', status: 'paused', overdue: false }, 'the case itself: due 11-06, not overdue');
  const overdue = (await cw.get('/v1/cases?overdue=true&limit=200')).json().items.map((i: { caseId: string }) => i.caseId);
  t.notOk(overdue.includes(c.caseId), 'not in the overdue list');
  const queued = (await (await callerAs(app, 'caseworker', 'cw-paused')).get('/v1/queue')).json().items[0];
  t.equal(queued.caseId, c.caseId);
  t.equal(queued.dueDate, '2025-11-06', 'the caseworker’s queue shows the due date the case has');
  t.equal(queued.overdue, false, 'and does not flag it overdue');
  const pub = (await applicant.get(`/v1/public/status?registrationNumber=${c.registrationNumber}&accessCode=${c.accessCode}`)).json();
  t.equal(pub.dueDate, '2025-11-06', 'the applicant is not shown a due date that has already passed');
});

t.test('working days left and overdue follow the calendar day by day while a consultation stays unanswered, until its 15 days lapse', async (t) => {
  const fresh = await testApp();
  t.teardown(() => fresh.close());
  const mine = await callerAs(fresh, 'caseworker', 'cw-clock');
  const boss = await callerAs(fresh, 'supervisor');
  fresh.setNow(at('2025-09-26'));
  const c = await newCase(t, mine, '2025-09-26'); // due Thu 10-30
  ok(t, await mine.command(c.caseId, 'assignCase', { assignee: { id: 'cw-clock' } }), 'assign');
  fresh.setNow(at('2025-10-29'));
  ok(t, await mine.command(c.caseId, 'consultThirdParty', { consultationId: 'tp-q', party: '第三方', question: '是否同意公开？', sentOn: '2025-10-29', deliveredOn: '2025-10-29' }), 'consult');
  await fresh.project();
  const look = async (day: string) => {
    fresh.setNow(at(day));
    const own = (await mine.get(`/v1/cases/${c.caseId}`)).json().deadline;
    const listed = (await mine.get('/v1/cases?limit=200')).json().items.find((i: { caseId: string }) => i.caseId === c.caseId);
    const queued = (await mine.get('/v1/queue')).json().items[0];
    const overdueIds = (await mine.get('/v1/cases?overdue=true')).json().items.map((i: { caseId: string }) => i.caseId);
    const stats = (await boss.get('/v1/agency/stats')).json();
    return { own, listed, queued, overdueListed: overdueIds.includes(c.caseId), stats };
  };
  // Wed 11-05: paused 10-30 … 11-05 (5 working days) → due Thu 11-06, one working day left
  let v = await look('2025-11-05');
  t.match(v.own, { dueDate: '2025-11-06', status: 'paused', overdue: false, workingDaysLeft: 1 }, 'the case on 11-05');
  t.match(v.listed, { dueDate: '2025-11-06', clockStatus: 'paused', overdue: false, workingDaysLeft: 1 }, 'the list says the same');
  t.match(v.queued, { caseId: c.caseId, dueDate: '2025-11-06', overdue: false, workingDaysLeft: 1 }, 'and the queue');
  t.notOk(v.overdueListed, 'not in the overdue filter');
  t.match(v.stats, { open: 1, overdue: 0, dueThisWeek: 1 }, 'the agency counts it due this week, not overdue');
  // Mon 11-17: still no answer → due Tue 11-18, one working day left, whatever the weekend did
  v = await look('2025-11-17');
  t.match(v.own, { dueDate: '2025-11-18', workingDaysLeft: 1 });
  t.match(v.listed, { dueDate: '2025-11-18', workingDaysLeft: 1 });
  // The third party had 15 working days from receipt (条例 第32条): 10-30 … 11-19. The clock runs again
  // from Thu 11-20, the 20th working day: due 11-20. On Fri 11-21 the case is one working day late.
  v = await look('2025-11-21');
  t.match(v.own, { dueDate: '2025-11-20', overdue: true, workingDaysLeft: -1 }, 'the case on 11-21');
  t.match(v.listed, { dueDate: '2025-11-20', overdue: true, workingDaysLeft: -1 }, 'the list');
  t.match(v.queued, { dueDate: '2025-11-20', overdue: true }, 'the queue');
  t.ok(v.overdueListed, 'in the overdue filter');
  t.match(v.stats, { overdue: 1, dueThisWeek: 0 }, 'the agency counts it overdue');
  const pub = (await new Caller(fresh.app, undefined).get(`/v1/public/status?registrationNumber=${c.registrationNumber}&accessCode=${c.accessCode}`)).json();
  t.equal(pub.dueDate, '2025-11-20', 'the applicant sees the date the reply was due');
});

t.test('registration numbers continue after the read models are recreated, never restart at 1', async (t) => {
  const fresh = await testApp();
  t.teardown(() => fresh.close());
  const caller = await callerAs(fresh, 'caseworker', 'cw-seq');
  fresh.setNow(at('2025-09-26'));
  const first = await newCase(t, caller, '2025-09-26');
  const second = await newCase(t, caller, '2025-09-26');
  t.same([first.registrationNumber, second.registrationNumber], ['demo-2025-1', 'demo-2025-2']);
  await fresh.project();
  await fresh.db.deleteFrom('registration_sequences').execute(); // the sequence table lost, e.g. a recreated read-model database
  const third = await newCase(t, caller, '2025-09-26');
  t.equal(third.registrationNumber, 'demo-2025-3');
});
