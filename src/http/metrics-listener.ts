import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../platform/logger.js';
import { registerMetricsRoute } from './metrics.js';
import type { MetricsGuard } from './metrics-access.js';
import { registerProblemHandlers } from './problem.js';
import { registerSecurityHeaders } from './security-headers.js';

/**
 * /metrics alone on a port of its own (SWITCHBOARD_METRICS_PORT), so that scrapers reach it on an
 * interface the public does not (loopback by default). It opens and closes with the main server.
 */
export function attachMetricsListener(
  app: FastifyInstance,
  options: { registry: Registry; guard: MetricsGuard; logger: Logger; host: string; port: number },
): void {
  const listener = Fastify({ loggerInstance: options.logger as FastifyBaseLogger });
  registerProblemHandlers(listener);
  registerSecurityHeaders(listener);
  registerMetricsRoute(listener, options.registry, options.guard);
  app.addHook('onReady', async () => {
    await listener.listen({ host: options.host, port: options.port });
  });
  app.addHook('onClose', async () => {
    await listener.close();
  });
}
