import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { sql } from 'kysely';
import { BACKLOG_LIMIT } from '@disclosure/event-store';
import type { ApiDependencies } from '../app.js';

/** Prometheus metrics of one app: request latency, projector lag, open cases. */
export class Metrics {
  readonly registry = new Registry();
  readonly #latency: Histogram<'route' | 'method' | 'status'>;
  readonly #requests: Counter<'route' | 'method' | 'status'>;

  constructor(deps: Pick<ApiDependencies, 'db' | 'projectorLag'>) {
    this.#latency = new Histogram({ name: 'http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['route', 'method', 'status'], buckets: [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
    this.#requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
    new Gauge({
      name: 'disclosure_open_cases',
      help: 'Open cases per agency (read model)',
      labelNames: ['agency'],
      registers: [this.registry],
      async collect() {
        const rows = await deps.db.selectFrom('cases').select(['agency', sql<string>`count(*)`.as('n')]).where('is_open', '=', true).groupBy('agency').execute();
        this.reset();
        for (const r of rows) this.set({ agency: r.agency }, Number(r.n));
      },
    });
    // both lag gauges are collected at once (prom-client collects every metric together): one reading serves both
    let reading: ReturnType<NonNullable<typeof deps.projectorLag>> | undefined;
    const lag = deps.projectorLag && (() => (reading ??= deps.projectorLag!().finally(() => (reading = undefined))));
    new Gauge({
      name: 'disclosure_projector_lag_events',
      help: `Events not yet projected, readable yet or not (capped at ${BACKLOG_LIMIT})`,
      registers: [this.registry],
      async collect() {
        if (lag) this.set((await lag()).events);
      },
    });
    new Gauge({
      name: 'disclosure_projector_lag_seconds',
      help: 'Age of the oldest event not yet projected',
      registers: [this.registry],
      async collect() {
        if (lag) this.set((await lag()).seconds);
      },
    });
  }

  observe(route: string, method: string, status: number, startedAt: bigint | undefined): void {
    const labels = { route, method, status: String(status) };
    this.#requests.inc(labels);
    if (startedAt !== undefined) this.#latency.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
  }
}
