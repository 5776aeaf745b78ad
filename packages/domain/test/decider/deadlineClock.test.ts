import t from 'tap';
import { amendCalendar, builtinCalendars, type CalendarChange } from '@disclosure/calendar';
import { caseEvent, clockEventsDue, deadlineAlerts, deadlineOf, lapsesDue, deadlineRecomputation, DEFAULT_ALERT_THRESHOLDS, evolve, InvalidEventSequence, parseCaseEvent, type CaseEvent, type CaseState } from '@disclosure/domain';
import { actors, cmd, ctx, given, receive, register } from '../support/caseFactory.js';

// Dates worked out by hand from 国办发明电〔2024〕12号: received Fri 2025-09-26, the 20th working day
// is Thu 2025-10-30 (docs/domain.md § worked example); 10-23 leaves 10-24, 27, 28, 29, 30: 5 days.
const R = '2025-09-26';
const DUE = '2025-10-30';
const registered = () => given(receive(R), register(R)).state;
const alerts = (state: CaseState, today: string, thresholds = DEFAULT_ALERT_THRESHOLDS) => deadlineAlerts(state, today, thresholds, ctx);
const fold = (state: CaseState, events: readonly CaseEvent[]) => events.reduce(evolve, state);

t.test('the clock warns a set number of working days ahead (受理一件按时答复一件)', async (t) => {
  const state = registered();
  t.same(alerts(state, '2025-10-22'), [], '6 working days left: nothing yet');
  const five = alerts(state, '2025-10-23');
  t.same(five, [caseEvent('DeadlineApproaching', { dueDate: DUE, workingDaysLeft: 5, threshold: 5, noticedOn: '2025-10-23' })], '5 working days left');
  const warned = fold(state, five);
  t.same(warned.alerts, [{ kind: 'approaching', dueDate: DUE, threshold: 5, noticedOn: '2025-10-23' }], 'the state records the alert');
  t.same(alerts(warned, '2025-10-24'), [], 'not twice for the same threshold and due date');
  t.same(alerts(warned, '2025-10-25'), [], 'a Saturday changes nothing: 4 left, still past the 5-day mark only');
  const one = alerts(warned, '2025-10-29');
  t.same(one, [caseEvent('DeadlineApproaching', { dueDate: DUE, workingDaysLeft: 1, threshold: 1, noticedOn: '2025-10-29' })], 'the day before: the 1-day threshold');
  const both = fold(warned, one);
  t.same(alerts(both, '2025-10-30'), [], 'on the due date (0 left) the 1-day alert already stands');
  const missed = alerts(both, '2025-10-31');
  t.same(missed, [caseEvent('DeadlineMissed', { dueDate: DUE, noticedOn: '2025-10-31' })], 'the day after the due date: missed');
  t.same(alerts(fold(both, missed), '2025-11-03'), [], 'missed once per due date');
});

t.test('a clock that was not running catches up with the tightest threshold only', async (t) => {
  const state = registered();
  t.same(alerts(state, '2025-10-29'), [caseEvent('DeadlineApproaching', { dueDate: DUE, workingDaysLeft: 1, threshold: 1, noticedOn: '2025-10-29' })], 'no 5-day alert after the fact');
  t.same(alerts(state, '2025-10-30'), [caseEvent('DeadlineApproaching', { dueDate: DUE, workingDaysLeft: 0, threshold: 1, noticedOn: '2025-10-30' })]);
  t.same(alerts(state, '2025-11-10'), [caseEvent('DeadlineMissed', { dueDate: DUE, noticedOn: '2025-11-10' })], 'late: only the miss');
  const oneFirst = fold(state, alerts(state, '2025-10-29'));
  t.same(alerts(oneFirst, '2025-10-29', [5, 1]), [], 'a 1-day alert covers the 5-day one');
});

t.test('the thresholds are the caller’s', async (t) => {
  const state = registered();
  // 10 working days before 10-30: 10-17 leaves 20–24 and 27–30 = 9; 10-16 leaves 10.
  t.match(alerts(state, '2025-10-16', [10, 3]), [{ type: 'DeadlineApproaching', data: { threshold: 10, workingDaysLeft: 10 } }]);
  t.same(alerts(state, '2025-10-23', []), [], 'no thresholds: only misses');
  t.match(alerts(state, '2025-10-31', []), [{ type: 'DeadlineMissed' }]);
});

t.test('a due date moved by an extension is warned about again', async (t) => {
  const warned = fold(registered(), alerts(registered(), '2025-10-29'));
  const state = given(receive(R), register(R), cmd('approveExtension', '2025-10-29', { amount: 20, reason: '材料较多' }, actors.supervisor)).state;
  t.equal(deadlineOf(state, ctx).dueDate, '2025-11-27', 'extended by 20 working days (条例 第33条第2款)');
  t.same(alerts({ ...state, alerts: warned.alerts }, '2025-10-30'), [], 'a month left: nothing');
  t.match(alerts({ ...state, alerts: warned.alerts }, '2025-11-26'), [{ type: 'DeadlineApproaching', data: { dueDate: '2025-11-27', threshold: 1 } }], 'the new due date is a new one to warn about');
});

t.test('paused cases are not warned while paused, unless truly late (条例 第33条第3款)', async (t) => {
  const consulting = given(receive(R), register(R), cmd('consultThirdParty', '2025-10-15', { consultationId: 'c1', party: '某公司', question: '是否同意公开' })).state;
  t.equal(consulting.status, 'consulting');
  t.same(alerts(consulting, '2025-10-29'), [], 'the due date moves on every paused working day: no warning');
  t.same(alerts(consulting, '2025-10-31'), [], 'nor late while the pause holds the date ahead of today');
  const lateThenConsulted = given(receive(R), register(R), cmd('consultThirdParty', '2025-11-03', { consultationId: 'c1', party: '某公司', question: '是否同意公开' })).state;
  t.same(alerts(lateThenConsulted, '2025-11-04'), [caseEvent('DeadlineMissed', { dueDate: DUE, noticedOn: '2025-11-04' })], 'a pause begun after the period ran out does not revive it');
});

t.test('closed cases and cases without a due date are never alerted', async (t) => {
  const draft = cmd('submitForReview', '2025-10-09', { outcome: { kind: 'disclosed', provision: { form: 'electronic', location: 'https://example.gov.cn/xxgk/1' } }, draft: '经审查，予以公开。' });
  const replied = given(receive(R), register(R), draft, cmd('approveReply', '2025-10-10', {}, actors.reviewer), cmd('issueReply', '2025-11-05', { delivery: 'email' })).state;
  t.same(alerts(replied, '2025-11-06'), [], 'replied late, but replied: the report counts it late, the clock is silent');
  const withdrawn = given(receive(R), register(R), cmd('withdrawRequest', '2025-10-09', {})).state;
  t.same(alerts(withdrawn, '2025-11-06'), []);
  const correcting = given(receive(R), register(R), cmd('requestCorrection', '2025-09-29', { items: ['文号'], respondBy: '2025-12-20' })).state;
  t.same(alerts(correcting, '2025-11-06'), [], 'awaiting a correction: the period has not begun (条例 第30条)');
});

t.test('an unpaid fee notice lapses by itself after its payment period and a few days for a late-reported payment (国办函〔2020〕109号, FOIA s.9(2))', async (t) => {
  const due = (state: CaseState, today: string, settlement?: number) => clockEventsDue(state, today, DEFAULT_ALERT_THRESHOLDS, ctx, settlement);
  // 20 working days after the notice on Thu 2025-10-09: 10-10, 10-11 (Sat, worked), 10-13…17, 20…24, 27…31, 11-03, 04, 05;
  // abandoned from Thu 11-06; 3 working days to report a payment: 11-06, 07, 10
  const notice = cmd('issueFeeNotice', '2025-10-09', { method: 'per-page', quantity: 40, alreadyCounted: 0 });
  const noticed = given(receive(R), register(R), notice).state;
  const lapse = [caseEvent('FeeLapsed', { lapsedOn: '2025-11-06' })];
  t.same(due(noticed, '2025-11-05'), [], 'the last day to pay: nothing (the clock is paused)');
  t.same(due(noticed, '2025-11-06'), [], 'the period is over, but a payment made on its last day may still be reported');
  t.same(due(noticed, '2025-11-10'), [], 'the third working day after it: still waiting');
  t.same(due(noticed, '2025-11-11'), lapse, 'then the lapse, dated the day the request counts as abandoned (逾期未缴纳的视为放弃申请)');
  t.same(lapsesDue(noticed, '2025-11-06', ctx, 0), lapse, 'with no settlement days, the day after the period');
  t.same(given(receive(R), register(R), notice, cmd('lapseFee', '2025-11-06', {})).events.slice(-1), lapse, 'what lapseFee records by hand that day');
  t.same(given(receive(R), register(R), notice, cmd('lapseFee', '2025-11-20', {})).events.slice(-1), lapse, 'or any day later: the same date');
  t.match(alerts(noticed, '2026-01-15'), [{ type: 'DeadlineMissed' }], 'alerts alone: the fee pause stops counting at the period’s end and the request would fall late');
  t.same(due(noticed, '2026-01-15'), lapse, 'the clock records the lapse instead, however late it runs');
  const closed = fold(noticed, lapse);
  t.equal(closed.status, 'abandoned');
  t.equal(closed.closedOn, '2025-11-06');
  t.same(due(closed, '2026-01-15'), [], 'abandoned: nothing more, ever');
  const paidLate = given(receive(R), register(R), notice, cmd('recordFeePayment', '2025-11-07', { paidOn: '2025-11-05', amount: noticed.fee!.amount, reference: 'BANK-1' })).state;
  t.equal(paidLate.status, 'processing', 'paid on the last day, reported two days later: taken');
  t.same(lapsesDue(paidLate, '2025-11-20', ctx), [], 'paid: no lapse');

  // a notice the day before the due date (Wed 10-29, the 19th working day): paid by Wed 11-26, the 20th day is then
  // Thu 11-27, so the clock, running again, is late from Fri 11-28
  const late = given(receive(R), register(R), cmd('issueFeeNotice', '2025-10-29', { method: 'per-page', quantity: 40, alreadyCounted: 0 })).state;
  t.match(alerts(late, '2025-11-28'), [{ type: 'DeadlineMissed', data: { dueDate: '2025-11-27' } }], 'alerts alone would report it missed the second day after the period');
  t.same(due(late, '2025-11-28'), [], 'the clock reports nothing while a payment may still be reported (11-27, 11-28, 12-01)');
  t.same(due(late, '2025-12-02'), [caseEvent('FeeLapsed', { lapsedOn: '2025-11-27' })], 'and then the lapse, not the miss');

  const uk = given(receive('2025-11-24', { channel: 'email', evidence: { arrivedOn: '2025-11-24' } } as never, 'GB'), register('2025-11-24'), cmd('issueFeeNotice', '2025-11-28', { method: 'per-page', quantity: 40, alreadyCounted: 0, amount: 1200 })).state;
  t.same(lapsesDue(uk, '2026-02-28', ctx, 0), [caseEvent('FeeLapsed', { lapsedOn: '2026-02-28' })], 'three months beginning with Fri 2025-11-28 end on 2026-02-27: not obliged to comply from 02-28');
  t.same(lapsesDue(uk, '2026-03-04', ctx), [], 'recorded after 3 English working days (03-02, 03, 04)…');
  t.same(lapsesDue(uk, '2026-03-05', ctx), [caseEvent('FeeLapsed', { lapsedOn: '2026-02-28' })], '…dated 02-28');

  const us = given(receive('2025-11-24', { channel: 'email', evidence: { arrivedOn: '2025-11-24' } } as never, 'US'), register('2025-11-24'), cmd('issueFeeNotice', '2025-11-28', { method: 'per-page', quantity: 40, alreadyCounted: 0, amount: 120 })).state;
  t.equal(us.status, 'awaitingFee');
  t.same(lapsesDue(us, '2027-01-04', ctx), [], 'a law that sets no payment period: never by itself');
});

t.test('the clock’s events are case events the workflow allows in every open state, and only there', async (t) => {
  const received = given(receive(R)).state;
  const missed = caseEvent('DeadlineMissed', { dueDate: DUE, noticedOn: '2025-10-31' });
  t.equal(evolve(received, missed).alerts.length, 1, 'a case received but not yet registered can fall late too');
  t.same(parseCaseEvent({ type: missed.type, version: 1, data: missed.data }), missed, 'zod-validated like every case event');
  t.throws(() => parseCaseEvent({ type: 'DeadlineMissed', data: { dueDate: '2025-10-32', noticedOn: '2025-10-31' } }), { name: 'ZodError' });
  const archived = given(receive(R), register(R), cmd('withdrawRequest', '2025-10-09', {}), cmd('archiveCase', '2025-10-10', {})).state;
  t.throws(() => evolve(archived, missed), InvalidEventSequence, 'a closed case records no alert');
});

// A made-up 2027 notice (the real one is not out yet): New Year 01-01…01-03 off, Spring Festival
// 02-06…02-14 off, Sat 02-20 worked. CN data covers 2004–2026, so 2027 is counted Mon–Fri until then.
const span = (from: string, to: string, name: string) => {
  const out = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86_400_000) out.push({ date: new Date(d).toISOString().slice(0, 10), name });
  return out;
};
const NOTICE_2027 = { source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic)', years: [{ year: 2027, holidays: [...span('2027-01-01', '2027-01-03', '元旦'), ...span('2027-02-06', '2027-02-14', '春节')], workingDays: [{ date: '2027-02-20', name: '春节' }] }] };
const cn = builtinCalendars().current('CN');
const cn2027 = amendCalendar(cn, NOTICE_2027);
const amended = { calendars: builtinCalendars().with(cn2027, '2026-12-20') };
const change: CalendarChange = { calendarId: 'CN', previousVersion: cn.version, version: cn2027.version, reason: NOTICE_2027.source, inForceFrom: '2026-12-20' };

t.test('a calendar amendment recomputes an open case whose due date it moves', async (t) => {
  // Received Tue 2026-12-15: 12-16…18 (1–3), 21–25 (4–8), 28–31 (9–12); counted Mon–Fri, Fri 2027-01-01
  // is day 13 and Tue 01-12 day 20; with New Year off, Mon 01-04 is day 13 and Wed 01-13 day 20.
  const state = given(receive('2026-12-15'), register('2026-12-15')).state;
  t.match(deadlineOf(state, ctx), { dueDate: '2027-01-12', provisional: true, missingYears: [2027] }, 'provisional before the notice');
  const events = deadlineRecomputation(state, change, '2026-12-20', amended);
  t.same(events, [
    caseEvent('DeadlineRecomputed', {
      calendarId: 'CN',
      previousDueDate: '2027-01-12',
      dueDate: '2027-01-13',
      previousCalendarVersion: cn.version,
      calendarVersion: cn2027.version,
      previousProvisional: true,
      provisional: false,
      missingYears: [],
      reason: NOTICE_2027.source,
      recomputedOn: '2026-12-20',
    }),
  ]);
  const after = fold(state, events);
  t.same(after.recomputations.map((r) => r.dueDate), ['2027-01-13'], 'the history keeps the recomputation');
  t.match(deadlineOf(after, amended), { dueDate: '2027-01-13', provisional: false });
  t.same(deadlineRecomputation(after, change, '2026-12-21', amended), [], 'once per calendar version');
});

t.test('a due date the amendment leaves alone but makes official is recorded too (the provisional flag clears)', async (t) => {
  // Received Mon 2027-01-04, before the notice: Tue 01-05 is day 1 and Mon 02-01 day 20 either way.
  const state = given(receive('2027-01-04'), register('2027-01-04')).state;
  t.match(deadlineRecomputation(state, change, '2027-01-05', amended), [{ data: { previousDueDate: '2027-02-01', dueDate: '2027-02-01', previousProvisional: true, provisional: false } }]);
});

t.test('an amendment changes nothing for cases it does not touch, and closed cases keep their dates', async (t) => {
  t.same(deadlineRecomputation(registered(), change, '2025-10-09', amended), [], 'a 2025 due date');
  const uk = given(receive('2026-12-15', {}, 'GB'), register('2026-12-15')).state;
  t.same(deadlineRecomputation(uk, change, '2026-12-20', amended), [], 'another calendar');
  const draft = cmd('submitForReview', '2026-12-16', { outcome: { kind: 'disclosed', provision: { form: 'electronic', location: 'https://example.gov.cn/xxgk/1' } }, draft: '经审查，予以公开。' });
  const replied = given(receive('2026-12-15'), register('2026-12-15'), draft, cmd('approveReply', '2026-12-17', {}, actors.reviewer), cmd('issueReply', '2026-12-18', { delivery: 'email' })).state;
  t.same(deadlineRecomputation(replied, change, '2026-12-20', amended), [], 'replied before the notice');
  t.match(deadlineOf(replied, amended), { dueDate: '2027-01-12', provisional: true }, 'a clock stopped before the amendment keeps the version it counted with');
  const repliedLater = given(receive('2026-12-15'), register('2026-12-15'), draft, cmd('approveReply', '2026-12-17', {}, actors.reviewer), cmd('issueReply', '2026-12-21', { delivery: 'email' })).state;
  t.match(deadlineOf(repliedLater, amended), { dueDate: '2027-01-13', provisional: false }, 'one stopped after it counts with the new version');
});
