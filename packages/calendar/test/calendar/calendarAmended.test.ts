import t from 'tap';
import { applyCalendarAmended, builtinCalendars, calendarAmendedSchema, CalendarIdMismatch, calendarStreamId, ConflictingCalendarEntry, planCalendarAmendment, UnknownCalendar } from '@disclosure/calendar';
import { aSynthetic2027Notice, entry } from '../support/factories.js';

const notice2027 = { source: '国务院办公厅关于2027年部分节假日安排的通知 (synthetic)', years: [aSynthetic2027Notice()] };

t.test('given the 2027 notice loaded into CN, then the plan records the amendment and both versions', async (t) => {
  const registry = builtinCalendars();
  const plan = planCalendarAmendment(registry, 'CN', notice2027, '2026-11-23')!;
  t.equal(plan.calendarId, 'CN');
  t.equal(plan.previousVersion, registry.current('CN').version);
  t.not(plan.version, plan.previousVersion);
  t.ok(plan.officialYears.includes(2027));
  t.same(plan.amendment.removeDates, [], 'defaults filled in');
  t.match(plan.amendmentVersion, /^sha256:/);
  t.same(calendarAmendedSchema.parse(plan), plan, 'the event data is what its schema accepts');
  t.equal(calendarStreamId('CN'), 'calendar-CN');

  t.test('when the recorded amendment is applied, then the registry has the new version in force from that day', async (t) => {
    const { registry: next, change } = applyCalendarAmended(registry, plan);
    t.equal(next.current('CN').version, plan.version);
    t.same(change, { calendarId: 'CN', previousVersion: plan.previousVersion, version: plan.version, reason: notice2027.source, inForceFrom: '2026-11-23' });
    t.equal(next.inForceOn('CN', '2026-11-20').version, plan.previousVersion);
    t.test('when it is applied again, then nothing changes', async (t) => {
      const again = applyCalendarAmended(next, plan);
      t.equal(again.registry, next);
      t.equal(again.change, null);
    });
    t.test('when the same notice is planned again, then there is nothing to record', async (t) => {
      t.equal(planCalendarAmendment(next, 'CN', notice2027, '2026-11-24'), null);
    });
  });
});

t.test('given an amendment that cannot be loaded, then the reason is named', async (t) => {
  const registry = builtinCalendars();
  t.throws(() => planCalendarAmendment(registry, 'CN', { source: '', years: [] }, '2026-11-23'), { name: 'ZodError' });
  t.throws(() => planCalendarAmendment(registry, 'CN', { ...notice2027, id: 'CN-XZ' }, '2026-11-23'), CalendarIdMismatch);
  t.throws(() => planCalendarAmendment(registry, 'XX', notice2027, '2026-11-23'), UnknownCalendar);
  t.throws(() => planCalendarAmendment(registry, 'CN', { source: 'x', holidays: [entry('2027-03-01', 'a')], workingDays: [entry('2027-03-01', 'b')] }, '2026-11-23'), ConflictingCalendarEntry);
  t.ok(planCalendarAmendment(registry, 'CN', { ...notice2027, id: 'CN' }, '2026-11-23'), 'its own id is fine');
});
