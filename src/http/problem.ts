import type { FastifyError, FastifyInstance } from 'fastify';
import { isPostgresUnavailable } from '../platform/postgres.js';
import { DependencyError, SwitchboardError } from '../shared/errors.js';

/** What a client is told to wait before retrying after a 503: outages end or fail over in seconds. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** The error raised on purpose, possibly wrapped by a library (Prisma keeps ours as the cause). */
function switchboardErrorIn(error: unknown): SwitchboardError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof SwitchboardError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  // A database failure that no adapter translated is still an outage, not a bug.
  return isPostgresUnavailable(error)
    ? new DependencyError('A database is unavailable', { cause: error })
    : null;
}

/**
 * REST routes answer errors as problem+json (RFC 9457). Errors raised on purpose keep their code
 * and message; anything else is masked to a generic 500 and logged with the request id. Every 503
 * (a dependency is unavailable) carries Retry-After, whichever route or gateway answered it.
 */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after'))
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    done(null, payload);
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'NOT_FOUND',
        detail: `No route for ${request.method} ${request.url}`,
        requestId: request.id,
      });
  });
  app.setErrorHandler((error: FastifyError | SwitchboardError | Error, request, reply) => {
    const known = switchboardErrorIn(error);
    const status = known ? known.status : 'statusCode' in error && error.statusCode ? error.statusCode : 500;
    const exposed = known ? known.expose : status < 500;
    const unavailable = status === 503 && known !== null;
    // RFC 9110: a 401 names the scheme that would be accepted.
    if (known && status === 401 && 'wwwAuthenticate' in known)
      reply.header('www-authenticate', String(known.wwwAuthenticate));
    if (unavailable) request.log.warn({ err: error }, 'request failed: a dependency is unavailable');
    else if (!exposed) request.log.error({ err: error }, 'request failed');
    const code = known
      ? known.code
      : exposed && 'code' in error
        ? String(error.code)
        : 'INTERNAL_SERVER_ERROR';
    reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: exposed
          ? (known?.message ?? error.message)
          : unavailable
            ? 'Service Unavailable'
            : 'Internal Server Error',
        status,
        code,
        requestId: request.id,
      });
  });
}
