import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from '../platform/logger.js';
import { type ReadinessCheck, registerHealthRoutes } from './health.js';
import { registerProblemHandlers } from './problem.js';
import { registerRouteSpans } from './route-spans.js';
import { registerSecurityHeaders } from './security-headers.js';

export interface ServerOptions {
  logger: Logger;
  readiness: readonly ReadinessCheck[];
  /** Maximum request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * A connection that sends no request (a first one, or the next on a kept-alive connection) within
   * this is closed (default 10 s). Websockets, once upgraded, are not concerned: graphql-ws pings.
   */
  idleTimeoutMs?: number;
  /** A span per request (route-spans.ts); only when tracing is on, so off costs no hook. */
  tracing?: boolean;
}

/** The whole request (headers and body) arrives within this, or the connection is closed with 408. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The HTTP server: health routes now; GraphQL, webhooks, OAuth callback and proxy mount here. */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const app = Fastify({
    // Idle and slow connections cost a socket each: an endless number of them is a denial of service.
    http: {
      headersTimeout: idleTimeoutMs,
      // Node looks for expired connections this often (30 s by default, which would let them linger).
      connectionsCheckingInterval: Math.min(1_000, idleTimeoutMs),
    },
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, idleTimeoutMs),
    keepAliveTimeout: idleTimeoutMs,
    // pino's Logger is a FastifyBaseLogger; naming the base type keeps FastifyInstance's default generics.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // Behind a load balancer the request id comes from it when present.
    requestIdHeader: 'x-request-id',
    // The name the GraphQL context, the gateway and the services use for it too.
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    // Unique across instances, so a request id quoted by a client finds one set of log lines.
    genReqId: () => randomUUID(),
  });
  if (options.tracing) registerRouteSpans(app);
  registerProblemHandlers(app);
  registerSecurityHeaders(app);
  registerHealthRoutes(app, options.readiness);
  return app;
}
