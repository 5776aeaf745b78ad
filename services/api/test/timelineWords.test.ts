import t from 'tap';
import { strFromU8, unzipSync } from 'fflate';
import { BUILTIN_PROFILES } from '@disclosure/calendar';
import { CASE_EVENT_TYPES, type CaseEventData, type CaseEventType } from '@disclosure/domain';
import { describeEvent, timelineWords } from '../src/audit/export/eventWords.js';
import { testApp, receiveBody } from './support/testApp.js';
import { callerAs, ok } from './support/http.js';
import { commandBody, UK_COUNCIL } from './support/factories.js';

/*
 * An auditor reads a case's timeline in the words of the law it was handled under: a request the
 * 2008 条例 governs cites that text's articles (which are numbered differently, and lack some rules
 * the 2019 revision added), and a case under another country's Act reads in English with its
 * sections — not in Chinese with 条例 citations.
 */

const who = { id: 'staff-1', name: 'Staff One' };
/** One event of every type, with ASCII data, so that any CJK in an English line is ours. */
const SAMPLES: { readonly [T in CaseEventType]: CaseEventData<T> } = {
  RequestReceived: {
    caseId: '00000000-0000-4000-8000-000000000002',
    agency: 'demo',
    jurisdiction: 'CN',
    profileId: 'CN-2019',
    channel: 'email',
    evidence: { arrivedOn: '2025-12-18', platform: 'government-system', sourceSystem: 'portal', sourceReference: 'P-1' },
    receivedOn: '2025-12-18',
    applicant: { kind: 'natural-person', name: 'Jane Doe' },
    request: { description: 'the 2024 budget', writtenDownFromOralRequest: true },
  },
  RequestRegistered: { registrationNumber: 'demo-2025-1', accessCodeDigest: 'a'.repeat(64), registeredOn: '2025-12-18' },
  CaseAssigned: { assignee: who },
  CorrectionRequested: { noticeOn: '2025-12-19', items: ['the year'], respondBy: '2026-01-05' },
  CorrectionReceived: { receivedOn: '2025-12-22', summary: 'the year 2024' },
  CorrectionLapsed: { lapsedOn: '2026-01-06' },
  ThirdPartyConsulted: { consultationId: 'tp-1', party: 'Acme Ltd', noticeOn: '2025-12-22', deliveredOn: '2025-12-23', question: 'May we disclose the contract?' },
  AgencyConsulted: { consultationId: 'ag-1', agency: 'Treasury', basis: 'co-produced', noticeOn: '2025-12-22', deliveredOn: '2025-12-23', question: 'Joint paper: may we disclose it?' },
  ConsultationAnswered: { consultationId: 'tp-1', answeredOn: '2025-12-29', opinion: 'objection', summary: 'Trade secrets.' },
  ConsultationLapsed: { consultationId: 'ag-1', lapsedOn: '2026-01-13', consequence: 'deemed-consent' },
  FeeNoticeIssued: { noticeOn: '2025-12-22', method: 'per-page', quantity: 120, alreadyCounted: 0, amount: 1100, currency: 'GBP' },
  FeePaid: { paidOn: '2025-12-23', amount: 1100, reference: 'FEE-1' },
  FeeLapsed: { lapsedOn: '2026-01-22' },
  ExtensionApproved: { kind: 'statutory', approvedOn: '2026-01-10', amount: 20, approver: who, reason: 'archives', applicantNotifiedOn: '2026-01-10' },
  CaseReferred: { toAgency: 'other', scope: 'part', part: 'payroll', reason: 'theirs', referredOn: '2025-12-22' },
  CaseLinked: { linkedCaseId: '00000000-0000-4000-8000-000000000001', linkedAgency: 'other', relation: 'referred-to' },
  ReferralRefused: { toAgency: 'other', problem: 'no-profile', detail: 'no profile applies on that day', noticedOn: '2025-12-22' },
  RequestWithdrawn: { withdrawnOn: '2026-01-02', reason: 'found it' },
  ReplySubmittedForReview: { outcome: { kind: 'withheld', ground: 'third-party-rights', reason: 'personal data' }, draft: 'draft', submittedBy: who },
  ReplyApproved: { reviewer: who, note: 'fine' },
  ReplyReturned: { reviewer: who, reasons: ['cite the exemption'] },
  ReplyIssued: { outcome: { kind: 'partly-disclosed', provision: { form: 'electronic' }, withheld: [{ what: 'names', ground: 'third-party-rights', reason: 'personal data' }] }, delivery: 'email', givenOn: '2026-01-15' },
  CaseArchived: { archivedOn: '2026-01-20' },
  AppealOutcomeRecorded: { kind: 'reconsideration', result: 'upheld', reference: 'IR-1', decidedOn: '2026-03-01' },
  ApplicantRatingRecorded: { rating: 'satisfied', comment: 'quick', ratedOn: '2026-01-16' },
  SupervisionInstructed: { instructionId: 'ins-1', instruction: 'answer this week', supervisor: who, respondBy: '2026-01-09' },
  SupervisionAnswered: { instructionId: 'ins-1', answer: 'done' },
  DeadlineOverridden: { dueDate: '2026-02-27', reason: 'volume', approver: who, applicantNotifiedOn: '2026-01-09' },
  DeadlineApproaching: { dueDate: '2026-01-16', workingDaysLeft: 5, threshold: 5, noticedOn: '2026-01-09' },
  DeadlineMissed: { dueDate: '2026-01-16', noticedOn: '2026-01-19' },
  DeadlineRecomputed: {
    calendarId: 'CN',
    previousDueDate: '2026-01-16',
    dueDate: '2026-01-19',
    previousCalendarVersion: 'v1',
    calendarVersion: 'v2',
    previousProvisional: true,
    provisional: false,
    missingYears: [],
    reason: 'notice',
    recomputedOn: '2026-01-05',
  },
};

t.test('every event type has words under every law: a name and a sentence, not the stored JSON', async (t) => {
  t.same(Object.keys(SAMPLES).sort(), [...CASE_EVENT_TYPES].sort(), 'one sample per event type');
  for (const profile of BUILTIN_PROFILES) {
    const words = timelineWords(profile.id);
    for (const type of CASE_EVENT_TYPES) {
      const { name, words: line } = describeEvent(type, SAMPLES[type], words);
      t.not(name, type, `${profile.id} ${type}: named`);
      t.not(line, JSON.stringify(SAMPLES[type]), `${profile.id} ${type}: told`);
    }
  }
});

t.test('a case under the 2008 条例 cites its articles (第20–28条), never the 2019 revision’s', async (t) => {
  const words = timelineWords('CN-2008');
  const all = CASE_EVENT_TYPES.map((type) => describeEvent(type, SAMPLES[type], words).words).join('\n');
  t.notMatch(all, /(?<!2008年)条例 第/, 'every article is the 2008 text’s');
  t.notMatch(all, /第(29|[3-9]\d)条/, 'no article past 第28条: the 2008 text has none that applies here');
  t.notMatch(all, /109号/, 'no 2020 fee rules');
  const line = (type: CaseEventType) => describeEvent(type, SAMPLES[type], words).words;
  t.match(line('ExtensionApproved'), '延长答复期限 20 个工作日', 'the amount as recorded');
  t.match(line('ExtensionApproved'), '（2008年条例 第24条第2款）');
  t.match(line('ThirdPartyConsulted'), '2008年条例 第23条');
  t.match(line('ThirdPartyConsulted'), '征求意见的时间不计入答复期限（2008年条例 第24条第3款）');
  t.match(line('AgencyConsulted'), '征求意见的时间计入答复期限（2008年条例无扣除规定）', 'consulting another agency did not stop the 2008 clock');
  t.match(line('ReplyIssued'), '（2008年条例 第21条）');
  t.match(line('CaseReferred'), '（2008年条例 第21条(三)）');
  t.match(line('RequestReceived'), '（口头申请，由工作人员代为填写，2008年条例 第20条）');
  t.match(line('CorrectionReceived'), '2008年条例 第21条(四)；重新计算为本系统对实践的理解', 'the restart is our reading, and says so');
  t.equal(line('RequestRegistered'), '登记编号 demo-2025-1，登记日 2025-12-18。', 'no article required registration in 2008');
  t.match(line('DeadlineMissed'), '（2008年条例 第24条）');
});

t.test('a case under the 2019 条例 keeps its articles and says which pauses stop the clock', async (t) => {
  const words = timelineWords('CN-2019');
  const line = (type: CaseEventType) => describeEvent(type, SAMPLES[type], words).words;
  const all = CASE_EVENT_TYPES.map(line).join('\n');
  t.notMatch(all, /2008年/);
  t.match(line('RequestReceived'), '收到申请之日为 2025-12-18（条例 第31条）');
  t.match(line('AgencyConsulted'), '共同制作的信息，条例 第34条');
  t.match(line('AgencyConsulted'), '征求意见的时间不计入答复期限（条例 第33条第3款）');
  t.match(line('ExtensionApproved'), '（条例 第33条第2款）');
  t.match(line('CorrectionRequested'), '一次性告知申请人补正（条例 第30条）');
  t.match(line('CorrectionLapsed'), '视为放弃申请（条例 第30条）');
  t.match(describeEvent('ConsultationLapsed', { ...SAMPLES.ConsultationLapsed, consequence: 'agency-decides' }, words).words, '期满未答复：由行政机关决定是否公开。', 'no third-party article for a silent agency');
  t.match(line('RequestRegistered'), '（条例 第45条）');
});

t.test('a case under another country’s Act reads in English, cites its sections and counts in its units', async (t) => {
  for (const profile of BUILTIN_PROFILES.filter((p) => p.jurisdiction !== 'CN')) {
    const words = timelineWords(profile.id);
    t.equal(words.lang, 'en');
    const all = CASE_EVENT_TYPES.map((type) => describeEvent(type, { ...SAMPLES[type], ...(type === 'ExtensionApproved' ? { kind: profile.extensions[0]!.kind } : {}) }, words).words).join('\n');
    t.notMatch(all, /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/, `${profile.id}: no Chinese`);
  }
  const line = (profileId: string, type: CaseEventType, data: object = {}) => describeEvent(type, { ...SAMPLES[type], ...data }, timelineWords(profileId)).words;
  t.match(line('UK-FOIA', 'RequestReceived'), 'date of receipt 2025-12-18 (s.10(6))');
  t.match(line('UK-FOIA', 'ExtensionApproved', { kind: 'public-interest-test' }), 'extended by 20 working days (public-interest-test)');
  t.match(line('UK-FOIA', 'ExtensionApproved', { kind: 'public-interest-test' }), '(s.10(3) and s.17(2))');
  t.match(line('IE-FOI', 'ExtensionApproved', { kind: 'voluminous', amount: 4 }), 'extended by 4 weeks', 'the Irish Act extends in weeks');
  t.match(line('AU-FOI', 'ExtensionApproved', { kind: 'agreed', amount: 30 }), 'extended by 30 days (agreed)');
  t.match(line('AU-FOI', 'ExtensionApproved', { kind: 'agreed', amount: 30 }), '(s.15AA)', 'the extension of the kind used, not the first');
  t.match(line('UK-FOIA', 'FeeNoticeIssued'), 'The days until the fee is paid are not counted (s.10(2))');
  t.match(line('UK-FOIA', 'FeeLapsed'), 'the fee was not paid in time; the request is no longer processed (s.9(2)).', 'three months from the notice');
  t.match(line('US-FOIA', 'CorrectionReceived'), 'The clock runs again from this day (552(a)(6)(A)(ii)(I))', 'a toll under FOIA');
  t.match(line('UK-FOIA', 'CorrectionReceived'), 'The time limit counts again from this day (s.1(3))', 'a new date of receipt under FOIA 2000');
  t.match(line('UK-FOIA', 'ThirdPartyConsulted'), 'This does not pause the clock: s.45 code of practice: consultation does not extend the time for compliance.');
  t.match(line('AU-FOI', 'AgencyConsulted'), 'This does not pause the clock: consultation extends the period (s.15(6)) rather than pausing it.');
  t.match(line('US-FOIA', 'DeadlineOverridden'), 'told on 2026-01-09 (552(a)(6)(B)(ii)). Reason: volume', 'an alternative time frame arranged with the requester');
  t.match(line('US-FOIA', 'ReplyIssued'), 'Outcome: partly disclosed; withheld: names (third party rights: personal data)');
  t.match(line('US-FOIA', 'DeadlineMissed'), '(552(a)(6)(A)(i))');
  t.match(line('IE-FOI', 'DeadlineOverridden'), 'told on 2026-01-09 (the agency\'s own decision: no rule of Act No. 30 of 2014 provides for it)');
});

t.test('the export of a 2008 case and of a UK council’s case: each in its own law’s words', async (t) => {
  const app = await testApp({ agencies: [UK_COUNCIL] });
  t.teardown(() => app.close());
  const au = await callerAs(app, 'auditor');
  const timelineOf = async (caller: typeof au, caseId: string) => {
    const res = await caller.get(`/v1/cases/${caseId}/export`);
    t.equal(res.statusCode, 200, 'export');
    return strFromU8(unzipSync(new Uint8Array(res.rawPayload))['timeline.html']!);
  };

  // received Fri 2019-05-10, before the 2019 条例 came into force: 15 working days (2008年条例 第24条第2款)
  app.setNow('2019-05-10T02:00:00Z');
  const cw = await callerAs(app, 'caseworker');
  const sv = await callerAs(app, 'supervisor');
  const received = ok(t, await cw.post('/v1/cases', receiveBody('2019-05-10', { evidence: { arrivedOn: '2019-05-10' } })), 'received under 2008');
  const caseId = received.caseId as string;
  ok(t, await cw.command(caseId, 'registerRequest', {}), 'register');
  app.setNow('2019-05-13T02:00:00Z');
  ok(t, await cw.command(caseId, 'consultAgency', commandBody('consultAgency', '2019-05-13')), 'consult another agency');
  ok(t, await sv.command(caseId, 'approveExtension', { ...commandBody('approveExtension', '2019-05-13'), amount: 15 }), 'extend by 15');
  const html = await timelineOf(au, caseId);
  t.match(html, '<html lang="zh-CN">');
  t.match(html, '中华人民共和国政府信息公开条例（2008年）（国务院令第492号）', 'the law it was handled under');
  t.match(html, '收到申请之日为 2019-05-10（2008年条例 第24条）');
  t.match(html, '延长答复期限 15 个工作日');
  t.match(html, '（2008年条例 第24条第2款）');
  t.match(html, '征求意见的时间计入答复期限（2008年条例无扣除规定）');
  t.notMatch(html, /(?<!2008年)条例 第/, 'no article of the 2019 revision');

  // a UK council's case: FOIA 2000, in English
  app.setNow('2025-12-19T15:00:00Z');
  const ukCw = await callerAs(app, 'caseworker', 'uk-cw', UK_COUNCIL.id);
  const ukAu = await callerAs(app, 'auditor', 'uk-au', UK_COUNCIL.id);
  const ukCase = ok(
    t,
    await ukCw.post('/v1/cases', { channel: 'email', evidence: { arrivedOn: '2025-12-19' }, applicant: { kind: 'natural-person', name: 'Jane Doe', email: 'jane@example.org' }, request: { description: 'Parking fines 2024' } }),
    'received by the council',
  );
  ok(t, await ukCw.command(ukCase.caseId as string, 'registerRequest', {}), 'register');
  const uk = await timelineOf(ukAu, ukCase.caseId as string);
  t.match(uk, '<html lang="en">');
  t.match(uk, '<h1>Information request: case timeline</h1>');
  t.match(uk, 'Freedom of Information Act 2000 (FOIA 2000 c.36)');
  t.match(uk, 'Received by email; date of receipt 2025-12-19 (s.10(6)). Applicant: Jane Doe (individual).');
  t.match(uk, 'intact: the hash chain of 2 events checks out');
  t.notMatch(uk, /条例|收到申请/, 'no Chinese words of ours');
});
