import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { isIsoDate } from '@disclosure/calendar';
import { deadlineToday, localDate, type CaseCommand, type CaseEventData } from '@disclosure/domain';
import type { ApiDependencies } from '../app.js';
import { uuidV5, type CaseService, type LoadedCase } from '../commands/caseService.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';

/** Who a payment the platform confirms is recorded as (metadata `actor`). */
export const PAYMENT_PLATFORM_ACTOR = 'unified-payment-platform';

export interface PaymentRouteOptions {
  readonly deps: ApiDependencies;
  readonly cases: CaseService;
  readonly now: () => Date;
  /** The `whsec_…` secret the payment platform signs its callbacks with (PAYMENT_CALLBACK_SECRET). */
  readonly secret: string;
}

const day = z.string().refine(isIsoDate, { error: 'expected a date YYYY-MM-DD' });
const callbackBody = z
  .object({
    caseId: z.uuid({ error: 'a case id is a uuid' }).optional(),
    registrationNumber: z.string().regex(/^[A-Za-z0-9_.]+-\d{4}-\d{1,9}$/, { error: 'expected {agency}-{year}-{seq}' }).optional(),
    /** The fee notice paid: the day it was issued (a case has one open notice at a time). */
    noticeIssuedOn: day,
    /** In the notice's unit (yuan for CNY). */
    amount: z.number().int().min(0).max(100_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    paidOn: day,
    /** The platform's payment reference (缴款凭证号): a callback repeated with it records nothing new. */
    paymentReference: z.string().trim().min(1).max(200),
  })
  .strict()
  .refine((b) => (b.caseId === undefined) !== (b.registrationNumber === undefined), { error: 'give the case by caseId or by registrationNumber, one of them', path: ['caseId'] });

/**
 * The unified online payment platform's confirmation (统一公共支付平台): signed as a Standard
 * Webhook with PAYMENT_CALLBACK_SECRET, it records the fee as paid (`recordFeePayment`, 国办函〔2020〕109号),
 * which ends the fee pause and resumes the reply clock. The signature is checked over the raw bytes
 * before anything else reads the body, so an unsigned, wrongly signed or stale callback (more than
 * five minutes off) is refused and records nothing.
 */
export const paymentRoutes: FastifyPluginAsyncZod<PaymentRouteOptions> = async (app, { deps, cases, now, secret }) => {
  const webhook = new Webhook(secret);
  // this plugin's own JSON parser (encapsulated: the other routes keep fastify's)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(' ') : (v ?? '');
    };
    try {
      webhook.verify(body as string, { 'webhook-id': header('webhook-id'), 'webhook-timestamp': header('webhook-timestamp'), 'webhook-signature': header('webhook-signature') }, { jsonParse: false });
    } catch (e) {
      done(new HttpProblem('payment-signature-invalid', `the callback is not signed with the payment platform's secret: ${e instanceof Error ? e.message : String(e)}`), undefined);
      return;
    }
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new HttpProblem('malformed-json', 'the body is not valid JSON'), undefined);
    }
  });

  /** The case the callback names, wherever it is filed on this instance. */
  const caseOf = async (body: z.infer<typeof callbackBody>): Promise<LoadedCase> => {
    let query = deps.db.selectFrom('cases').select(['case_id', 'agency']);
    query = body.caseId ? query.where('case_id', '=', body.caseId) : query.where('registration_number', '=', body.registrationNumber!);
    const row = await query.executeTakeFirst();
    if (!row) throw new HttpProblem('not-found', `no case ${body.caseId ?? body.registrationNumber} here`);
    return cases.load(row.case_id, row.agency);
  };

  const answer = (loaded: LoadedCase, recorded: boolean) => {
    const s = loaded.state;
    const d = deadlineToday(s.clock!, { calendars: deps.calendars }, localDate(now().toISOString(), deps.agencies.timeZone(s.agency!)));
    return { caseId: s.caseId!, registrationNumber: s.registrationNumber ?? null, status: s.status, fee: s.fee ?? null, dueDate: d.dueDate, recorded };
  };
  const paidWith = (loaded: LoadedCase, reference: string) => loaded.events.some((e) => e.type === 'FeePaid' && (e.data as CaseEventData<'FeePaid'>).reference === reference);

  app.post(
    '/v1/payments/callback',
    { schema: { body: callbackBody, tags: ['integration'], summary: 'The unified payment platform confirms a fee paid (Standard Webhooks signature)', security: [] }, config: { access: 'public' } },
    async (req) => {
      const body = req.body;
      const loaded = await caseOf(body);
      if (paidWith(loaded, body.paymentReference)) return answer(loaded, false); // the platform's retry: already recorded
      const s = loaded.state;
      // a fee lapse recorded before a payment made within the period was reported: the payment undoes it (the domain checks the day)
      const awaiting = s.status === 'awaitingFee' || (s.status === 'abandoned' && s.closure === 'fee-lapsed');
      if (!awaiting || !s.fee || s.fee.noticeOn !== body.noticeIssuedOn)
        throw new HttpProblem('no-open-fee-notice', s.fee && awaiting ? `the fee notice awaiting payment was issued on ${s.fee.noticeOn}, not ${body.noticeIssuedOn}` : `the case is ${s.status}, with no fee notice awaiting payment`, { caseStatus: s.status });
      const notice = loaded.events.findLast((e) => e.type === 'FeeNoticeIssued')!.data as CaseEventData<'FeeNoticeIssued'>;
      if (body.amount !== notice.amount || (body.currency !== undefined && body.currency !== notice.currency))
        throw new HttpProblem('payment-amount-mismatch', `the notice of ${notice.noticeOn} asks for ${notice.amount} ${notice.currency}; the platform reports ${body.amount} ${body.currency ?? notice.currency}`, { expected: { amount: notice.amount, currency: notice.currency } });
      const caseId = s.caseId!;
      const command = {
        type: 'recordFeePayment',
        caseId,
        at: now().toISOString(),
        actor: { id: PAYMENT_PLATFORM_ACTOR, agency: s.agency!, role: 'integrator' },
        data: { paidOn: body.paidOn, amount: body.amount, reference: body.paymentReference },
      } as CaseCommand;
      try {
        return answer(await cases.execute(command, { role: 'integrator', correlationId: correlationIdOf(req.headers, req.id), eventId: () => uuidV5(`${caseId}/FeePaid/${body.paymentReference}`) }), true);
      } catch (e) {
        // the same callback racing in twice: the other one recorded it
        if (!(e instanceof HttpProblem && (e.code === 'command-not-allowed' || e.code === 'concurrent-update'))) throw e;
        const after = await cases.load(caseId, s.agency!);
        if (!paidWith(after, body.paymentReference)) throw e;
        return answer(after, false);
      }
    },
  );
};
