import type { FastifyError, FastifyInstance } from 'fastify';
import { SwitchboardError } from '../errors.js';

/**
 * REST routes answer errors as problem+json (RFC 9457). Errors raised on purpose keep their code
 * and message; anything else is masked to a generic 500 and logged with the request id.
 */
export function registerProblemHandlers(app: FastifyInstance): void {
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
    const status =
      error instanceof SwitchboardError
        ? error.status
        : 'statusCode' in error && error.statusCode
          ? error.statusCode
          : 500;
    const exposed = error instanceof SwitchboardError ? error.expose : status < 500;
    if (!exposed) request.log.error({ err: error }, 'request failed');
    const code =
      error instanceof SwitchboardError
        ? error.code
        : exposed && 'code' in error
          ? String(error.code)
          : 'INTERNAL_SERVER_ERROR';
    reply
      .code(status)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: exposed ? error.message : 'Internal Server Error',
        status,
        code,
        requestId: request.id,
      });
  });
}
