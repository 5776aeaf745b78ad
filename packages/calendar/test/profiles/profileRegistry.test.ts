import t from 'tap';
import { BUILTIN_PROFILES, builtinCalendars, CN_2019, InvalidDate, NoProfileForDate, profileById, profileFor, profileVersion, UnknownProfile } from '@disclosure/calendar';

t.test('given a Chinese request, the profile follows the date the 2019 条例 came into force (2019-05-15)', async (t) => {
  t.test('when received on 2019-05-14, then the 2008 条例 applies', async (t) => {
    t.equal(profileFor('CN', '2019-05-14').id, 'CN-2008');
    t.equal(profileFor('CN', '2008-05-01').id, 'CN-2008');
  });
  t.test('when received on 2019-05-15 or later, then the 2019 条例 applies', async (t) => {
    t.equal(profileFor('CN', '2019-05-15').id, 'CN-2019');
    t.equal(profileFor('CN', '2025-09-26').id, 'CN-2019');
  });
});

t.test('given other jurisdictions, then their profile applies from the law\'s start', async (t) => {
  t.equal(profileFor('GB', '2025-12-15').id, 'UK-FOIA');
  t.equal(profileFor('US', '1990-01-01').id, 'US-FOIA');
  t.equal(profileFor('IE', '2014-10-14').id, 'IE-FOI');
  t.equal(profileFor('AU', '2025-01-01').id, 'AU-FOI');
  t.throws(() => profileFor('GB', '2004-12-31'), { name: 'NoProfileForDate', jurisdiction: 'GB', receivedOn: '2004-12-31' }, 'FOIA 2000 rights began 2005-01-01');
  t.throws(() => profileFor('IE', '2014-10-13'), NoProfileForDate);
  t.throws(() => profileFor('FR', '2025-01-01'), NoProfileForDate, 'a jurisdiction without profiles');
});

t.test('given a receipt date that is not a calendar date, then InvalidDate, not a guessed profile', async (t) => {
  t.throws(() => profileFor('CN', '2019-5-15'), InvalidDate);
  t.throws(() => profileFor('CN', 'x'), InvalidDate);
  t.throws(() => profileFor('CN', '2019-02-29'), InvalidDate);
});

t.test('given a profile id', async (t) => {
  t.test('when it is known, then the profile comes back', async (t) => {
    t.equal(profileById('CN-2019'), CN_2019);
    for (const p of BUILTIN_PROFILES) t.equal(profileById(p.id), p);
  });
  t.test('when it is unknown, then UnknownProfile lists the known ones', async (t) => {
    t.throws(() => profileById('CN-2030'), { name: 'UnknownProfile', profileId: 'CN-2030', known: BUILTIN_PROFILES.map((p) => p.id) });
    t.throws(() => profileById(''), UnknownProfile);
  });
});

t.test('given every shipped profile, then its calendar is one of the shipped calendars', async (t) => {
  const calendars = builtinCalendars();
  for (const p of BUILTIN_PROFILES) t.equal(calendars.current(p.calendarId).id, p.calendarId, `${p.id} → ${p.calendarId}`);
});

t.test('profile versions', async (t) => {
  t.test('given the same rules, then the version is the same, however the object was written', async (t) => {
    t.equal(profileVersion(CN_2019), profileVersion(CN_2019));
    const reordered = Object.fromEntries(Object.entries(CN_2019).reverse()) as typeof CN_2019;
    t.equal(profileVersion(reordered), profileVersion(CN_2019));
    t.equal(profileVersion(structuredClone(CN_2019)), profileVersion(CN_2019));
    t.match(profileVersion(CN_2019), /^sha256:[0-9a-f]{16}$/);
  });
  t.test('given a rule that changes, then the version changes', async (t) => {
    const v = profileVersion(CN_2019);
    t.not(profileVersion({ ...CN_2019, period: { ...CN_2019.period, amount: 15 } }), v, 'the period');
    t.not(profileVersion({ ...CN_2019, fee: { ...CN_2019.fee, effect: 'none' } }), v, 'what a fee notice does');
    t.not(profileVersion({ ...CN_2019, receiptRules: { ...CN_2019.receiptRules, email: 'arrived' } }), v, 'a receipt rule');
    t.not(profileVersion({ ...CN_2019, calendarId: 'CN-XZ' }), v, 'the calendar');
  });
  t.test('given the shipped profiles, then no two share a version', async (t) => {
    t.equal(new Set(BUILTIN_PROFILES.map(profileVersion)).size, BUILTIN_PROFILES.length);
  });
});
