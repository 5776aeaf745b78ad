import t from 'tap';
import { AU_FOI, BUILTIN_PROFILES, CHANNELS, CN_2008, CN_2019, IE_FOI, UK_FOIA, US_FOIA } from '@disclosure/calendar';

t.test('given the 2019 条例 (CN-2019)', async (t) => {
  t.test('then the reply period is 20 working days (第33条第1款), extendable once by up to 20 with approval (第33条第2款)', async (t) => {
    t.match(CN_2019.period, { amount: 20, unit: 'working-days', citation: /第33条/ });
    t.match(CN_2019.extensions, [{ max: { amount: 20, unit: 'working-days' }, times: 1, requiresApproval: true, beforeDueDate: true }]);
    t.equal(CN_2019.extensions.length, 1);
  });
  t.test('then a correction restarts the count and its notice is due within 7 working days (第30条)', async (t) => {
    t.match(CN_2019.correction, { effect: 'restart', noticeWithin: { amount: 7, unit: 'working-days' }, citation: /第30条/ });
  });
  t.test('then consultations pause, lapsing after 15 working days (第32条, 第34条); a fee notice pauses, lapsing after 20 (第42条, 109号)', async (t) => {
    t.match(CN_2019.thirdPartyConsultation, { effect: 'pause', lapseAfter: { amount: 15, unit: 'working-days' }, citation: /第32条/ });
    t.match(CN_2019.agencyConsultation, { effect: 'pause', lapseAfter: { amount: 15, unit: 'working-days' }, citation: /第34条/ });
    t.match(CN_2019.fee, { effect: 'pause', lapseAfter: { amount: 20, unit: 'working-days' }, citation: /109号/ });
  });
  t.test('then the receipt date follows the channel (第31条)', async (t) => {
    t.same(CN_2019.receiptRules, {
      'in-person': 'handed-in',
      'registered-post': 'signed-for',
      'ordinary-post': 'confirmed-with-applicant',
      online: 'confirmed-by-both',
      fax: 'confirmed-by-both',
      email: 'confirmed-by-both',
      system: 'stated-by-sender',
    });
  });
});

t.test('given the 2008 条例 (CN-2008), then 15 working days +15, only third-party consultation pauses', async (t) => {
  t.match(CN_2008.period, { amount: 15, unit: 'working-days' });
  t.match(CN_2008.extensions, [{ max: { amount: 15, unit: 'working-days' }, times: 1 }]);
  t.equal(CN_2008.thirdPartyConsultation.effect, 'pause');
  t.equal(CN_2008.agencyConsultation.effect, 'none');
  t.equal(CN_2008.fee.effect, 'none');
  t.same(CN_2008.appliesTo, { before: '2019-05-15' });
  t.same(CN_2019.appliesTo, { from: '2019-05-15' }, 'the two versions meet without a gap');
});

t.test('given the other laws, then their periods are as the statutes say', async (t) => {
  t.match(UK_FOIA, { calendarId: 'GB-UK', period: { amount: 20, unit: 'working-days' }, fee: { effect: 'pause' }, correction: { effect: 'restart' } });
  t.match(US_FOIA, { calendarId: 'US-FED', period: { amount: 20, unit: 'working-days' }, extensions: [{ max: { amount: 10, unit: 'working-days' } }], correction: { effect: 'pause', times: 1 } });
  t.match(IE_FOI, { calendarId: 'IE', period: { amount: 4, unit: 'weeks' }, extensions: [{ max: { amount: 4, unit: 'weeks' } }] });
  t.match(AU_FOI, { calendarId: 'AU-FED', period: { amount: 30, unit: 'calendar-days' }, rollForwardToWorkingDay: true });
});

t.test('given a law without a channel rule (CN-2008, UK, US, IE, AU), then every channel, another system too, is received the day the request arrived', async (t) => {
  for (const p of [CN_2008, UK_FOIA, US_FOIA, IE_FOI, AU_FOI]) t.same(new Set(Object.values(p.receiptRules)), new Set(['arrived']), p.id);
});

t.test('given every shipped profile', async (t) => {
  t.test('then ids are unique', async (t) => {
    t.equal(new Set(BUILTIN_PROFILES.map((p) => p.id)).size, BUILTIN_PROFILES.length);
  });
  t.test('then every channel has a receipt rule and every rule cites its source', async (t) => {
    for (const p of BUILTIN_PROFILES) {
      t.same(Object.keys(p.receiptRules).sort(), [...CHANNELS].sort(), `${p.id} receipt rules`);
      for (const rule of [p.period, p.correction, p.thirdPartyConsultation, p.agencyConsultation, p.fee, ...p.extensions]) t.ok(rule.citation.length > 0, `${p.id} cites`);
    }
  });
  t.test('then working-day rollover is used only by calendar-day or week periods', async (t) => {
    for (const p of BUILTIN_PROFILES) if (p.rollForwardToWorkingDay) t.not(p.period.unit, 'working-days', p.id);
  });
});
