import { createHash, randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { addCalendarDays, canonicalJson, isIsoDate, type CalendarRegistry } from '@disclosure/calendar';
import { allowedCommands, commandDataSchema, deadlineOf, deadlineToday, localDate, refusalOf, type CaseCommand, type CaseCommandType } from '@disclosure/domain';
import { rowDeadline, type CasesTable, type RowDeadline } from '@disclosure/read-models';
import type { Selectable } from 'kysely';
import type { ApiDependencies } from '../app.js';
import type { RouteAccess } from '../auth/access.js';
import { CalendarBook } from '../calendars/calendarBook.js';
import { CaseService, uuidV5, type LoadedCase } from '../commands/caseService.js';
import { etagOf, ifMatchRevision } from '../http/conditional.js';
import { correlationIdOf } from '../http/correlation.js';
import { compareKeys, decodeCursor, encodeCursor } from '../http/cursor.js';
import { HttpProblem } from '../http/problems.js';

export interface CaseRouteOptions {
  readonly deps: ApiDependencies;
  readonly cases: CaseService;
  readonly now: () => Date;
}

/** The URL segment of each workflow command: `POST /v1/cases/{caseId}/{segment}`. */
export const COMMAND_ROUTES: Readonly<Record<Exclude<CaseCommandType, 'receiveRequest'>, string>> = {
  registerRequest: 'register',
  assignCase: 'assign',
  requestCorrection: 'request-correction',
  receiveCorrection: 'receive-correction',
  lapseCorrection: 'lapse-correction',
  consultThirdParty: 'consult-third-party',
  consultAgency: 'consult-agency',
  recordConsultationAnswer: 'record-consultation-answer',
  lapseConsultation: 'lapse-consultation',
  issueFeeNotice: 'issue-fee-notice',
  recordFeePayment: 'record-fee-payment',
  lapseFee: 'lapse-fee',
  approveExtension: 'approve-extension',
  referCase: 'refer',
  linkCase: 'link',
  withdrawRequest: 'withdraw',
  submitForReview: 'submit-for-review',
  approveReply: 'approve-reply',
  returnReply: 'return-reply',
  issueReply: 'reply',
  archiveCase: 'archive',
  recordAppealOutcome: 'record-appeal-outcome',
  recordApplicantRating: 'record-rating',
  instructSupervision: 'instruct-supervision',
  answerSupervision: 'answer-supervision',
  overrideDeadline: 'override-deadline',
};

const caseParams = z.object({ caseId: z.uuid({ error: 'a case id is a uuid' }) }).strict();
const createBody = commandDataSchema('receiveRequest').omit({ jurisdiction: true });
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'an Idempotency-Key is 1–200 visible ASCII characters' });
const day = z.string().refine(isIsoDate, { error: 'expected a date YYYY-MM-DD' });
const listQuery = z
  .object({
    state: z.string().regex(/^[a-zA-Z]{1,40}$/).optional(),
    assignee: z.string().min(1).max(128).optional(),
    dueBefore: day.optional(),
    overdue: z.enum(['true', 'false']).optional(),
    provisional: z.enum(['true', 'false']).optional(),
    q: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(400).optional(),
  })
  .strict();

const queueQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(400).optional() }).strict();

/** The access code an applicant uses with the registration number (可查询、可跟踪): 10 characters, no look-alikes. */
export function newAccessCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  return [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
}
export const accessCodeDigest = (code: string) => createHash('sha256').update(code.toUpperCase()).digest('hex');

/** Case routes: create, list, read, deadline, and one route per workflow command. */
export const caseRoutes: FastifyPluginAsyncZod<CaseRouteOptions> = async (app, { deps, cases, now }) => {
  const today = (agency: string) => localDate(now().toISOString(), deps.agencies.timeZone(agency));
  const present = (loaded: LoadedCase, agency: string) => caseResponse(loaded, deps, today(agency));
  const shownAsJson = caseJson(deps);

  app.post(
    '/v1/cases',
    { schema: { body: createBody, headers: z.object({ 'idempotency-key': idempotencyKey.optional() }).passthrough(), tags: ['cases'], summary: 'Receive a request (接收)' }, config: { access: 'cases.create' } },
    async (req, reply) => {
      const p = req.principal!;
      const agency = deps.agencies.get(p.agency);
      if (!agency) throw new HttpProblem('forbidden', `agency ${p.agency} is not served here`);
      const key = req.headers['idempotency-key'] as string | undefined;
      const requestHash = key ? createHash('sha256').update(canonicalJson(req.body)).digest('hex') : ''; // only a key's replay compares it
      if (key) {
        const seen = await deps.db.selectFrom('idempotency_keys').selectAll().where('agency', '=', p.agency).where('key', '=', key).executeTakeFirst();
        if (seen) {
          if (seen.request_hash !== requestHash) throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key came with a different body');
          const body = JSON.parse(seen.response) as { caseId: string; revision: number };
          return reply.code(seen.status_code).header('Location', `/v1/cases/${body.caseId}`).header('ETag', etagOf(body.revision)).header('Idempotent-Replayed', 'true').send(body);
        }
      }
      const caseId = key ? uuidV5(`${p.agency}/cases/${key}`) : crypto.randomUUID();
      let loaded: LoadedCase;
      try {
        const command = { type: 'receiveRequest', caseId, at: now().toISOString(), actor: actorOf(req), data: { ...req.body, jurisdiction: agency.jurisdiction } } as CaseCommand;
        loaded = await cases.execute(command, { role: req.role!, correlationId: correlationIdOf(req.headers, req.id), ...(key ? { eventId: (i: number) => uuidV5(`${caseId}/${i}`) } : {}) });
      } catch (e) {
        // the same key raced in from two requests: the first created the case, this one answers with it
        if (!(key && e instanceof HttpProblem && (e.code === 'command-not-allowed' || e.code === 'concurrent-update'))) throw e;
        loaded = await cases.load(caseId, p.agency);
      }
      // the same key raced in with another body: the case holds the other request, so this one is not its retry
      if (key && !sameRequest(loaded, req.body)) throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key came with a different body');
      const body = present(loaded, p.agency);
      if (key)
        await deps.db
          .insertInto('idempotency_keys')
          .values({ agency: p.agency, key, request_hash: requestHash, status_code: 201, response: JSON.stringify(body), created_at: now().toISOString() })
          .onConflict((oc) => oc.columns(['agency', 'key']).doNothing())
          .execute();
      return reply.code(201).header('Location', `/v1/cases/${caseId}`).header('ETag', etagOf(loaded.revision)).send(body);
    },
  );

  app.get('/v1/cases', { schema: { querystring: listQuery, tags: ['cases'], summary: 'List cases (filters, cursor pagination)' }, config: { access: 'cases.list' } }, async (req) => {
    const p = req.principal!;
    const q = req.query;
    const t = today(p.agency);
    let query = deps.db.selectFrom('cases').selectAll().where('agency', '=', p.agency);
    if (q.state) query = query.where('status', '=', q.state);
    if (q.assignee) query = query.where('assignee_id', '=', q.assignee);
    // A stored due date never runs ahead of the one as of today (an open pause only moves it later):
    // the SQL bound keeps every candidate, the check after it drops paused cases now due later.
    if (q.dueBefore) query = query.where('due_date', '<', q.dueBefore);
    if (q.overdue === 'true') query = query.where('overdue_from', '<=', t);
    if (q.overdue === 'false') query = query.where((eb) => eb.or([eb('overdue_from', '>', t), eb('overdue_from', 'is', null)]));
    if (q.provisional) query = query.where('provisional', '=', q.provisional === 'true');
    if (q.q) {
      const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('registration_number', 'ilike', like), eb('description', 'ilike', like), eb('applicant_name', 'ilike', like)]));
    }
    const dueKey = sql<string>`coalesce(due_date, '9999-12-31'::date)`;
    if (q.cursor) {
      const [due, id] = decodeCursor(q.cursor);
      query = query.where(sql<boolean>`(${dueKey}, case_id) > (${due}::date, ${id})`);
    }
    const rows = await query.orderBy(dueKey).orderBy('case_id').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const items = page.map((r) => listItem(r, rowDeadline(r, t, deps.calendars)));
    return {
      // a page can hold fewer than `limit` items when dueBefore drops paused cases: follow nextCursor until null
      items: q.dueBefore ? items.filter((i) => i.dueDate !== null && i.dueDate < q.dueBefore!) : items,
      nextCursor: rows.length > q.limit && last ? encodeCursor([last.due_date ?? '9999-12-31', last.case_id]) : null,
    };
  });

  app.get('/v1/cases/:caseId', { schema: { params: caseParams, tags: ['cases'], summary: 'A case as its stream says now (ETag = revision)' }, config: { access: 'cases.get' } }, async (req, reply) => {
    const loaded = await cases.load(req.params.caseId, req.principal!.agency);
    return reply.header('ETag', etagOf(loaded.revision)).type('application/json; charset=utf-8').send(shownAsJson(loaded, today(req.principal!.agency)));
  });

  app.get('/v1/cases/:caseId/deadline', { schema: { params: caseParams, tags: ['cases'], summary: 'The due date, explained day by day' }, config: { access: 'cases.deadline' } }, async (req, reply) => {
    const loaded = await cases.load(req.params.caseId, req.principal!.agency);
    const d = deadlineOf(loaded.state, { calendars: deps.calendars }, { asOf: today(req.principal!.agency), explain: true });
    return reply.header('ETag', etagOf(loaded.revision)).send(d);
  });

  for (const [type, segment] of Object.entries(COMMAND_ROUTES) as [Exclude<CaseCommandType, 'receiveRequest'>, string][]) {
    const body = type === 'registerRequest' ? z.object({}).strict() : commandDataSchema(type);
    app.post(
      `/v1/cases/:caseId/${segment}`,
      { schema: { params: caseParams, body, tags: ['commands'], summary: type }, config: { access: `command.${type}` as RouteAccess } },
      async (req, reply) => {
        const p = req.principal!;
        const ifMatch = ifMatchRevision(req.headers['if-match']);
        let data: unknown = req.body;
        let accessCode: string | undefined;
        if (type === 'registerRequest') {
          const year = Number(today(p.agency).slice(0, 4));
          // a number is taken only for a case that can be registered now: a refused registration leaves no gap
          const trial = { type, caseId: req.params.caseId, at: now().toISOString(), actor: actorOf(req), data: { registrationNumber: `${p.agency}-${year}-0`, accessCodeDigest: '0'.repeat(64) } } as CaseCommand;
          await cases.check(trial, { role: req.role!, correlationId: req.id, ...(ifMatch === undefined ? {} : { ifMatch }) });
          // The sequence lives beside the read models, which can be dropped and rebuilt: a missing row
          // starts after the highest number the (rebuilt) cases table holds, never back at 1.
          const seq = await sql<{ last: number }>`INSERT INTO registration_sequences (agency, year, last)
            VALUES (${p.agency}, ${year}, 1 + coalesce((SELECT max(split_part(registration_number, '-', 3)::int) FROM cases
              WHERE agency = ${p.agency} AND registration_number LIKE ${`${p.agency}-${year}-%`}), 0))
            ON CONFLICT (agency, year) DO UPDATE SET last = registration_sequences.last + 1 RETURNING last`.execute(deps.db);
          accessCode = newAccessCode();
          data = { registrationNumber: `${p.agency}-${year}-${seq.rows[0]!.last}`, accessCodeDigest: accessCodeDigest(accessCode) };
        }
        const command = { type, caseId: req.params.caseId, at: now().toISOString(), actor: actorOf(req), data } as CaseCommand;
        const result = await cases.execute(command, { role: req.role!, correlationId: correlationIdOf(req.headers, req.id), ...(ifMatch === undefined ? {} : { ifMatch }) });
        return reply.header('ETag', etagOf(result.revision)).send({ ...present(result, p.agency), ...(accessCode ? { accessCode } : {}) });
      },
    );
  }

  app.get('/v1/queue', { schema: { querystring: queueQuery, tags: ['cases'], summary: 'My open cases, due soonest first (as of today)' }, config: { access: 'queue' } }, async (req) => {
    const p = req.principal!;
    const t = today(p.agency);
    // Sorted on the due dates as of today — a paused case's date has moved on since its row was
    // written — so the caller's open cases are read whole (a caseworker holds hundreds, not more).
    const rows = await deps.db.selectFrom('work_queue').selectAll().where('agency', '=', p.agency).where('assignee_id', '=', p.sub).limit(QUEUE_CAP).execute();
    const key = (i: { dueDate: string | null; caseId: string }): [string, string] => [i.dueDate ?? '9999-12-31', i.caseId];
    const after = req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
    const sorted = rows
      .map((r) => ({ caseId: r.case_id, registrationNumber: r.registration_number, status: r.status, provisional: r.provisional, ...rowDeadline(r, t, deps.calendars) }))
      .sort((a, b) => compareKeys(key(a), key(b)))
      .filter((i) => !after || compareKeys(key(i), after) > 0);
    const page = sorted.slice(0, req.query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: sorted.length > page.length && last ? encodeCursor(key(last)) : null };
  });

  app.get('/v1/agency/stats', { schema: { tags: ['cases'], summary: 'Open, due this week, overdue, on-time rate, replies by outcome' }, config: { access: 'agency.stats' } }, async (req) => {
    const p = req.principal!;
    const t = today(p.agency);
    const counters = await deps.db.selectFrom('agency_stats').selectAll().where('agency', '=', p.agency).executeTakeFirst();
    const weekEnd = addCalendarDays(t, 7);
    const open = await deps.db
      .selectFrom('cases')
      .select([sql<string>`count(*) filter (where overdue_from <= ${t})`.as('overdue'), sql<string>`count(*) filter (where clock_status <> 'paused' and due_date >= ${t} and due_date < ${weekEnd})`.as('due_this_week')])
      .where('agency', '=', p.agency)
      .where('is_open', '=', true)
      .executeTakeFirstOrThrow();
    // a paused case's due date moves on each day: those few are counted on their dates as of today
    const paused = await deps.db.selectFrom('cases').select(['due_date', 'clock_facts']).where('agency', '=', p.agency).where('is_open', '=', true).where('clock_status', '=', 'paused').where('due_date', '<', weekEnd).execute();
    const pausedDueThisWeek = paused.map((r) => rowDeadline(r, t, deps.calendars).dueDate).filter((d) => d !== null && d >= t && d < weekEnd).length;
    const c = counters ?? { received: 0, open_cases: 0, replies: 0, replies_on_time: 0, withdrawn: 0, abandoned: 0, outcome_disclosed: 0, outcome_partly_disclosed: 0, outcome_withheld: 0, outcome_cannot_provide: 0, outcome_not_handled: 0, outcome_other: 0 };
    return {
      agency: p.agency,
      asOf: t,
      received: c.received,
      open: c.open_cases,
      dueThisWeek: Number(open.due_this_week) + pausedDueThisWeek,
      overdue: Number(open.overdue),
      replies: c.replies,
      onTimeRate: c.replies ? c.replies_on_time / c.replies : null, // 受理一件按时答复一件
      withdrawn: c.withdrawn,
      abandoned: c.abandoned,
      repliesByOutcome: { disclosed: c.outcome_disclosed, partlyDisclosed: c.outcome_partly_disclosed, withheld: c.outcome_withheld, cannotProvide: c.outcome_cannot_provide, notHandled: c.outcome_not_handled, other: c.outcome_other },
    };
  });
};

function actorOf(req: { principal?: { sub: string; agency: string; name?: string }; role?: string }) {
  const p = req.principal!;
  return { id: p.sub, agency: p.agency, role: req.role!, ...(p.name ? { name: p.name } : {}) };
}

/**
 * Whether a case was received from this very request body (the receipt as recorded against what was
 * sent), leaving out the evidence fields `derived` that the server sets itself and a resend may not repeat.
 * @example sameRequest(loaded, receive.data, ['arrivedOn']) // an intake resent on a later day is the same filing
 */
export function sameRequest(loaded: LoadedCase, body: object, derived: readonly string[] = []): boolean {
  const sent = (evidence: unknown) => Object.fromEntries(Object.entries(evidence as object).filter(([k]) => !derived.includes(k)));
  const pick = (v: Record<string, unknown>) => JSON.parse(JSON.stringify({ channel: v.channel, evidence: sent(v.evidence), applicant: v.applicant, request: v.request })) as unknown;
  return canonicalJson(pick(loaded.events[0]!.data as Record<string, unknown>)) === canonicalJson(pick(body as Record<string, unknown>));
}

const QUEUE_CAP = 5_000;

/** A case as the API shows it to its agency's staff. */
export function caseResponse(loaded: LoadedCase, deps: Pick<ApiDependencies, 'calendars'>, today: string) {
  const s = loaded.state;
  const d = deadlineToday(s.clock!, { calendars: deps.calendars }, today);
  return {
    caseId: s.caseId!,
    agency: s.agency!,
    registrationNumber: s.registrationNumber ?? null,
    status: s.status,
    channel: s.channel!,
    receivedOn: s.receivedOn!,
    applicant: s.applicant!,
    request: s.request!,
    assignee: s.assignee ?? null,
    deadline: { dueDate: d.dueDate, periodEndsOn: d.periodEndsOn, status: d.status, provisional: d.provisional, missingYears: d.missingYears, overridden: d.overridden, pausedDays: d.pausedDays, extension: d.extension, overdue: s.closedOn === undefined && d.overdue, workingDaysLeft: s.closedOn === undefined ? d.workingDaysLeft : null },
    consultations: s.consultations,
    fee: s.fee ?? null,
    draft: s.draft ?? null,
    reply: s.reply ?? null,
    closure: s.closure ?? null,
    closedOn: s.closedOn ?? null,
    archivedOn: s.archivedOn ?? null,
    appeals: s.appeals,
    rating: s.rating ?? null,
    // each referral with, when the agency referred to could not receive it, why (its case is then not made there)
    referrals: s.referrals.map((r) => ({ ...r, refusal: refusalOf(s, r.toAgency) })),
    links: s.links,
    instructions: s.instructions,
    revision: loaded.revision,
    allowedCommands: allowedCommands(s).flatMap((c) => (c === 'receiveRequest' ? [] : [COMMAND_ROUTES[c]])),
  };
}

/**
 * {@link caseResponse} as JSON, kept per fold of a case (a WeakMap: it goes when the fold does) and
 * made again only for another day or after a calendar amendment (a CalendarBook's snapshot is a new
 * object then), the only other things it depends on. A case read again unchanged — the case
 * service answers the fold it holds — is then neither presented nor serialized again.
 */
function caseJson(deps: Pick<ApiDependencies, 'calendars'>): (loaded: LoadedCase, today: string) => string {
  const shown = new WeakMap<LoadedCase, { readonly today: string; readonly calendars: CalendarRegistry; readonly json: string }>();
  return (loaded, today) => {
    const calendars = deps.calendars instanceof CalendarBook ? deps.calendars.snapshot() : deps.calendars;
    const held = shown.get(loaded);
    if (held && held.today === today && held.calendars === calendars) return held.json;
    const json = JSON.stringify(caseResponse(loaded, deps, today));
    shown.set(loaded, { today, calendars, json });
    return json;
  };
}

function listItem(r: Selectable<CasesTable>, d: RowDeadline) {
  return {
    caseId: r.case_id,
    registrationNumber: r.registration_number,
    status: r.status,
    assignee: r.assignee_id,
    receivedOn: r.received_on,
    dueDate: d.dueDate,
    provisional: r.provisional,
    clockStatus: d.clockStatus,
    overdue: r.is_open && d.overdue,
    workingDaysLeft: r.is_open ? d.workingDaysLeft : null,
    outcome: r.outcome_kind,
    applicantKind: r.applicant_kind,
  };
}
