import t from 'tap';
import { amendCalendar, builtinCalendars, ConflictingCalendarEntry, type WorkingDayCalendar } from '@disclosure/calendar';
import { aSynthetic2027Notice, entry, holidaySpan } from '../support/factories.js';
import { datesFromTo, NOTICE_2026, workingPerNotice } from '../support/officialNotices.js';

const cn = builtinCalendars().current('CN');
const usFed = builtinCalendars().current('US-FED');
const notice2027 = { source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic)', years: [aSynthetic2027Notice()] };

/** A calendar's answers to a fixed set of questions, to compare before and after. */
const answers = (c: WorkingDayCalendar) => ({
  version: c.version,
  due: c.addWorkingDays('2026-12-15', 20),
  between: c.workingDaysBetween('2026-12-20', '2027-02-28'),
  days: datesFromTo('2026-12-25', '2027-02-28').map((d) => c.describeDay(d)),
  official2027: c.hasOfficialYear(2027),
});

t.test('given the 2027 notice is published and loaded', async (t) => {
  const before = answers(cn);
  const cn2027 = amendCalendar(cn, notice2027);

  t.test('then the result is a new calendar version with the same id', async (t) => {
    t.not(cn2027.version, cn.version);
    t.equal(cn2027.id, 'CN');
    t.match(cn2027.data.source, /2027年部分节假日安排/);
  });
  t.test('then a count into 2027 is no longer provisional and follows the notice', async (t) => {
    // Without New Year 01-01…01-03, day 13 becomes Mon 01-04 and day 20 Wed 01-13.
    t.same(cn2027.addWorkingDays('2026-12-15', 20), { date: '2027-01-13', provisional: false, missingYears: [] });
    t.ok(cn2027.hasOfficialYear(2027));
    t.same(cn2027.describeDay('2027-02-20'), { date: '2027-02-20', working: true, kind: 'make-up-working-day', name: '春节', official: true });
    t.match(cn2027.describeDay('2027-02-08'), { working: false, kind: 'public-holiday', name: '春节' });
  });
  t.test('then 2028 is still provisional', async (t) => {
    t.same(cn2027.addWorkingDays('2027-12-20', 20).missingYears, [2028]);
  });
  t.test('then the old calendar answers exactly as before (old due dates stay reproducible)', async (t) => {
    t.same(answers(cn), before);
    t.same(cn.addWorkingDays('2026-12-15', 20), { date: '2027-01-12', provisional: true, missingYears: [2027] });
  });
  t.test('then earlier years are untouched', async (t) => {
    t.equal(cn2027.addWorkingDays('2025-09-26', 20).date, '2025-10-30');
  });
  t.test('when the same notice is loaded again, then the version does not change', async (t) => {
    const again = amendCalendar(cn2027, notice2027);
    t.equal(again.version, cn2027.version);
    t.equal(again.data.source, cn2027.data.source, 'the source is not repeated');
    t.equal(amendCalendar(cn, notice2027).version, cn2027.version, 'loading it on the old calendar again gives the same version');
  });
});

t.test('given a correction of a year already loaded, when the corrected notice is loaded, then it replaces that whole year', async (t) => {
  // A (hypothetical) corrected 2026 notice without the make-up Sunday 09-20.
  const year2026 = cn.data.holidays.filter((e) => e.date.startsWith('2026-'));
  const workingDays = cn.data.workingDays.filter((e) => e.date.startsWith('2026-') && e.date !== '2026-09-20');
  const corrected = amendCalendar(cn, { source: 'corrected 2026 notice', years: [{ year: 2026, holidays: year2026, workingDays }] });
  t.not(corrected.version, cn.version);
  t.notOk(corrected.isWorkingDay('2026-09-20'), 'Sun 09-20 is a weekend again');
  t.ok(cn.isWorkingDay('2026-09-20'), 'the old version still has it');
  t.ok(corrected.isWorkingDay('2026-10-10'), 'the rest of the year is as the notice says');
});

t.test('given a notice identical to what the calendar already has, when it is loaded, then the version is unchanged', async (t) => {
  const same = amendCalendar(cn, {
    source: 'the 2026 notice, loaded again',
    years: [{ year: 2026, holidays: cn.data.holidays.filter((e) => e.date.startsWith('2026-')), workingDays: cn.data.workingDays.filter((e) => e.date.startsWith('2026-')) }],
  });
  t.equal(same.version, cn.version);
});

t.test('given the 2026 notice typed in from its published text, when loaded, then no 2026 working day changes', async (t) => {
  const holidays = NOTICE_2026.spans.flatMap((s) => holidaySpan(s.off[0], s.off[1], s.festival));
  const workingDays = NOTICE_2026.spans.flatMap((s) => s.work.map((d) => entry(d, s.festival)));
  const fromText = amendCalendar(cn, { source: NOTICE_2026.title, years: [{ year: 2026, holidays, workingDays }] });
  const changed = datesFromTo('2026-01-01', '2026-12-31').filter((d) => fromText.isWorkingDay(d) !== cn.isWorkingDay(d) || fromText.isWorkingDay(d) !== workingPerNotice(NOTICE_2026, d));
  t.same(changed, []);
});

t.test('given a one-off closure (the US executive order closing agencies on 2025-12-24 and 2025-12-26)', async (t) => {
  const closures = amendCalendar(usFed, {
    source: 'Executive Order of 2025-12-18 (closure of executive departments on Dec. 24 and 26, 2025)',
    holidays: [entry('2025-12-24', 'Christmas Eve closure'), entry('2025-12-26', 'Day after Christmas closure')],
  });
  t.test('when loaded as one-off holidays, then those days stop counting', async (t) => {
    t.notOk(closures.isWorkingDay('2025-12-24'));
    t.match(closures.describeDay('2025-12-26'), { kind: 'public-holiday', name: 'Day after Christmas closure' });
    // From Mon 2025-12-22: 23 (1), 29–31 (2–4), 2026-01-02 (5); 12-24, 12-25, 12-26 and 01-01 are off.
    t.equal(closures.addWorkingDays('2025-12-22', 5).date, '2026-01-02');
    t.ok(usFed.isWorkingDay('2025-12-24'), 'the calendar it came from is unchanged');
  });
  t.test('when the days are removed again, then the calendar is back to its original version', async (t) => {
    const undone = amendCalendar(closures, { source: 'closures withdrawn', removeDates: ['2025-12-24', '2025-12-26'] });
    t.ok(undone.isWorkingDay('2025-12-24'));
    t.equal(undone.version, usFed.version, 'same content, same version');
  });
});

t.test('given a one-off working day on a holiday, when loaded, then the day works and is named as a make-up day', async (t) => {
  const c = amendCalendar(cn, { source: 'one-off', workingDays: [entry('2025-10-08', '调休上班')] });
  t.same(c.describeDay('2025-10-08'), { date: '2025-10-08', working: true, kind: 'make-up-working-day', name: '调休上班', official: true });
  t.equal(c.addWorkingDays('2025-09-26', 20).date, '2025-10-29', 'the due date moves one working day earlier');
});

t.test('given a make-up day removed by removeDates, then that weekend day rests again', async (t) => {
  const c = amendCalendar(cn, { source: 'removal', removeDates: ['2025-09-28'] });
  t.same(c.describeDay('2025-09-28'), { date: '2025-09-28', working: false, kind: 'weekend', official: true });
  t.equal(c.addWorkingDays('2025-09-26', 20).date, '2025-10-31');
});

t.test('given a regional calendar derived with a new id', async (t) => {
  const regional = amendCalendar(cn, { source: 'a provincial notice (synthetic)', id: 'CN-XZ', name: '西藏自治区', holidays: [entry('2026-02-18', '藏历新年'), entry('2026-03-02', '地区节日')] });
  t.test('then it has its own id, name and version, and keeps the national days', async (t) => {
    t.equal(regional.id, 'CN-XZ');
    t.equal(regional.name, '西藏自治区');
    t.not(regional.version, cn.version);
    t.notOk(regional.isWorkingDay('2026-03-02'), 'the regional day');
    t.notOk(regional.isWorkingDay('2026-02-16'), 'national Spring Festival');
    t.ok(regional.isWorkingDay('2026-02-14'), 'the national make-up Saturday');
  });
  t.test('then the national calendar is unchanged', async (t) => {
    t.ok(cn.isWorkingDay('2026-03-02'));
    t.equal(cn.id, 'CN');
  });
});

t.test('given an amendment that does not hold together, then it is refused', async (t) => {
  t.throws(() => amendCalendar(cn, { source: 'x', years: [{ year: 2027, holidays: [entry('2026-12-31', 'wrong year')], workingDays: [] }] }), { name: 'ZodError' }, 'an entry outside its notice year');
  t.throws(() => amendCalendar(cn, { source: 'x', holidays: [entry('2027-02-30', 'no such day')] }), { name: 'ZodError' }, 'an impossible date');
  t.throws(() => amendCalendar(cn, { source: '', holidays: [] }), { name: 'ZodError' }, 'no source');
  t.throws(() => amendCalendar(cn, { source: 'x', id: 'tibet' }), { name: 'ZodError' }, 'an id not shaped like CN-XZ');
  t.throws(() => amendCalendar(cn, { source: 'x', holidays: [entry('2025-10-13', 'a')], workingDays: [entry('2025-10-13', 'b')] }), ConflictingCalendarEntry, 'one day both off and worked');
});
