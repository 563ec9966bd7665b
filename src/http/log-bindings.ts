import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from '../platform/logger.js';

/** What a request's log lines say about whom it acts for, once that is known. */
export interface RequestLogFields {
  tenantId?: string;
  connectionId?: string;
  provider?: string;
}

/**
 * Adds the tenant (and the connection a route acts on) to the request's own logger, so every later
 * line of the request says it, Fastify's "request completed" included. The request's logger is a
 * pino child of its own: binding changes no other request's lines.
 */
export function bindRequestLog(log: FastifyBaseLogger, fields: RequestLogFields): void {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  (log as Logger).setBindings(defined);
}
