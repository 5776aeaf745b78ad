import t from 'tap';
import { SignJWT } from 'jose';
import { CASE_ACCESSED_BY_AUDITOR, COMMAND_ROLES, COMMAND_ROUTES, ROUTE_ROLES } from '@disclosure/api';
import type { Role } from '@disclosure/domain';
import { SECRET, testApp, receiveBody } from './support/testApp.js';
import { allEvents, assertProblem, at, Caller, callerAs, COMMAND_TYPES, type CommandType, type Response } from './support/http.js';
import { commandBody, intakeBody } from './support/factories.js';

/*
 * The role × route matrix, written out from the issue's words:
 *   caseworkers do casework; reviewers approve or return a draft; supervisors (the head of the OGI office)
 *   approve extensions, override a due date (第35条) and instruct (督办), and may do what caseworkers and
 *   reviewers do; auditors only read, and only they replay, verify and export a case's history; integrators only file requests (intake),
 *   read a case and manage their agency's webhook subscriptions; only an integrator also granted
 *   applicant-data-recipient subscribes to applicants' personal data (that grant alone does nothing); admins see
 *   the agency's figures. Applicants have no token: they use the public routes.
 */
const ROLES = ['caseworker', 'reviewer', 'supervisor', 'auditor', 'integrator', 'applicant-data-recipient', 'admin'] as const satisfies readonly Role[];
const STAFF = ['caseworker', 'supervisor'] as const;
const REVIEW = ['reviewer', 'supervisor'] as const;
const HEAD = ['supervisor'] as const;
const READERS = ['caseworker', 'reviewer', 'supervisor', 'auditor'] as const;
const AUDITORS = ['auditor'] as const;

const EXPECTED_COMMANDS: Record<CommandType, readonly Role[]> = {
  registerRequest: STAFF,
  assignCase: STAFF,
  requestCorrection: STAFF,
  receiveCorrection: STAFF,
  lapseCorrection: STAFF,
  consultThirdParty: STAFF,
  consultAgency: STAFF,
  recordConsultationAnswer: STAFF,
  lapseConsultation: STAFF,
  issueFeeNotice: STAFF,
  recordFeePayment: STAFF,
  lapseFee: STAFF,
  referCase: STAFF,
  linkCase: STAFF,
  withdrawRequest: STAFF,
  submitForReview: STAFF,
  issueReply: STAFF,
  archiveCase: STAFF,
  recordAppealOutcome: STAFF,
  recordApplicantRating: STAFF, // a rating the applicant gives on paper or by phone; online it is the public route
  answerSupervision: STAFF,
  approveReply: REVIEW,
  returnReply: REVIEW,
  approveExtension: HEAD,
  overrideDeadline: HEAD,
  instructSupervision: HEAD,
};

interface Route {
  readonly name: string;
  readonly access: string;
  readonly allowed: readonly Role[];
  /** Whether the route names one case (so another agency's case is "not found"). */
  readonly onCase: boolean;
  /** A role every caller of it holds beside the one tried: the role a grant extends. */
  readonly beside?: Role;
  call(as: Caller, caseId: string, today: string): Promise<Response>;
}

let intakes = 0;
const ROUTES: Route[] = [
  { name: 'POST /v1/cases', access: 'cases.create', allowed: STAFF, onCase: false, call: (c, _id, today) => c.post('/v1/cases', receiveBody(today)) },
  { name: 'GET /v1/cases', access: 'cases.list', allowed: READERS, onCase: false, call: (c) => c.get('/v1/cases') },
  { name: 'GET /v1/cases/:id', access: 'cases.get', allowed: [...READERS, 'integrator'], onCase: true, call: (c, id) => c.get(`/v1/cases/${id}`) },
  { name: 'GET /v1/cases/:id/deadline', access: 'cases.deadline', allowed: READERS, onCase: true, call: (c, id) => c.get(`/v1/cases/${id}/deadline`) },
  { name: 'GET /v1/queue', access: 'queue', allowed: ['caseworker', 'reviewer', 'supervisor'], onCase: false, call: (c) => c.get('/v1/queue') },
  { name: 'GET /v1/agency/stats', access: 'agency.stats', allowed: ['supervisor', 'auditor', 'admin'], onCase: false, call: (c) => c.get('/v1/agency/stats') },
  { name: 'POST /v1/intake', access: 'intake', allowed: ['integrator'], onCase: false, call: (c, _id, today) => c.post('/v1/intake', intakeBody(`REF-${++intakes}`, today)) },
  { name: 'GET /v1/cases/:id/history', access: 'audit.history', allowed: AUDITORS, onCase: true, call: (c, id) => c.get(`/v1/cases/${id}/history`) },
  { name: 'GET /v1/cases/:id/as-of', access: 'audit.asOf', allowed: AUDITORS, onCase: true, call: (c, id, today) => c.get(`/v1/cases/${id}/as-of?at=${today}T15:59:59Z`) },
  { name: 'GET /v1/cases/:id/verify', access: 'audit.verify', allowed: AUDITORS, onCase: true, call: (c, id) => c.get(`/v1/cases/${id}/verify`) },
  { name: 'GET /v1/cases/:id/export', access: 'audit.export', allowed: AUDITORS, onCase: true, call: (c, id) => c.get(`/v1/cases/${id}/export`) },
  // supervisors (and auditors) see what is late or about to be (可督办); admins amend the official calendar
  { name: 'GET /v1/supervision/queue', access: 'supervision.queue', allowed: ['supervisor', 'auditor'], onCase: false, call: (c) => c.get('/v1/supervision/queue') },
  { name: 'GET /v1/admin/calendars/:id', access: 'calendars.read', allowed: ['admin', 'supervisor', 'auditor'], onCase: false, call: (c) => c.get('/v1/admin/calendars/CN') },
  { name: 'POST /v1/admin/calendars/:id/amendments', access: 'calendars.amend', allowed: ['admin'], onCase: false, call: (c) => c.post('/v1/admin/calendars/CN/amendments', { source: 'removes a date no calendar lists: changes nothing', removeDates: ['2031-03-03'] }) },
  // integrators (other government systems) subscribe to their own agency's case events
  { name: 'GET /v1/webhooks/subscriptions', access: 'webhooks.read', allowed: ['integrator'], onCase: false, call: (c) => c.get('/v1/webhooks/subscriptions') },
  { name: 'POST /v1/webhooks/subscriptions', access: 'webhooks.manage', allowed: ['integrator'], onCase: false, call: (c) => c.post('/v1/webhooks/subscriptions', { url: 'http://127.0.0.1:9/hook', eventTypes: ['*'] }) },
  // the applicant's personal data in each envelope: a grant beside integrator, never self-granted
  {
    name: 'POST /v1/webhooks/subscriptions (scope applicant-data)',
    access: 'webhooks.applicant-data',
    allowed: ['applicant-data-recipient'],
    onCase: false,
    beside: 'integrator',
    call: (c) => c.post('/v1/webhooks/subscriptions', { url: 'http://127.0.0.1:9/personal', eventTypes: ['*'], scopes: ['applicant-data'] }),
  },
  ...COMMAND_TYPES.map(
    (type): Route => ({
      name: `POST /v1/cases/:id/${COMMAND_ROUTES[type]}`,
      access: `command.${type}`,
      allowed: EXPECTED_COMMANDS[type],
      onCase: true,
      call: (c, id, today) => c.command(id, type, commandBody(type, today)),
    }),
  ),
];

t.test('the matrix written here is the one access.ts enforces', async (t) => {
  for (const type of COMMAND_TYPES) t.same([...COMMAND_ROLES[type]].sort(), [...EXPECTED_COMMANDS[type]].sort(), `command ${type}`);
  t.same(Object.keys(COMMAND_ROLES).sort(), [...COMMAND_TYPES].sort(), 'every command has an entry');
  const routeEntries = Object.entries(ROUTE_ROLES).filter(([k]) => k !== 'public');
  for (const [access, roles] of routeEntries) {
    const route = ROUTES.find((r) => r.access === access);
    t.ok(route, `${access} is exercised here`);
    if (route) t.same([...roles].sort(), [...route.allowed].sort(), `${access} (${route.name})`);
  }
  t.same(ROUTE_ROLES.public, [], 'public routes need no role');
  for (const role of ['auditor', 'integrator', 'applicant-data-recipient', 'admin'] as const) t.notOk(Object.values(COMMAND_ROLES).some((roles) => roles.includes(role)), `${role}s change no case`);
});

t.test('role × route × own/other agency', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const today = '2025-10-09';
  app.setNow(at(today));
  const demoStaff = await callerAs(app, 'caseworker', 'setup-demo');
  const otherStaff = await callerAs(app, 'caseworker', 'setup-other', 'other');
  const callers = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await callerAs(app, r)] as const))) as Record<(typeof ROLES)[number], Caller>;

  /** A registered case of an agency, received today. */
  const registeredCase = async (by: Caller) => {
    const id = (await by.post('/v1/cases', receiveBody(today))).json().caseId as string;
    t.equal((await by.command(id, 'registerRequest', {})).statusCode, 200);
    return id;
  };
  const otherCase = await registeredCase(otherStaff);
  const otherBefore = (await app.store.read(otherCase)).length;

  for (const route of ROUTES) {
    // each command route gets its own case, so one role's success does not decide another's answer
    const ownCase = route.onCase ? await registeredCase(demoStaff) : '00000000-0000-4000-8000-000000000000';
    for (const role of ROLES) {
      const caller = route.beside ? await callerAs(app, [...new Set([role, route.beside])]) : callers[role];
      const res = await route.call(caller, ownCase, today);
      if (route.allowed.includes(role)) {
        t.ok(res.statusCode !== 401 && res.statusCode !== 403, `${role} may ${route.name} (${res.statusCode})`, { body: res.body });
        if (route.onCase) {
          const elsewhere = await route.call(callers[role], otherCase, today);
          assertProblem(t, elsewhere, 'not-found', `${role} ${route.name} on another agency's case`);
        }
      } else {
        assertProblem(t, res, 'forbidden', `${role} may not ${route.name}`);
        if (route.onCase) assertProblem(t, await route.call(callers[role], otherCase, today), 'forbidden', `${role} ${route.name}, another agency's case`);
      }
    }
  }
  t.equal((await app.store.read(otherCase)).length, otherBefore, 'nothing reached the other agency’s case');
  // an auditor's looks are recorded too, in the audit stream: they change no case
  const forbiddenEvents = (await allEvents(app)).filter((e) => ['auditor', 'integrator', 'admin', 'reviewer'].includes(e.metadata.role) && e.type !== 'RequestReceived' && e.type !== 'ReplyApproved' && e.type !== 'ReplyReturned' && e.type !== CASE_ACCESSED_BY_AUDITOR);
  t.same(forbiddenEvents.map((e) => `${e.metadata.role}:${e.type}`), [], 'no event was recorded by a role not allowed to cause it');
});

t.test('another agency’s case is "not found" in the public view of it too, and probing it leaves no gap in our registration numbers', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  app.setNow(at('2025-10-09'));
  const cw = await callerAs(app, 'caseworker');
  const theirs = (await (await callerAs(app, 'caseworker', 'o-1', 'other')).post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
  const mine1 = (await cw.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
  const mine2 = (await cw.post('/v1/cases', receiveBody('2025-10-09'))).json().caseId as string;
  t.equal((await cw.command(mine1, 'registerRequest', {})).json().registrationNumber, 'demo-2025-1');
  assertProblem(t, await cw.command(theirs, 'registerRequest', {}), 'not-found', 'registering another agency’s case');
  assertProblem(t, await cw.command('3b241101-e2bb-4255-8caf-4136c566a962', 'registerRequest', {}), 'not-found', 'registering a case that does not exist');
  assertProblem(t, await cw.command(mine1, 'registerRequest', {}), 'command-not-allowed', 'registering a case twice');
  assertProblem(t, await cw.command(mine2, 'registerRequest', {}, { 'if-match': '"7"' }), 'precondition-failed', 'registering with a stale ETag');
  t.equal((await cw.command(mine2, 'registerRequest', {})).json().registrationNumber, 'demo-2025-2', 'the next number follows on: refused registrations took none');
});

t.test('no token, a bad signature, an expired token or a token without roles: 401', async (t) => {
  const app = await testApp();
  t.teardown(() => app.close());
  const key = new TextEncoder().encode(SECRET);
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims: Record<string, unknown>, secret: Uint8Array = key, exp: number = now + 3600) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('someone').setIssuedAt(now - 7200).setExpirationTime(exp).sign(secret);
  const tokens: Record<string, string | undefined> = {
    'no token': undefined,
    'a bad signature': await sign({ agency: 'demo', roles: ['supervisor'] }, new TextEncoder().encode('another-secret-another-secret-12')),
    'an expired token': await sign({ agency: 'demo', roles: ['supervisor'] }, key, now - 60),
    'a token without roles': await sign({ agency: 'demo' }),
    'a token with no role in its list': await sign({ agency: 'demo', roles: [] }),
    'a token with an unknown role': await sign({ agency: 'demo', roles: ['superuser'] }),
    'a token without an agency': await sign({ roles: ['supervisor'] }),
    'an unsigned token': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', agency: 'demo', roles: ['supervisor'], exp: now + 3600 })).toString('base64url')}.`,
    'not a JWT': 'hello',
  };
  const valid = await sign({ agency: 'demo', roles: ['supervisor'] });
  t.not((await new Caller(app.app, valid).get('/v1/cases')).statusCode, 401, 'the same token, properly signed and in date, is accepted');
  const before = (await allEvents(app)).length;
  for (const [what, token] of Object.entries(tokens)) {
    for (const route of ROUTES.filter((r) => ['cases.create', 'cases.list', 'cases.get', 'queue', 'agency.stats', 'intake', 'command.approveExtension'].includes(r.access))) {
      const res = await route.call(new Caller(app.app, token), '3b241101-e2bb-4255-8caf-4136c566a962', '2025-09-26');
      assertProblem(t, res, 'unauthorized', `${what}: ${route.name}`);
    }
  }
  const basic = await app.app.inject({ method: 'GET', url: '/v1/cases', headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } });
  assertProblem(t, basic, 'unauthorized', 'Basic auth');
  t.equal((await allEvents(app)).length, before, 'nothing was recorded');
});
