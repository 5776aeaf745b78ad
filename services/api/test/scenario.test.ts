import t from 'tap';
import { testApp, receiveBody } from './support/testApp.js';
import { at, Caller, callerAs, ok } from './support/http.js';
import { partlyDisclosed } from './support/factories.js';

/*
 * One request from receipt to the applicant's rating, over HTTP, with the reply clock checked after
 * every step against dates worked out by hand from 条例 第30–33条 and the State Council's 2025
 * holiday notice (国庆节、中秋节: 10-01…10-08 off; Sun 09-28 and Sat 10-11 are working days).
 *
 * Working days around the case (✓ counted, – not):
 *   Fri 09-26 day 0 · Sat 09-27 – · Sun 09-28 ✓ (调休) · Mon 09-29 ✓ · Tue 09-30 ✓ · 10-01…10-08 – (holiday)
 *   Thu 10-09 ✓ · Fri 10-10 ✓ · Sat 10-11 ✓ (调休) · Sun 10-12 – · then Mon–Fri; no holiday in Nov/Dec 2025.
 */

t.test('a registered-post request, corrected, consulted, extended, reviewed, partly disclosed, archived and rated', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const caseworker = await callerAs(app, 'caseworker', 'cw-wang');
  const reviewer = await callerAs(app, 'reviewer', 'rv-zhao');
  const supervisor = await callerAs(app, 'supervisor', 'sv-chen');
  const applicant = new Caller(app.app, undefined);
  let caseId = '';
  let registrationNumber = '';
  let accessCode = '';

  /** The case as its agency sees it, and as the applicant sees it on the public status page. */
  const check = async (step: string, expected: { status: string; dueDate: string | null; clock: string; publicStatus?: string; publicDueDate?: string | null }) => {
    const c = ok(t, await caseworker.get(`/v1/cases/${caseId}`), `${step}: read the case`);
    t.equal(c.status, expected.status, `${step}: the case is ${expected.status}`);
    t.equal(c.deadline.dueDate, expected.dueDate, `${step}: due ${expected.dueDate}`);
    t.equal(c.deadline.status, expected.clock, `${step}: the clock is ${expected.clock}`);
    t.equal(c.deadline.provisional, false, `${step}: official calendar data`);
    if (expected.publicStatus === undefined) return c;
    await app.project();
    const s = ok(t, await applicant.get(`/v1/public/status?registrationNumber=${registrationNumber}&accessCode=${accessCode}`), `${step}: public status`);
    t.equal(s.status, expected.publicStatus, `${step}: the applicant sees "${expected.publicStatus}"`);
    t.equal(s.dueDate, expected.publicDueDate === undefined ? expected.dueDate : expected.publicDueDate, `${step}: the applicant sees the due date`);
    t.equal(s.receivedOn, '2025-09-26', `${step}: received on the day the agency signed for the letter`);
    return c;
  };

  // Fri 09-26: the letter is signed for (条例 第31条: registered post is received the day the agency signs for it).
  // Day 1 is Sun 09-28 (调休), 09-29, 09-30, then 10-09, 10-10, 10-11 (调休) = 6; 10-13…10-17 = 11;
  // 10-20…10-24 = 16; 10-27, 10-28, 10-29, 10-30 = 20 → due Thu 2025-10-30 (第33条: 20 working days).
  app.setNow(at('2025-09-26'));
  const created = await caseworker.post('/v1/cases', receiveBody('2025-09-26'));
  t.equal(created.statusCode, 201);
  caseId = created.json().caseId;
  t.equal(created.json().receivedOn, '2025-09-26');
  await check('received', { status: 'received', dueDate: '2025-10-30', clock: 'running' });

  // Registered the same day (登记): a number and an access code for the applicant; nothing changes the clock.
  const registered = ok(t, await caseworker.command(caseId, 'registerRequest', {}), 'register');
  registrationNumber = registered.registrationNumber;
  accessCode = registered.accessCode;
  t.equal(registrationNumber, 'demo-2025-1', 'the agency’s first number of 2025');
  t.match(accessCode, /^[A-Z2-9]{10}$/);
  await check('registered', { status: 'processing', dueDate: '2025-10-30', clock: 'running', publicStatus: 'processing' });

  // Mon 09-29: the request is unclear; a correction notice (第30条) goes out on working day 2 of the 7 allowed.
  // While the applicant corrects it no due date runs: the corrected request starts a new period.
  app.setNow(at('2025-09-29'));
  ok(t, await caseworker.command(caseId, 'requestCorrection', { items: ['请写明所需文件的年份与发文机关'], respondBy: '2025-10-24' }), 'request correction');
  await check('correction requested', { status: 'awaitingCorrection', dueDate: null, clock: 'awaiting-correction', publicStatus: 'awaiting-correction' });

  // Fri 10-10: the corrected request arrives. The count restarts from it (第30条: 答复期限自行政机关收到补正的申请之日起计算):
  // day 0 = Fri 10-10; day 1 = Sat 10-11 (调休); 10-13…10-17 = 6; 10-20…10-24 = 11; 10-27…10-31 = 16;
  // 11-03, 11-04, 11-05, 11-06 = 20 → due Thu 2025-11-06.
  app.setNow(at('2025-10-10'));
  ok(t, await caseworker.command(caseId, 'receiveCorrection', { receivedOn: '2025-10-10', summary: '补正：2024年度，区自然资源局制作' }), 'receive correction');
  await check('corrected', { status: 'processing', dueDate: '2025-11-06', clock: 'running', publicStatus: 'processing' });
  const explained = ok(t, await caseworker.get(`/v1/cases/${caseId}/deadline`), 'deadline explained');
  const day = (d: string) => (explained.explanation as { date: string; counted: boolean; ordinal?: number; reason: string }[]).find((x) => x.date === d);
  t.match(day('2025-10-10'), { counted: false, reason: 'restart-day' }, 'the corrected request’s receipt day is day 0');
  t.match(day('2025-10-11'), { counted: true, ordinal: 1, reason: 'make-up-working-day' }, 'Saturday 10-11 is a working day (调休) and day 1');
  t.match(day('2025-10-12'), { counted: false, reason: 'weekend' });
  t.match(day('2025-11-06'), { counted: true, ordinal: 20 });

  // Wed 10-15: a third party's rights are affected (第32条); the letter is sent and delivered the same day.
  // The notice day is day 0 of the pause: nothing is paused yet, the due date stands, the clock is paused.
  app.setNow(at('2025-10-15'));
  ok(t, await caseworker.command(caseId, 'consultThirdParty', { consultationId: 'tp-1', party: '某某房地产开发有限公司', question: '是否同意公开涉及贵公司的补偿协议？', sentOn: '2025-10-15', deliveredOn: '2025-10-15' }), 'consult');
  await check('third party consulted', { status: 'consulting', dueDate: '2025-11-06', clock: 'paused', publicStatus: 'processing' });

  // Wed 10-22: the third party answers. Paused (第33条第3款: 征求意见所需时间不计算在期限内): the working days after
  // the notice day up to and including the answer day: 10-16, 10-17, 10-20, 10-21, 10-22 = 5.
  // 11-06 + 5 working days: 11-07, 11-10, 11-11, 11-12, 11-13 → due Thu 2025-11-13.
  app.setNow(at('2025-10-22'));
  ok(t, await caseworker.command(caseId, 'recordConsultationAnswer', { consultationId: 'tp-1', answeredOn: '2025-10-22', opinion: 'objection', summary: '不同意公开个人信息部分' }), 'answer');
  const answered = await check('consultation answered', { status: 'processing', dueDate: '2025-11-13', clock: 'running', publicStatus: 'processing' });
  t.equal(answered.deadline.pausedDays, 5);

  // Mon 11-10, before the due date: the head of the OGI office (supervisor) approves an extension of 20 working
  // days (第33条第2款), counted on from 11-13: 11-14 = 1; 11-17…11-21 = 6; 11-24…11-28 = 11; 12-01…12-05 = 16;
  // 12-08, 12-09, 12-10, 12-11 = 20 → due Thu 2025-12-11.
  app.setNow(at('2025-11-10'));
  ok(t, await supervisor.command(caseId, 'approveExtension', { amount: 20, reason: '需要调取档案馆纸质档案', applicantNotifiedOn: '2025-11-10' }), 'extension');
  const extended = await check('extended', { status: 'processing', dueDate: '2025-12-11', clock: 'running', publicStatus: 'processing' });
  t.equal(extended.deadline.periodEndsOn, '2025-11-13', 'the period itself still ends 11-13');
  t.equal(extended.deadline.extension, 20);
  const extendedDays = ok(t, await caseworker.get(`/v1/cases/${caseId}/deadline`), 'deadline after extension').explanation as { date: string; ordinal?: number; part?: string; reason: string }[];
  t.match(extendedDays.find((d) => d.date === '2025-10-20'), { counted: false, reason: 'paused' }, 'a consultation day is shown as paused');
  t.match(extendedDays.find((d) => d.date === '2025-11-13'), { ordinal: 20, part: 'period' });
  t.match(extendedDays.find((d) => d.date === '2025-11-14'), { ordinal: 21, part: 'extension' });
  t.match(extendedDays.at(-1), { date: '2025-12-11', ordinal: 40, part: 'extension' });

  // Tue 11-18: the draft goes to review (审核) and comes back with reasons; the clock runs on regardless.
  app.setNow(at('2025-11-18'));
  ok(t, await caseworker.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: '答复书（初稿）' }), 'submit');
  await check('in review', { status: 'inReview', dueDate: '2025-12-11', clock: 'running', publicStatus: 'processing' });
  ok(t, await reviewer.command(caseId, 'returnReply', { reasons: ['请写明不予公开部分的理由（第37条）'] }), 'return');
  await check('review returned', { status: 'processing', dueDate: '2025-12-11', clock: 'running', publicStatus: 'processing' });

  // Wed 11-19: resubmitted and approved by a reviewer other than the author.
  app.setNow(at('2025-11-19'));
  ok(t, await caseworker.command(caseId, 'submitForReview', { outcome: partlyDisclosed(), draft: '答复书（修改稿）：涉及第三方个人信息部分不予公开' }), 'resubmit');
  ok(t, await reviewer.command(caseId, 'approveReply', { note: '同意' }), 'approve');
  await check('review approved', { status: 'approved', dueDate: '2025-12-11', clock: 'running', publicStatus: 'processing' });

  // Thu 11-20: partly disclosed (部分公开), saying what was withheld and why (第37条), 15 working days early.
  // The clock stops; the applicant no longer sees a due date, but the reply date and outcome.
  app.setNow(at('2025-11-20'));
  const replied = ok(t, await caseworker.command(caseId, 'issueReply', { delivery: 'email' }), 'reply');
  t.match(replied.reply, { givenOn: '2025-11-20', outcome: { kind: 'partly-disclosed', withheld: [{ what: '被征收户的姓名与身份证号', ground: 'third-party-rights' }] } });
  await check('replied', { status: 'replied', dueDate: '2025-12-11', clock: 'stopped', publicStatus: 'replied', publicDueDate: null });
  const publicReply = ok(t, await applicant.get(`/v1/public/status?registrationNumber=${registrationNumber}&accessCode=${accessCode}`), 'public after reply');
  t.match(publicReply, { repliedOn: '2025-11-20', outcome: 'partly-disclosed' });
  t.notOk(/王小明|110101199001011234|13912345678|cw-wang/.test(JSON.stringify(publicReply)), 'the public page shows no names or contact data');

  // Fri 11-21: archived (归档).
  app.setNow(at('2025-11-21'));
  const archived = ok(t, await caseworker.command(caseId, 'archiveCase', {}), 'archive');
  t.equal(archived.archivedOn, '2025-11-21');
  await check('archived', { status: 'archived', dueDate: '2025-12-11', clock: 'stopped', publicStatus: 'replied', publicDueDate: null });

  // Mon 11-24: the applicant rates the reply through the public page (可评价), with the access code.
  app.setNow(at('2025-11-24'));
  const rated = await applicant.post('/v1/public/rating', { registrationNumber, accessCode, rating: 'satisfied', comment: '答复及时' });
  t.equal(rated.statusCode, 202, rated.body);
  const final = await check('rated', { status: 'archived', dueDate: '2025-12-11', clock: 'stopped', publicStatus: 'replied', publicDueDate: null });
  t.match(final.rating, { rating: 'satisfied', comment: '答复及时', ratedOn: '2025-11-24' });
  t.equal(final.deadline.overdue, false);

  // The agency's figures count it as replied on time, partly disclosed (受理一件按时答复一件).
  const stats = ok(t, await supervisor.get('/v1/agency/stats'), 'stats');
  t.match(stats, { received: 1, open: 0, replies: 1, onTimeRate: 1, repliesByOutcome: { partlyDisclosed: 1 } });
});
