import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { CalendarRegistry } from '@disclosure/calendar';
import { EventStoreUnavailable, type EventStore } from '@disclosure/event-store';
import type { ReadModelDatabase } from '@disclosure/read-models';
import { TargetGuard, webhookTables, WebhookSubscriptions } from '@disclosure/webhooks';
import type { AgencyDirectory } from './agencies/agencyDirectory.js';
import { actingRole, rolesFor, type RouteAccess } from './auth/access.js';
import { CalendarBook } from './calendars/calendarBook.js';
import type { Principal, TokenVerifier } from './auth/principal.js';
import { CaseService } from './commands/caseService.js';
import { correlationIdOf } from './http/correlation.js';
import { OneLinePerRequest } from './http/requestLog.js';
import { HttpProblem, PROBLEM_BASE, PROBLEMS } from './http/problems.js';
import { Metrics } from './http/metrics.js';
import { auditRoutes } from './routes/audit.js';
import { calendarRoutes } from './routes/calendars.js';
import { caseRoutes } from './routes/cases.js';
import { operationsRoutes } from './routes/operations.js';
import { paymentRoutes } from './routes/payments.js';
import type { RoutingTable } from './platforms/routingTable.js';
import { publicRoutes } from './routes/public.js';
import { supervisionRoutes } from './routes/supervision.js';
import { webhookRoutes } from './routes/webhooks.js';

/** Everything the API needs, built by the composition root (`start.ts`) or a test. */
export interface ApiDependencies {
  readonly store: EventStore;
  readonly db: Kysely<ReadModelDatabase>;
  /** The calendars; a {@link CalendarBook} (builtin data + recorded amendments) is made from a plain registry. */
  readonly calendars: CalendarRegistry;
  readonly agencies: AgencyDirectory;
  readonly verifyToken: TokenVerifier;
  /** The server's clock: a command's `at`. */
  readonly now?: () => Date;
  /** pino options, or false for no logs. A stream lets tests capture them. */
  readonly logger?: boolean | Record<string, unknown>;
  /** Requests per minute per client on the public, unauthenticated routes. */
  readonly publicRateLimit?: number;
  /** Called by the worker loop so /metrics and /health can report it. */
  readonly projectorLag?: () => Promise<{ events: number; seconds: number }>;
  /**
   * Behind a reverse proxy: which proxies' `X-Forwarded-For` to believe (fastify `trustProxy`: true, or
   * addresses/CIDRs, comma-separated), so the public rate limit counts clients, not the proxy.
   */
  readonly trustProxy?: boolean | string;
  /** The provincial platforms' routing table (按责转办): a platform's intake goes to the agency its rules name. */
  readonly platformRouting?: RoutingTable;
  /** The `whsec_…` secret of the unified payment platform's signed callbacks; absent: no `POST /v1/payments/callback`. */
  readonly paymentCallbackSecret?: string;
  /** The SSRF guard webhook subscriptions' URLs pass when made (WEBHOOK_ALLOW_PRIVATE_TARGETS); default: no private target. */
  readonly webhookTargets?: TargetGuard;
  /** Cases kept folded in memory (CASE_CACHE_SIZE; see CaseService); default 5,000. */
  readonly caseCacheSize?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    role?: string;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/**
 * Applicant personal data never reaches a log line (DESIGN.md § HTTP conventions). An applicant is
 * redacted whole, not field by field: stricter, and cheaper — pino's redaction parses each path
 * again for every key of every line (a wildcard path applies to all of them), so 2 wildcard paths
 * instead of 7 take a request's logger and line from about 13 µs to 5.5 µs.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  '*.applicant',
  'applicant',
  '*.accessCode',
  // a store's error carries the statement's parameters and the offending JSON: the events, applicant and all
  'err.params',
  'err.detail',
  'err.where',
];

/** Query parameters whose values may be logged; any other (a search text, an access code) is logged as [redacted]. */
const LOGGED_QUERY = new Set(['state', 'assignee', 'dueBefore', 'overdue', 'provisional', 'limit', 'cursor', 'registrationNumber', 'at', 'known']);

/** A URL as a log line may keep it: `?q=王小明` becomes `?q=[redacted]`. */
function loggableUrl(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return url;
  const pairs = url.slice(i + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0 || LOGGED_QUERY.has(pair.slice(0, eq)) ? pair : `${pair.slice(0, eq)}=[redacted]`;
  });
  return `${url.slice(0, i)}?${pairs.join('&')}`;
}

/**
 * Builds the API. Routes are plugins per resource; one hook enforces the role × route table; one
 * error handler turns every failure into an RFC 9457 problem with a stable type.
 * @example const app = await buildApp(deps); const res = await app.inject({ method: 'GET', url: '/health/live' });
 */
export async function buildApp(deps: ApiDependencies): Promise<FastifyInstance> {
  // every route counts with one live set of calendars, so an amendment is in force for all of them at once
  const calendars = deps.calendars instanceof CalendarBook ? deps.calendars : new CalendarBook(deps.calendars);
  deps = { ...deps, calendars };
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            level: 'info',
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            serializers: {
              req: (req: FastifyRequest) => ({ method: req.method, url: loggableUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort }),
            },
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    // every line of a request carries its correlation id beside its request id (DESIGN.md § HTTP conventions)
    // one line per request, when it is answered (method, URL, status, time), instead of fastify's two
    logController: new OneLinePerRequest(),
    childLoggerFactory: (logger, bindings, options, raw) => logger.child({ ...bindings, correlationId: correlationIdOf(raw.headers, String(bindings.reqId)) }, options),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1_048_576,
    return503OnClosing: true,
    trustProxy: deps.trustProxy ?? false,
    // a URL the router cannot decode (`%ZZ`) or a path parameter over its length: a problem like any other refusal
    frameworkErrors: (error, req, reply) => {
      void (reply as FastifyReply).code(400).type('application/problem+json').send(new HttpProblem('validation-failed', error.message, { fields: [{ path: 'url', message: error.message }] }).toProblem(req.url));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const routes = new RouteMethods();
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));

  const metrics = new Metrics(deps);
  const cases = new CaseService(deps.store, deps.calendars, deps.caseCacheSize === undefined ? {} : { cacheSize: deps.caseCacheSize });
  const now = deps.now ?? (() => new Date());

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Disclosure Engine API', version: '0.1.0', description: 'Government information disclosure requests (政府信息依申请公开) and other FOI laws: cases, deadlines, decisions.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(rateLimit, { global: false });

  // every answer names its request id (the caller's X-Request-Id when it is a plain token), so a
  // caller can quote it and an operator can find the request's log lines
  app.addHook('onRequest', async (req, reply) => {
    (req as FastifyRequest & { startedAt: bigint }).startedAt = process.hrtime.bigint();
    void reply.header('x-request-id', req.id);
    const access = req.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    const header = req.headers.authorization;
    const token = typeof header === 'string' && /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(header) ? header.slice(7) : undefined;
    if (!token) throw new HttpProblem('unauthorized', 'send Authorization: Bearer <token>');
    try {
      req.principal = await deps.verifyToken(token);
    } catch {
      throw new HttpProblem('unauthorized', 'the token is not valid (signature, expiry or claims)');
    }
    const role = actingRole(req.principal.roles, access);
    if (!role) throw new HttpProblem('forbidden', `this needs one of the roles ${rolesFor(access).join(', ')}`);
    req.role = role;
  });

  // PostgreSQL cannot store a NUL and JSON text must be Unicode: such a string is refused here, with where it is
  app.addHook('preValidation', async (req) => {
    const bad: string[] = [];
    unstorable(req.query, 'querystring', bad);
    unstorable(req.body, 'body', bad);
    if (bad.length) throw new HttpProblem('validation-failed', 'some fields hold a NUL character or an unpaired surrogate', { fields: bad.map((path) => ({ path, message: 'contains a NUL character or an unpaired surrogate' })) });
  });

  // once closing has begun, a request still in flight is answered with `Connection: close`, so that its
  // keep-alive socket does not hold the close for the keep-alive timeout (72 s)
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) void reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, (req as FastifyRequest & { startedAt?: bigint }).startedAt);
  });

  app.setErrorHandler((error: FastifyError, req, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) req.log.error({ err: error }, 'request failed');
    void reply.code(problem.status).type('application/problem+json').send(problem.toProblem(req.url));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    const allowed = routes.methodsFor(path);
    if (allowed.length === 0 || allowed.includes(req.method)) return void reply.code(404).type('application/problem+json').send(new HttpProblem('not-found', `no route ${req.method} ${path}`).toProblem(req.url));
    void reply.code(405).header('allow', allowed.join(', ')).type('application/problem+json').send(new HttpProblem('method-not-allowed', `${path} answers ${allowed.join(', ')}, not ${req.method}`).toProblem(req.url));
  });

  await app.register(caseRoutes, { deps, cases, now });
  await app.register(publicRoutes, { deps, cases, now });
  await app.register(supervisionRoutes, { deps, now });
  await app.register(calendarRoutes, { deps, calendars, now });
  await app.register(auditRoutes, { deps, now });
  await app.register(operationsRoutes, { deps, metrics });
  // the webhook tables live beside the read models, in the same database (openConfiguredReadModels migrates both);
  // secret overlaps and retry times are wall-clock times, as the sender reads them, not a command's `at`
  const subscriptions = new WebhookSubscriptions({ db: webhookTables(deps.db), store: deps.store, guard: deps.webhookTargets ?? new TargetGuard() });
  await app.register(webhookRoutes, { subscriptions, now });
  if (deps.paymentCallbackSecret) await app.register(paymentRoutes, { deps, cases, now, secret: deps.paymentCallbackSecret });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** Which methods each route path answers, to tell a wrong method (405, with `Allow`) from a wrong path (404). */
class RouteMethods {
  readonly #routes: { pattern: RegExp; methods: Set<string> }[] = [];
  add(url: string, method: string | readonly string[]) {
    const source = `^${url.split('/').map((seg) => (seg.startsWith(':') ? '[^/]+' : seg === '*' ? '.*' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`;
    let entry = this.#routes.find((r) => r.pattern.source === source);
    if (!entry) this.#routes.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const m of typeof method === 'string' ? [method] : method) entry.methods.add(m);
  }
  methodsFor(path: string): string[] {
    const methods = new Set<string>();
    for (const r of this.#routes) if (r.pattern.test(path)) for (const m of r.methods) methods.add(m);
    return [...methods].sort();
  }
}

/** Every failure as a problem: ours, the domain's, fastify's (body, media type, validation), the stores'. */
function toProblem(error: FastifyError): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error))
    return new HttpProblem('validation-failed', 'some fields are not valid', {
      fields: error.validation.map((v) => ({ path: `${error.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`.replace(/\.$/, ''), message: v.message })),
    });
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new HttpProblem('unsupported-media-type', error.message);
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new HttpProblem('payload-too-large', error.message);
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && error.statusCode === 400))
    return new HttpProblem('malformed-json', 'the body is not valid JSON');
  if (error.statusCode === 429) return new HttpProblem('rate-limited', error.message);
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') return new HttpProblem('validation-failed', error.message);
  if (error instanceof EventStoreUnavailable || isConnectionError(error)) return new HttpProblem('store-unavailable', 'a store is not reachable; retry shortly');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return new HttpProblem('validation-failed', error.message);
  return new HttpProblem('internal', 'the request failed; it has been logged');
}

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Collects the paths of strings holding a NUL or an unpaired surrogate. Deeper than any schema goes, validation refuses anyway. */
function unstorable(value: unknown, path: string, out: string[], depth = 0): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) out.push(path);
    return;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return;
  for (const [key, v] of Object.entries(value)) unstorable(v, `${path}.${key}`, out, depth + 1);
}

function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown };
  return (typeof err.code === 'string' && /^(ECONNREFUSED|ECONNRESET|57P0|08)/.test(err.code)) || (typeof err.message === 'string' && /Connection terminated|connect ECONNREFUSED/.test(err.message));
}

export { PROBLEM_BASE, PROBLEMS };
