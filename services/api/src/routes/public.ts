import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isIsoDate } from '@disclosure/calendar';
import { applicantSchema, localDate, requestContentSchema, type CaseCommand } from '@disclosure/domain';
import { rowDeadline } from '@disclosure/read-models';
import { uuidV5, type LoadedCase } from '../commands/caseService.js';
import { etagOf } from '../http/conditional.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';
import { accessCodeDigest, caseResponse, sameRequest, type CaseRouteOptions } from './cases.js';

const lookup = z.object({ registrationNumber: z.string().regex(/^[A-Za-z0-9_.]+-\d{4}-\d{1,9}$/, { error: 'expected {agency}-{year}-{seq}' }), accessCode: z.string().regex(/^[A-Za-z0-9]{6,20}$/, { error: 'expected the access code given at registration' }) }).strict();
const rating = lookup.extend({ rating: z.enum(['satisfied', 'basically-satisfied', 'dissatisfied']), comment: z.string().trim().min(1).max(4000).optional() }).strict();
const intakeBody = z
  .object({
    sourceSystem: z.string().trim().min(1).max(200),
    sourceReference: z.string().trim().min(1).max(200),
    statedReceiptDate: z.string().refine(isIsoDate, { error: 'expected a date YYYY-MM-DD' }),
    applicant: applicantSchema,
    request: requestContentSchema,
  })
  .strict();

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

  app.post('/v1/intake', { schema: { body: intakeBody, tags: ['integration'], summary: 'Another government system files a request (idempotent by its own reference)' }, config: { access: 'intake' } }, async (req, reply) => {
    const p = req.principal!;
    const agency = deps.agencies.get(p.agency);
    if (!agency) throw new HttpProblem('forbidden', `agency ${p.agency} is not served here`);
    const caseId = uuidV5(`${p.agency}/intake/${req.body.sourceSystem}/${req.body.sourceReference}`);
    const today = localDate(now().toISOString(), deps.agencies.timeZone(p.agency));
    let loaded: LoadedCase;
    let created = true;
    const data = { jurisdiction: agency.jurisdiction, channel: 'system', evidence: { statedReceiptDate: req.body.statedReceiptDate, sourceSystem: req.body.sourceSystem, sourceReference: req.body.sourceReference }, applicant: req.body.applicant, request: req.body.request };
    try {
      const command = { type: 'receiveRequest', caseId, at: now().toISOString(), actor: { id: p.sub, agency: p.agency, role: 'integrator' }, data } as CaseCommand;
      loaded = await cases.execute(command, { role: 'integrator', correlationId: correlationIdOf(req.headers, req.id), eventId: (i) => uuidV5(`${caseId}/${i}`) });
    } catch (e) {
      if (!(e instanceof HttpProblem && (e.code === 'command-not-allowed' || e.code === 'concurrent-update'))) throw e;
      loaded = await cases.load(caseId, p.agency); // already filed: the same case answers
      created = false;
    }
    // a resend is the same request; the same reference with other content is the sender's error, not a retry
    if (!created && !sameRequest(loaded, data)) throw new HttpProblem('source-reference-reused', `${req.body.sourceSystem} ${req.body.sourceReference} was filed on ${loaded.state.receivedOn} with a different request; send a new reference`);
    return reply.code(created ? 201 : 200).header('Location', `/v1/cases/${caseId}`).header('ETag', etagOf(loaded.revision)).send(caseResponse(loaded, deps, today));
  });
};
