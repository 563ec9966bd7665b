import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../platform/logger.js';
import { type ReadinessCheck, registerHealthRoutes } from './health.js';
import { registerProblemHandlers } from './problem.js';

export interface ServerOptions {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

/** The HTTP server: health routes now; GraphQL, webhooks, OAuth callback and proxy mount here. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; naming the base type keeps FastifyInstance's default generics.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Behind a load balancer the request id comes from it when present.
    requestIdHeader: 'x-request-id',
    // Unique across instances, so a request id quoted by a client finds one set of log lines.
    genReqId: () => randomUUID(),
  });
  registerProblemHandlers(app);
  registerHealthRoutes(app, options.readiness);
  return app;
}
