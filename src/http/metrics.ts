import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MetricsGuard } from './metrics-access.js';

/** One registry per server (tests run several in one process), with Node's default metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  return registry;
}

export function registerMetricsRoute(app: FastifyInstance, registry: Registry, guard: MetricsGuard): void {
  app.get('/metrics', async (request, reply) => {
    await guard(request.headers.authorization);
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
