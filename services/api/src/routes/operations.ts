import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import type { ApiDependencies } from '../app.js';
import type { Metrics } from '../http/metrics.js';

/** Liveness, readiness (both stores answer) and Prometheus metrics. */
export const operationsRoutes: FastifyPluginAsyncZod<{ deps: ApiDependencies; metrics: Metrics }> = async (app, { deps, metrics }) => {
  app.get('/health/live', { schema: { hide: true }, config: { access: 'public' } }, async () => ({ status: 'live' }));

  app.get('/health/ready', { schema: { hide: true }, config: { access: 'public' } }, async (_req, reply) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await probe();
        return 'up';
      } catch {
        return 'down';
      }
    };
    const [eventStore, readModels] = await Promise.all([check(() => deps.store.readAll({ limit: 1 })), check(() => sql`select 1`.execute(deps.db))]);
    const ready = eventStore === 'up' && readModels === 'up';
    return reply.code(ready ? 200 : 503).type(ready ? 'application/json' : 'application/problem+json').send(ready ? { status: 'ready', eventStore, readModels } : { type: 'https://disclosure-engine.dev/problems/store-unavailable', title: 'A store is unavailable; retry shortly', status: 503, eventStore, readModels });
  });

  app.get('/metrics', { schema: { hide: true }, config: { access: 'public' } }, async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
};
