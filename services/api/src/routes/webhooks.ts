import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CASE_EVENT_TYPES } from '@disclosure/domain';
import { uuidV5 } from '@disclosure/event-store';
import {
  ALL_CASE_EVENTS,
  decodePositionCursor,
  DeliveryNotFound,
  SCOPES,
  SubscriptionIdReused,
  SubscriptionNotFound,
  TargetRefused,
  WebhookStateConflict,
  type Scope,
  type WebhookSubscriptions,
} from '@disclosure/webhooks';
import { actingRole, rolesFor, SCOPE_ACCESS } from '../auth/access.js';
import { correlationIdOf } from '../http/correlation.js';
import { HttpProblem } from '../http/problems.js';

export interface WebhookRouteOptions {
  readonly subscriptions: WebhookSubscriptions;
  readonly now: () => Date;
}

const BASE = '/v1/webhooks/subscriptions';
const TAGS = ['webhooks'];
const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'an Idempotency-Key is 1–200 visible ASCII characters' });
const subscriptionParams = z.object({ subscriptionId: z.uuid({ error: 'a subscription id is a uuid' }) }).strict();
const deliveryParams = subscriptionParams.extend({ deliveryId: z.uuid({ error: 'a delivery id (the webhook-id) is a uuid' }) }).strict();
const position = z.string().regex(/^\d{1,19}$/, { error: 'a global position: digits' });
const cursor = z.string().max(100).optional();
const limit = z.coerce.number().int().min(1).max(200).default(50);

const createBody = z
  .object({
    url: z.string().trim().min(1).max(2000),
    /** Case event types to receive, or `*` for all of them. */
    eventTypes: z.array(z.enum([ALL_CASE_EVENTS, ...CASE_EVENT_TYPES] as [string, ...string[]])).min(1).max(100),
    /** `applicant-data`: the applicant's personal data in each envelope (needs the `applicant-data-recipient` role). */
    scopes: z.array(z.enum(SCOPES)).max(10).default([]),
    description: z.string().trim().max(500).default(''),
  })
  .strict();
const rotateBody = z.object({ overlapSeconds: z.number().int().min(0).max(7 * 86_400).default(86_400) }).strict().default({ overlapSeconds: 86_400 });
const rangeBody = z
  .object({ fromPosition: position, toPosition: position })
  .strict()
  .refine((r) => BigInt(r.fromPosition) <= BigInt(r.toPosition), { error: 'fromPosition is after toPosition', path: ['toPosition'] });
const deliveriesQuery = z.object({ status: z.enum(['pending', 'failed', 'delivered', 'dead']).optional(), cursor, limit }).strict();
const deadLettersQuery = z.object({ cursor, limit }).strict();

/**
 * Webhook subscriptions (integrators, their own agency's): create one (the signing secret is in that
 * answer only), list, look at, pause, resume, rotate the secret, delete, send a test event; see its
 * deliveries (status, answer, attempts, next attempt), redeliver one or a range, and replay dead letters.
 * Another agency's subscription is not found.
 */
export const webhookRoutes: FastifyPluginAsyncZod<WebhookRouteOptions> = async (app, { subscriptions: subs, now }) => {
  const agency = (req: FastifyRequest) => req.principal!.agency;

  app.post(
    BASE,
    { schema: { body: createBody, headers: z.object({ 'idempotency-key': idempotencyKey.optional() }).passthrough(), tags: TAGS, summary: 'Subscribe to case events (the signing secret is returned here, once)' }, config: { access: 'webhooks.manage' } },
    async (req, reply) => {
      grantedScopes(req, req.body.scopes);
      const key = req.headers['idempotency-key'] as string | undefined;
      const made = await answer(() => subs.create({ agency: agency(req), createdBy: req.principal!.sub, ...req.body, ...(key ? { id: uuidV5(`${agency(req)}/webhooks/${key}`) } : {}) }));
      if (made.replayed) void reply.header('idempotent-replayed', 'true');
      return reply.code(201).header('location', `${BASE}/${made.subscription.id}`).send({ ...made.subscription, secret: made.secret });
    },
  );

  app.get(BASE, { schema: { tags: TAGS, summary: 'The agency’s subscriptions (never their secrets)' }, config: { access: 'webhooks.read' } }, async (req) => ({ items: await subs.list(agency(req)) }));

  app.get(`${BASE}/:subscriptionId`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'A subscription' }, config: { access: 'webhooks.read' } }, async (req) =>
    answer(() => subs.get(agency(req), req.params.subscriptionId)),
  );

  app.delete(`${BASE}/:subscriptionId`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'Delete a subscription with its deliveries' }, config: { access: 'webhooks.manage' } }, async (req, reply) => {
    await answer(() => subs.delete(agency(req), req.params.subscriptionId));
    return reply.code(204).send();
  });

  app.post(`${BASE}/:subscriptionId/pause`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'Pause sending; deliveries accumulate and go out in order on resume' }, config: { access: 'webhooks.manage' } }, async (req) =>
    answer(() => subs.pause(agency(req), req.params.subscriptionId)),
  );

  app.post(`${BASE}/:subscriptionId/resume`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'Resume a paused or disabled (410 Gone) subscription' }, config: { access: 'webhooks.manage' } }, async (req) =>
    answer(() => subs.resume(agency(req), req.params.subscriptionId)),
  );

  app.post(
    `${BASE}/:subscriptionId/rotate-secret`,
    { schema: { params: subscriptionParams, body: rotateBody, tags: TAGS, summary: 'A new signing secret (returned once); the old one signs too until the overlap ends' }, config: { access: 'webhooks.manage' } },
    async (req) => answer(() => subs.rotateSecret(agency(req), req.params.subscriptionId, req.body.overlapSeconds)),
  );

  app.post(`${BASE}/:subscriptionId/test`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'Send a webhook.test event through the outbox like any other' }, config: { access: 'webhooks.manage' } }, async (req, reply) => {
    const p = req.principal!;
    const sent = await answer(() => subs.sendTest(p.agency, req.params.subscriptionId, { actor: p.sub, role: req.role!, correlationId: correlationIdOf(req.headers, req.id), causationId: null, occurredAt: now().toISOString() }));
    return reply.code(202).send(sent);
  });

  app.get(`${BASE}/:subscriptionId/deliveries`, { schema: { params: subscriptionParams, querystring: deliveriesQuery, tags: TAGS, summary: 'Deliveries, newest first: status, answer, attempts, next attempt' }, config: { access: 'webhooks.read' } }, async (req) => {
    const { status, limit: n } = req.query;
    const after = positionCursor(req.query.cursor);
    return answer(() => subs.deliveries(agency(req), req.params.subscriptionId, { ...(status ? { status } : {}), ...(after ? { cursor: after } : {}), limit: n }));
  });

  app.get(`${BASE}/:subscriptionId/deliveries/:deliveryId`, { schema: { params: deliveryParams, tags: TAGS, summary: 'A delivery with every attempt made' }, config: { access: 'webhooks.read' } }, async (req) =>
    answer(() => subs.delivery(agency(req), req.params.subscriptionId, req.params.deliveryId)),
  );

  app.post(`${BASE}/:subscriptionId/deliveries/:deliveryId/redeliver`, { schema: { params: deliveryParams, tags: TAGS, summary: 'Send a delivered or dead-lettered delivery again (same webhook-id, same body); one waiting for its next retry is tried now' }, config: { access: 'webhooks.manage' } }, async (req, reply) => {
    const d = await answer(() => subs.redeliver(agency(req), req.params.subscriptionId, req.params.deliveryId));
    return reply.code(202).send(d);
  });

  app.post(`${BASE}/:subscriptionId/redeliver`, { schema: { params: subscriptionParams, body: rangeBody, tags: TAGS, summary: 'Send again the finished deliveries between two global positions (inclusive)' }, config: { access: 'webhooks.manage' } }, async (req, reply) => {
    const redelivered = await answer(() => subs.redeliverRange(agency(req), req.params.subscriptionId, { fromPosition: BigInt(req.body.fromPosition), toPosition: BigInt(req.body.toPosition) }));
    return reply.code(202).send({ redelivered });
  });

  app.get(`${BASE}/:subscriptionId/dead-letters`, { schema: { params: subscriptionParams, querystring: deadLettersQuery, tags: TAGS, summary: 'Deliveries whose retry schedule was spent, newest first' }, config: { access: 'webhooks.read' } }, async (req) => {
    const after = positionCursor(req.query.cursor);
    return answer(() => subs.deadLetters(agency(req), req.params.subscriptionId, { ...(after ? { cursor: after } : {}), limit: req.query.limit }));
  });

  app.post(`${BASE}/:subscriptionId/dead-letters/replay`, { schema: { params: subscriptionParams, tags: TAGS, summary: 'Send every dead letter again, in order, on a fresh schedule' }, config: { access: 'webhooks.manage' } }, async (req, reply) => {
    const replayed = await answer(() => subs.replayDeadLetters(agency(req), req.params.subscriptionId));
    return reply.code(202).send({ replayed });
  });
};

/**
 * Refuses a scope the caller's roles do not grant (`forbidden`, before anything is written): the
 * `applicant-data` scope needs the `applicant-data-recipient` role beside `integrator`, so an
 * integrator cannot grant itself applicants' personal data.
 */
function grantedScopes(req: FastifyRequest, scopes: readonly Scope[]): void {
  for (const scope of scopes) {
    const access = SCOPE_ACCESS[scope];
    if (!actingRole(req.principal!.roles, access)) throw new HttpProblem('forbidden', `the ${scope} scope needs one of the roles ${rolesFor(access).join(', ')}`, { scope });
  }
}

/** A cursor this API gave, or a `validation-failed` problem. */
function positionCursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    decodePositionCursor(value);
    return value;
  } catch {
    throw new HttpProblem('validation-failed', 'the cursor is not one this API gave', { fields: [{ path: 'querystring.cursor', message: 'not a valid cursor' }] });
  }
}

/** Runs a subscriptions call, its named errors answered as problems. */
async function answer<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof TargetRefused) throw new HttpProblem('webhook-target-refused', e.message, { url: e.url, reason: e.reason });
    if (e instanceof SubscriptionNotFound) throw new HttpProblem('not-found', `no webhook subscription ${e.subscriptionId}`);
    if (e instanceof DeliveryNotFound) throw new HttpProblem('not-found', `no delivery ${e.deliveryId} of this subscription`);
    if (e instanceof WebhookStateConflict) throw new HttpProblem('webhook-state-conflict', e.message, { state: e.state });
    if (e instanceof SubscriptionIdReused) throw new HttpProblem('idempotency-key-reused', 'this Idempotency-Key made a subscription with other settings');
    throw e;
  }
}
