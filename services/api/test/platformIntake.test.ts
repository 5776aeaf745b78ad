import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentConfig, intakeCaseId, routeRequest, type RoutingTable } from '@disclosure/api';
import { intakeBody, UK_COUNCIL, US_AGENCY } from './support/factories.js';
import { allEvents, assertProblem, callerAs, ok } from './support/http.js';
import { testApp } from './support/testApp.js';

// 按责转办: a provincial portal and the 12345 hotline platform file through intake with their own
// integrator tokens (agency claim = platform id); the routing table names the agency.
const ROUTING: RoutingTable = {
  'gd.portal': {
    kind: 'provincial-portal',
    rules: [
      { id: 'finance-guangzhou', category: ['财政', '预算'], region: ['4401'], agency: 'other' },
      { id: 'tax', category: ['税务'], agency: 'district.tax' },
      { id: 'yuexiu', region: ['440104'], agency: 'demo' },
    ],
  },
  hotline12345: { kind: 'hotline-12345', rules: [{ id: 'budget', category: ['预算'], agency: 'other' }], default: 'demo' },
};

t.test('the routing table: first matching rule, region by prefix, then the default, else none', async (t) => {
  t.same(routeRequest(ROUTING['gd.portal']!, { category: '财政', regionCode: '440106' }), { agency: 'other', rule: 'finance-guangzhou' });
  t.same(routeRequest(ROUTING['gd.portal']!, { category: '预算', regionCode: '440104' }), { agency: 'other', rule: 'finance-guangzhou' }, 'the first rule that matches wins');
  t.same(routeRequest(ROUTING['gd.portal']!, { category: '教育', regionCode: '440104' }), { agency: 'demo', rule: 'yuexiu' });
  t.same(routeRequest(ROUTING['gd.portal']!, { category: '财政', regionCode: '4403' }), null, 'Shenzhen is not Guangzhou, and the portal has no default');
  t.same(routeRequest(ROUTING['gd.portal']!, { regionCode: '440106' }), null, 'a rule with categories needs a category');
  t.same(routeRequest(ROUTING.hotline12345!, {}), { agency: 'demo', rule: 'default' });
});

t.test('a platform’s request is filed in the agency its rule names, with the channel, platform and rule recorded', async (t) => {
  const app = await testApp({ platformRouting: ROUTING });
  t.teardown(() => app.close());
  const portal = await callerAs(app, 'integrator', 'gd-portal-gateway', 'gd.portal');
  const body = intakeBody('GD-2025-000123', '2025-09-26', { sourceSystem: 'gd-zwfw', category: '财政', regionCode: '440106' });
  const res = await portal.post('/v1/intake', body);
  const filed = ok(t, res, 'filed');
  t.equal(res.statusCode, 201);
  const caseId = intakeCaseId('gd.portal', 'gd-zwfw', 'GD-2025-000123');
  t.match(filed, { caseId, agency: 'other', channel: 'system', receivedOn: '2025-09-26' });
  t.equal(res.headers.location, `/v1/cases/${caseId}`);
  const [received] = await app.store.read(caseId);
  t.match(received, { type: 'RequestReceived', metadata: { agency: 'other', actor: 'gd-portal-gateway', role: 'integrator' } });
  t.same((received!.data as { evidence: unknown }).evidence, {
    statedReceiptDate: '2025-09-26',
    sourceSystem: 'gd-zwfw',
    sourceReference: 'GD-2025-000123',
    platform: 'provincial-portal',
    routedBy: { platformId: 'gd.portal', rule: 'finance-guangzhou', category: '财政', regionCode: '440106' },
  });
  const other = await callerAs(app, 'caseworker', 'cw-other', 'other');
  t.equal((await other.get(`/v1/cases/${caseId}`)).statusCode, 200, 'the routed agency works it');
  t.equal((await (await callerAs(app, 'caseworker')).get(`/v1/cases/${caseId}`)).statusCode, 404, 'no other agency sees it');

  const again = await portal.post('/v1/intake', body);
  t.equal(again.statusCode, 200, 'a resend answers with the same case');
  t.equal(again.json().caseId, caseId);
  assertProblem(t, await portal.post('/v1/intake', { ...body, request: { description: '另一件事' } }), 'source-reference-reused', 'the same reference with another request');

  const hotline = await callerAs(app, 'integrator', 'hotline-gw', 'hotline12345');
  const byDefault = ok(t, await hotline.post('/v1/intake', intakeBody('12345-0001', '2025-09-26', { sourceSystem: '12345', category: '交通' })), 'default');
  t.equal(byDefault.agency, 'demo');
  t.match((await app.store.read(byDefault.caseId))[0]!.data, { evidence: { platform: 'hotline-12345', routedBy: { platformId: 'hotline12345', rule: 'default', category: '交通' } } });
  t.equal(ok(t, await hotline.post('/v1/intake', intakeBody('12345-0002', '2025-09-26', { sourceSystem: '12345', category: '预算' })), 'rule').agency, 'other');
});

t.test('no rule, an agency not served here, or a referral from a platform: a problem, and nothing recorded', async (t) => {
  const app = await testApp({ platformRouting: ROUTING });
  t.teardown(() => app.close());
  const portal = await callerAs(app, 'integrator', 'gd-portal-gateway', 'gd.portal');
  const before = (await allEvents(app)).length;
  const none = assertProblem(t, await portal.post('/v1/intake', intakeBody('GD-1', '2025-09-26', { category: '教育', regionCode: '440303' })), 'no-routing-rule', 'no rule matches');
  t.match(none, { platformId: 'gd.portal', category: '教育', regionCode: '440303' });
  const elsewhere = assertProblem(t, await portal.post('/v1/intake', intakeBody('GD-2', '2025-09-26', { category: '税务' })), 'routed-agency-not-served', 'routed to an agency served elsewhere');
  t.match(elsewhere, { platformId: 'gd.portal', agency: 'district.tax', rule: 'tax' });
  const referral = { fromAgency: 'x', sourceCaseId: 'c-1', scope: 'whole', reason: '转办', referredOn: '2025-09-26' };
  assertProblem(t, await portal.post('/v1/intake', intakeBody('GD-3', '2025-09-26', { category: '财政', regionCode: '440106', referral })), 'validation-failed', 'a platform does not refer');
  assertProblem(t, await (await callerAs(app, 'integrator', 'x', 'unknown.platform')).post('/v1/intake', intakeBody('U-1', '2025-09-26')), 'forbidden', 'a token of neither an agency nor a platform');
  t.equal((await allEvents(app)).length, before, 'nothing was recorded');
});

t.test('an agency’s own integrator may say which kind of system filed; without it the receipt is as before', async (t) => {
  const app = await testApp({ platformRouting: ROUTING });
  t.teardown(() => app.close());
  const integrator = await callerAs(app, 'integrator');
  const plain = ok(t, await integrator.post('/v1/intake', intakeBody('P-1', '2025-09-26')), 'plain');
  t.same((await app.store.read(plain.caseId))[0]!.data, { ...((await app.store.read(plain.caseId))[0]!.data as object), evidence: { statedReceiptDate: '2025-09-26', sourceSystem: 'province-portal', sourceReference: 'P-1' } }, 'no origin fields are added');
  const said = ok(t, await integrator.post('/v1/intake', intakeBody('P-2', '2025-09-26', { platform: 'government-system' })), 'said');
  t.match((await app.store.read(said.caseId))[0]!.data, { evidence: { platform: 'government-system' } });
  t.equal(said.agency, 'demo', 'the token’s own agency: no routing for an agency');
});

t.test('an agency under another law receives a system intake on the day it arrives here, in its own zone, and counts by its law', async (t) => {
  // served beside demo and other, as AGENCIES configures them
  const { agencies } = deploymentConfig({ AGENCIES: JSON.stringify([UK_COUNCIL, US_AGENCY]) });
  const app = await testApp({ agencies });
  t.teardown(() => app.close());

  // Fri 2025-12-19, 15:00 in London; the sending portal states the day before
  app.setNow('2025-12-19T15:00:00Z');
  const uk = await callerAs(app, 'integrator', 'uk-gateway', UK_COUNCIL.id);
  const first = await uk.post('/v1/intake', intakeBody('UK-0001', '2025-12-18'));
  const filed = ok(t, first, 'filed');
  t.equal(first.statusCode, 201);
  // FOIA s.10(6)(a): the date of receipt is the day the authority receives the request, not the sender's date.
  // s.10(1): the twentieth working day following it, GB-UK days (no bank holiday of any UK nation):
  // 12-22, 23, 24 (3); 25 Christmas, 26 Boxing Day; 29, 30, 31 (6); 01-01 New Year, 01-02 Scottish
  // bank holiday; 01-05…09 (11), 12…16 (16), 19, 20, 21, 22 (20)
  t.match(filed, { agency: UK_COUNCIL.id, channel: 'system', receivedOn: '2025-12-19', deadline: { dueDate: '2026-01-22' } });
  t.match((await app.store.read(filed.caseId))[0]!.data, { profileId: 'UK-FOIA', evidence: { arrivedOn: '2025-12-19', statedReceiptDate: '2025-12-18', sourceReference: 'UK-0001' } }, 'the day it arrived, beside what the sender stated');

  app.setNow('2025-12-22T10:00:00Z');
  const resent = await uk.post('/v1/intake', intakeBody('UK-0001', '2025-12-18'));
  t.equal(resent.statusCode, 200, 'a resend on a later day is the same filing');
  t.match(resent.json(), { caseId: filed.caseId, receivedOn: '2025-12-19' }, 'received on the day it first arrived');
  assertProblem(t, await uk.post('/v1/intake', intakeBody('UK-0001', '2025-12-17')), 'source-reference-reused', 'the same reference stating another date');

  // 02:00 UTC Thu 2025-10-09 is 10:00 in Beijing but still Wed 10-08, 22:00 in Washington
  app.setNow('2025-10-09T02:00:00Z');
  const us = await callerAs(app, 'integrator', 'us-gateway', US_AGENCY.id);
  const usFiled = ok(t, await us.post('/v1/intake', intakeBody('US-0001', '2025-10-09')), 'filed in Washington');
  // 552(a)(6)(A)(ii): received when the agency first received it, on its own day (10-08);
  // (A)(i): 20 days excepting Saturdays, Sundays and legal public holidays: 10-09, 10 (2);
  // 10-13 Columbus Day; 14…17 (6); 20…24 (11); 27…31 (16); 11-03, 04, 05, 06 (20)
  t.match(usFiled, { agency: US_AGENCY.id, receivedOn: '2025-10-08', deadline: { dueDate: '2025-11-06' } });

  // a referral from another instance: received on the referral day, never after the day it arrives here
  const referral = (sourceCaseId: string, referredOn: string) => ({ fromAgency: 'demo', sourceCaseId, scope: 'whole', reason: '转办', referredOn });
  const referredToday = ok(t, await us.post('/v1/intake', intakeBody('c-1', '2025-10-09', { sourceSystem: 'city-a/demo', referral: referral('c-1', '2025-10-09') })), 'referred from Beijing on its 10-09');
  t.match(referredToday, { receivedOn: '2025-10-08', deadline: { dueDate: '2025-11-06' } }, 'the referral day had not begun in Washington: the day it arrived there');
  app.setNow('2025-10-14T15:00:00Z');
  const late = ok(t, await us.post('/v1/intake', intakeBody('c-2', '2025-10-09', { sourceSystem: 'city-a/demo', referral: referral('c-2', '2025-10-09') })), 'a referral delivered days later');
  // 10-10 (1); 10-13 Columbus Day; 14…17 (5); 20…24 (10); 27…31 (15); 11-03…07 (20)
  t.match(late, { receivedOn: '2025-10-09', deadline: { dueDate: '2025-11-07' } }, 'a late delivery does not move the referral day');
});

t.test('a referral from a zone ahead of Beijing is received on Beijing’s day, not refused as dated in the future; any other intake dated tomorrow still is', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const integrator = await callerAs(app, 'integrator', 'city-b');
  // 14:30 UTC Thu 2025-10-09: 22:30 in Beijing, already 01:30 on Fri 10-10 in Sydney (AEDT, UTC+11)
  app.setNow('2025-10-09T14:30:00Z');
  const referral = { fromAgency: 'au.agency', sourceCaseId: 'au-1', scope: 'whole', reason: 'held by a Chinese agency', referredOn: '2025-10-10' };
  const filed = ok(t, await integrator.post('/v1/intake', intakeBody('au-1', '2025-10-10', { sourceSystem: 'sydney/au.agency', referral })), 'referred from Sydney on its 10-10');
  t.match(filed, { receivedOn: '2025-10-09' }, 'the day it reached the agency in Beijing');
  t.match((await app.store.read(filed.caseId))[0]!.data, { evidence: { statedReceiptDate: '2025-10-09', referral: { referredOn: '2025-10-10' } } }, 'the referral keeps its own day');
  assertProblem(t, await integrator.post('/v1/intake', intakeBody('plain-1', '2025-10-10')), 'date-in-future', 'a plain intake stating tomorrow');
  const far = { ...referral, sourceCaseId: 'au-2', referredOn: '2025-10-12' };
  assertProblem(t, await integrator.post('/v1/intake', intakeBody('au-2', '2025-10-12', { sourceSystem: 'sydney/au.agency', referral: far })), 'date-in-future', 'no zone is two days ahead');

  // the sender retries after midnight in Beijing: the same filing, not a reused reference
  app.setNow('2025-10-09T16:30:00Z');
  const resent = await integrator.post('/v1/intake', intakeBody('au-1', '2025-10-10', { sourceSystem: 'sydney/au.agency', referral }));
  t.equal(resent.statusCode, 200, 'a resend the next day here');
  t.match(resent.json(), { caseId: filed.caseId, receivedOn: '2025-10-09' });
});

t.test('the routing table and the other integration settings are checked at start', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'routing-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'routing.json');
  writeFileSync(file, JSON.stringify(ROUTING));
  const agencies = JSON.stringify([{ id: 'demo', name: '示范', jurisdiction: 'CN' }, { id: 'other', name: '另一机关', jurisdiction: 'CN' }]);
  t.same(deploymentConfig({ AGENCIES: agencies, PLATFORM_ROUTING_FILE: file }).platformRouting, ROUTING, 'read from a file');
  t.same(deploymentConfig({ PLATFORM_ROUTING: JSON.stringify(ROUTING) }).platformRouting, ROUTING, 'or from the variable');
  t.equal(deploymentConfig({}).platformRouting, undefined, 'none by default');
  t.same(deploymentConfig({}).agencies.map((a) => a.id), ['demo'], 'the demo agency by default');
  const bad = (env: NodeJS.ProcessEnv, message: RegExp, why: string) => t.throws(() => deploymentConfig(env), message, why);
  bad({ PLATFORM_ROUTING: '{"gd.portal": ' }, /PLATFORM_ROUTING is not valid JSON/, 'broken JSON');
  bad({ PLATFORM_ROUTING: JSON.stringify({ 'gd.portal': { kind: 'fax-machine', rules: [] } }) }, /PLATFORM_ROUTING is not valid: gd\.portal\.kind/, 'an unknown kind');
  bad({ PLATFORM_ROUTING: JSON.stringify({ p: { kind: 'hotline-12345', rules: [{ id: 'a', agency: 'demo' }, { id: 'a', agency: 'demo' }] } }) }, /rules\.1\.id: rule id a is used twice/, 'a rule id twice');
  bad({ PLATFORM_ROUTING: JSON.stringify({ p: { kind: 'hotline-12345', rules: [{ id: 'r', region: ['44xx'], agency: 'demo' }] } }) }, /p\.rules\.0\.region\.0/, 'a region that is not a code');
  bad({ PLATFORM_ROUTING: JSON.stringify({ demo: { kind: 'hotline-12345', rules: [] } }) }, /platform id demo is also an agency id/, 'a platform named like an agency');
  bad({ PLATFORM_ROUTING: '{}', PLATFORM_ROUTING_FILE: file }, /not both/, 'two sources');
  bad({ AGENCIES: JSON.stringify([{ id: 'x', name: 'X', jurisdiction: 'ZZ' }]) }, /AGENCIES is not valid: 0\.jurisdiction/, 'a jurisdiction without a profile');
  bad({ REMOTE_AGENCIES: JSON.stringify({ demo: { intakeUrl: 'http://127.0.0.1:9/v1/intake', token: 'a.b.c' } }) }, /REMOTE_AGENCIES names demo, an agency this instance serves/, 'a remote agency served here');
  bad({ REMOTE_AGENCIES: JSON.stringify({ far: { intakeUrl: 'ftp://x/v1/intake', token: 'a.b.c' } }) }, /REMOTE_AGENCIES is not valid: far\.intakeUrl/, 'not an http URL');
  // 24 base64 characters are 18 bytes: a secret the webhook subscription would refuse at start
  bad({ REMOTE_AGENCIES: JSON.stringify({ far: { intakeUrl: 'http://127.0.0.1:9/v1/intake', token: 'a.b.c', webhookSecret: `whsec_${Buffer.alloc(18, 7).toString('base64')}` } }) }, /REMOTE_AGENCIES is not valid: far\.webhookSecret/, 'a signing secret too short to sign with');
  bad({ PAYMENT_CALLBACK_SECRET: 'secret' }, /PAYMENT_CALLBACK_SECRET is not a Standard Webhooks secret/, 'a payment secret that is not whsec_');
});
