import t from 'tap';
import fc from 'fast-check';
import { AU_FOI, builtinCalendars, CN_2019, fromEpochDay, toEpochDay, UK_FOIA } from '@disclosure/calendar';
import { computeDeadline, deadlineStanding, overdueFrom, type ClockFacts, type Pause } from '@disclosure/domain';

const cn = builtinCalendars().current('CN');
const FROM = toEpochDay('2005-01-01');
const TO = toEpochDay('2026-06-30');

const pauseArb = fc.record({ startsAfter: fc.integer({ min: 0, max: 40 }), length: fc.integer({ min: 0, max: 15 }) });
const caseArb = fc.record({
  received: fc.integer({ min: FROM, max: TO }),
  pauses: fc.array(pauseArb, { maxLength: 3 }),
  extension: fc.integer({ min: 0, max: 20 }),
});

function facts(c: { received: number; pauses: { startsAfter: number; length: number }[]; extension: number }): ClockFacts {
  const receivedOn = fromEpochDay(c.received);
  const pauses: Pause[] = c.pauses.map((p, i) => {
    const from = fromEpochDay(c.received + p.startsAfter);
    return { id: `c${i}`, kind: 'third-party-consultation', label: `c${i}`, citation: '条例 第33条第3款', from, to: cn.addWorkingDays(from, p.length).date };
  });
  return { profileId: 'CN-2019', receivedOn, countFrom: receivedOn, awaitingCorrection: false, pauses, extensions: c.extension ? [{ kind: 'statutory', amount: c.extension, approvedOn: receivedOn }] : [] };
}

const deadline = (f: ClockFacts) => computeDeadline(f, { profile: CN_2019, calendar: cn });

t.test('a due date is always a working day', async (t) => {
  fc.assert(fc.property(caseArb, (c) => cn.isWorkingDay(deadline(facts(c)).dueDate!)), { numRuns: 2000 });
  t.pass();
});

t.test('more paused time never makes the due date earlier', async (t) => {
  fc.assert(
    fc.property(caseArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 10 }), (c, which, more) => {
      fc.pre(c.pauses.length > which);
      const longer = { ...c, pauses: c.pauses.map((p, i) => (i === which ? { ...p, length: p.length + more } : p)) };
      return deadline(facts(longer)).dueDate! >= deadline(facts(c)).dueDate!;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('working days from receipt to due date = period + extension + paused days', async (t) => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const d = deadline(facts(c));
      return cn.workingDaysBetween(d.countFrom, d.dueDate!).days === 20 + c.extension + d.pausedDays;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

t.test('the explanation counts exactly period + extension days and ends on the due date', async (t) => {
  fc.assert(
    fc.property(caseArb, (c) => {
      const d = computeDeadline(facts(c), { profile: CN_2019, calendar: cn, explain: true });
      const days = d.explanation!;
      return days.filter((x) => x.counted).length === 20 + c.extension && days.at(-1)!.date === d.dueDate && days.filter((x) => x.reason === 'paused').length === d.pausedDays;
    }),
    { numRuns: 500 },
  );
  t.pass();
});

const openPauseArb = fc.record({
  received: fc.integer({ min: FROM, max: TO }),
  noticeAfter: fc.integer({ min: 0, max: 40 }),
  limit: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  inMonths: fc.boolean(),
  /** An approved later date (第35条), days after receipt: the due date is the later of it and the law's. */
  override: fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined }),
  closedPauses: fc.array(pauseArb, { maxLength: 2 }),
  extension: fc.integer({ min: 0, max: 20 }),
  todayAfterNotice: fc.integer({ min: 0, max: 80 }),
});

const PROFILES = [CN_2019, UK_FOIA, AU_FOI] as const; // working days; notice day disregarded (s.10(2)); calendar days
t.test('overdueFrom, stored once, answers "overdue today?" exactly as the clock computed that day does (overrides and lapses in months too)', async (t) => {
  fc.assert(
    fc.property(openPauseArb, fc.constantFrom(...PROFILES), fc.boolean(), (c, profile, noticeDay) => {
      const calendar = builtinCalendars().current(profile.calendarId);
      const base = { ...facts({ received: c.received, pauses: c.closedPauses, extension: c.extension }), profileId: profile.id };
      const from = fromEpochDay(c.received + c.noticeAfter);
      const open: Pause = { id: 'open', kind: 'fee', label: 'fee', citation: 'fees', from, ...(noticeDay ? { includesNoticeDay: true as const } : {}), ...(c.limit ? { lapseAfter: c.inMonths ? { amount: 1 + (c.limit % 3), unit: 'months' as const } : { amount: c.limit, unit: 'working-days' as const } } : {}) };
      const f: ClockFacts = { ...base, pauses: [...base.pauses, open], ...(c.override ? { override: { dueDate: fromEpochDay(c.received + c.override), reason: 'later' } } : {}) };
      const today = fromEpochDay(c.received + c.noticeAfter + c.todayAfterNotice);
      const first = overdueFrom(f, { profile, calendar });
      const late = deadlineStanding(computeDeadline(f, { profile, calendar, asOf: today }), today, calendar).overdue;
      return late === (first !== null && first <= today);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

t.test('without an open pause, overdueFrom is the day after the due date and working days left count down to it', async (t) => {
  fc.assert(
    fc.property(caseArb, fc.integer({ min: 0, max: 60 }), (c, after) => {
      const f = facts(c);
      const d = deadline(f);
      const today = fromEpochDay(c.received + after);
      const s = deadlineStanding(d, today, cn);
      return overdueFrom(f, { profile: CN_2019, calendar: cn }) === fromEpochDay(toEpochDay(d.dueDate!) + 1) && s.workingDaysLeft === cn.workingDaysBetween(today, d.dueDate!).days && s.overdue === today > d.dueDate!;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});
