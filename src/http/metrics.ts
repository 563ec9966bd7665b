import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { MetricsGuard } from './metrics-access.js';

export function registerMetricsRoute(app: FastifyInstance, registry: Registry, guard: MetricsGuard): void {
  app.get('/metrics', async (request, reply) => {
    await guard(request.headers.authorization);
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
}
