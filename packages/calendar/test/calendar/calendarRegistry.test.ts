import t from 'tap';
import { amendCalendar, builtinCalendars, CalendarRegistry, UnknownCalendar } from '@disclosure/calendar';
import { aCalendar, aSynthetic2027Notice, entry } from '../support/factories.js';

t.test('given the calendars shipped with the engine', async (t) => {
  const registry = builtinCalendars();
  t.test('then every documented id is there', async (t) => {
    t.same(registry.ids(), ['AU-FED', 'AU-NSW', 'CN', 'GB-EAW', 'GB-NIR', 'GB-SCT', 'GB-UK', 'IE', 'US-FED']);
  });
  t.test('then each id gives a calendar of that id, and asking twice gives the same one', async (t) => {
    for (const id of registry.ids()) {
      t.equal(registry.current(id).id, id);
      t.equal(registry.current(id), registry.current(id), `${id} is built once`);
      t.equal(registry.get(id), registry.current(id), `${id}: get without a version is the current one`);
      t.equal(registry.get(id, registry.current(id).version), registry.current(id), `${id}: get by its version`);
    }
    t.equal(builtinCalendars(), registry, 'one builtin registry');
  });
});

t.test('given a registry and an amended calendar', async (t) => {
  const registry = builtinCalendars();
  const old = registry.current('CN');
  const amended = amendCalendar(old, { source: '2027 notice (synthetic)', years: [aSynthetic2027Notice()] });
  const next = registry.with(amended);

  t.test('then the new registry has the amendment as current', async (t) => {
    t.equal(next.current('CN'), amended);
  });
  t.test('then the old version is still there by its version, answering as before', async (t) => {
    t.equal(next.get('CN', old.version), old);
    t.same(next.get('CN', old.version).addWorkingDays('2026-12-15', 20), { date: '2027-01-12', provisional: true, missingYears: [2027] });
    t.same(next.versions('CN').map((c) => c.version), [old.version, amended.version], 'oldest first');
  });
  t.test('then the registry it came from is unchanged', async (t) => {
    t.equal(registry.current('CN'), old);
    t.equal(registry.versions('CN').length, 1);
  });
  t.test('then other calendars are unaffected', async (t) => {
    t.equal(next.current('GB-UK'), registry.current('GB-UK'));
  });
  t.test('when the same version is added again, then nothing changes', async (t) => {
    const again = next.with(amendCalendar(old, { source: '2027 notice (synthetic)', years: [aSynthetic2027Notice()] }));
    t.equal(again.versions('CN').length, 2);
    t.equal(again.current('CN').version, amended.version);
  });
});

t.test('given a regional calendar with a new id, when added, then it is listed beside the national one', async (t) => {
  const regional = amendCalendar(builtinCalendars().current('CN'), { source: 'regional (synthetic)', id: 'CN-XZ', holidays: [entry('2026-03-02', '地区节日')] });
  const next = builtinCalendars().with(regional);
  t.ok(next.ids().includes('CN-XZ'));
  t.equal(next.current('CN-XZ'), regional);
  t.not(next.current('CN').version, regional.version);
});

t.test('given an id or version nobody knows, then UnknownCalendar says which', async (t) => {
  const registry = builtinCalendars();
  t.throws(() => registry.current('XX'), { name: 'UnknownCalendar', calendarId: 'XX', version: undefined });
  t.throws(() => registry.get('CN', 'sha256:0000000000000000'), { name: 'UnknownCalendar', calendarId: 'CN', version: 'sha256:0000000000000000' });
  t.throws(() => registry.versions('ZZ'), UnknownCalendar);
  t.throws(() => new CalendarRegistry().current('CN'), UnknownCalendar, 'an empty registry knows nothing');
});

t.test('given a registry built from calendars, then it holds each version once, in the order given', async (t) => {
  const a = aCalendar();
  const b = aCalendar({ holidays: [entry('2025-12-25', 'Christmas')] });
  const registry = new CalendarRegistry([a, b, aCalendar()]);
  t.same(registry.versions('XX').map((c) => c.version), [a.version, b.version]);
  t.equal(registry.current('XX'), b);
  t.same(registry.ids(), ['XX']);
});

t.test('given an amendment loaded on a day, then the version in force on a day is the one current that day', async (t) => {
  const registry = builtinCalendars();
  const old = registry.current('CN');
  const amended = amendCalendar(old, { source: '2027 notice (synthetic)', years: [aSynthetic2027Notice()] });
  const next = registry.with(amended, '2026-11-23');
  t.equal(next.current('CN'), amended);
  t.equal(next.inForceOn('CN', '2026-11-22'), old, 'a clock stopped the day before keeps the old version');
  t.equal(next.inForceOn('CN', '2026-11-23'), amended, 'in force from the day it was loaded');
  t.equal(next.inForceOn('CN', '2027-03-01'), amended);
  t.equal(registry.inForceOn('CN', '2026-11-22'), old, 'a registry without a history: the current version');
  t.equal(builtinCalendars().with(amended).inForceOn('CN', '2000-01-01'), amended, 'a version added without a day has always been in force');

  t.test('when a later amendment undoes it, then the old version is current again, and each day keeps its version', async (t) => {
    const undone = next.with(old, '2026-12-01');
    t.equal(undone.current('CN'), old);
    t.same(undone.versions('CN').map((c) => c.version), [old.version, amended.version], 'each version once');
    t.equal(undone.inForceOn('CN', '2026-11-25'), amended);
    t.equal(undone.inForceOn('CN', '2026-12-01'), old);
  });
});
