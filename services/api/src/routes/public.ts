import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { localDate, type CaseCommand } from '@disclosure/domain';
import { rowDeadline } from '@disclosure/read-models';
import { uuidV5, type LoadedCase } from '../commands/caseService.js';
import { etagOf } from '../http/conditional.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';
import { intakeBodySchema, intakeCaseId, intakeCommands, type IntakeBody, type IntakeFiling } from '../intake/intake.js';
import { routeRequest } from '../platforms/routingTable.js';
import { accessCodeDigest, caseResponse, sameRequest, type CaseRouteOptions } from './cases.js';

const lookup = z.object({ registrationNumber: z.string().regex(/^[A-Za-z0-9_.]+-\d{4}-\d{1,9}$/, { error: 'expected {agency}-{year}-{seq}' }), accessCode: z.string().regex(/^[A-Za-z0-9]{6,20}$/, { error: 'expected the access code given at registration' }) }).strict();
const rating = lookup.extend({ rating: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']), comment: z.string().trim().min(1).max(4000).optional() }).strict();

/** Applicants (no login, rate-limited; 可查询、可评价) and other government systems (intake). */
export const publicRoutes: FastifyPluginAsyncZod<CaseRouteOptions> = async (app, { deps, cases, now }) => {
  const limit = { rateLimit: { max: deps.publicRateLimit ?? 60, timeWindow: '1 minute' } };

  /** The case a registration number and access code open, or 404 (never saying which was wrong). */
  const findCase = async (registrationNumber: string, accessCode: string) => {
    const row = await deps.db.selectFrom('public_status').selectAll().where('registration_number', '=', registrationNumber).executeTakeFirst();
    if (!row || row.access_code_digest !== accessCodeDigest(accessCode)) throw new HttpProblem('not-found', 'no request with that registration number and access code');
    return row;
  };

  app.get('/v1/public/status', { schema: { querystring: lookup, tags: ['public'], summary: 'An applicant looks up a request (可查询、可跟踪)', security: [] }, config: { access: 'public', ...limit } }, async (req) => {
    const row = await findCase(req.query.registrationNumber, req.query.accessCode);
    const today = localDate(now().toISOString(), deps.agencies.timeZone(row.agency));
    const dueDate = row.due_date === null ? null : rowDeadline(row, today, deps.calendars).dueDate; // as of today: an open consultation moves it on
    return { registrationNumber: row.registration_number, status: row.status, receivedOn: row.received_on, dueDate, repliedOn: row.replied_on, outcome: row.outcome_kind, updatedAt: row.updated_at };
  });

  app.post('/v1/public/rating', { schema: { body: rating, tags: ['public'], summary: 'An applicant rates the reply (可评价)', security: [] }, config: { access: 'public', ...limit } }, async (req, reply) => {
    const row = await findCase(req.body.registrationNumber, req.body.accessCode);
    const command = {
      type: 'recordApplicantRating',
      caseId: row.case_id,
      at: now().toISOString(),
      actor: { id: `applicant:${row.registration_number}`, role: 'applicant', agency: row.agency },
      data: { rating: req.body.rating, ...(req.body.comment ? { comment: req.body.comment } : {}) },
    } as CaseCommand;
    await cases.execute(command, { role: 'applicant', correlationId: correlationIdOf(req.headers, req.id) });
    return reply.code(202).send({ registrationNumber: row.registration_number, rating: req.body.rating });
  });

  /**
   * Where an intake goes: the token's own agency; for a platform's token (its `agency` claim is a
   * platform id of the routing table), the agency its rules name (按责转办), recorded with the rule.
   */
  const destination = (filedBy: string, body: IntakeBody): { agency: string; platform?: IntakeFiling['platform']; routedBy?: IntakeFiling['routedBy'] } => {
    const platform = deps.platformRouting?.[filedBy];
    if (!platform) return { agency: filedBy };
    if (body.referral) throw new HttpProblem('validation-failed', 'a platform’s request is routed by its table; a referral comes from an agency’s own token', { fields: [{ path: 'body.referral', message: 'not accepted from a platform' }] });
    const facts = { ...(body.category ? { category: body.category } : {}), ...(body.regionCode ? { regionCode: body.regionCode } : {}) };
    const route = routeRequest(platform, facts);
    if (!route) throw new HttpProblem('no-routing-rule', `no rule of platform ${filedBy} matches category ${body.category ?? '(none)'} and region ${body.regionCode ?? '(none)'}, and it has no default (按责转办 needs an agency to route to)`, { platformId: filedBy, ...facts });
    if (!deps.agencies.get(route.agency)) throw new HttpProblem('routed-agency-not-served', `rule ${route.rule} of platform ${filedBy} names agency ${route.agency}, which this instance does not serve`, { platformId: filedBy, agency: route.agency, rule: route.rule });
    return { agency: route.agency, platform: platform.kind, routedBy: { platformId: filedBy, rule: route.rule, ...facts } };
  };

  app.post('/v1/intake', { schema: { body: intakeBodySchema, tags: ['integration'], summary: 'Another government system, a provincial platform or a referring agency files a request (idempotent by its own reference)' }, config: { access: 'intake' } }, async (req, reply) => {
    const p = req.principal!;
    const to = destination(p.agency, req.body);
    const agency = deps.agencies.get(to.agency);
    if (!agency) throw new HttpProblem('forbidden', `agency ${p.agency} is not served here`);
    const caseId = intakeCaseId(p.agency, req.body.sourceSystem, req.body.sourceReference);
    const at = now().toISOString();
    const filing = { caseId, at, actor: { id: p.sub, agency: agency.id, role: 'integrator' as const }, jurisdiction: agency.jurisdiction, ...(to.platform ? { platform: to.platform } : {}), ...(to.routedBy ? { routedBy: to.routedBy } : {}) };
    const [receive, ...then] = intakeCommands(req.body, filing);
    const created = await cases.createWith(receive, then, { role: 'integrator', correlationId: correlationIdOf(req.headers, req.id), eventId: (i) => uuidV5(`${caseId}/${i}`) });
    let loaded: LoadedCase;
    try {
      loaded = created ?? (await cases.load(caseId, agency.id)); // already filed: the same case answers
    } catch (e) {
      if (!(e instanceof HttpProblem && e.code === 'not-found')) throw e;
      throw new HttpProblem('source-reference-reused', `${req.body.sourceSystem} ${req.body.sourceReference} was filed before and routed to another agency; send a new reference`);
    }
    // a resend is the same request; the same reference with other content is the sender's error, not a retry.
    // The day it arrived is ours, not the sender's: a resend on a later day arrives later. So, for a referral, is the
    // stated day, taken from its referral day (compared inside `referral`), which a zone ahead can move by one.
    if (!created && !sameRequest(loaded, receive.data, req.body.referral ? ['arrivedOn', 'statedReceiptDate'] : ['arrivedOn'])) throw new HttpProblem('source-reference-reused', `${req.body.sourceSystem} ${req.body.sourceReference} was filed on ${loaded.state.receivedOn} with a different request; send a new reference`);
    const today = localDate(at, deps.agencies.timeZone(agency.id));
    return reply.code(created ? 201 : 200).header('Location', `/v1/cases/${caseId}`).header('ETag', etagOf(loaded.revision)).send(caseResponse(loaded, deps, today));
  });
};
