import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookGateway } from '../ingress/gateway.js';
import type { VerifyRequest } from '../ingress/verify/types.js';
import { bindRequestLog } from './log-bindings.js';

export interface WebhookRoutesOptions {
  gateway: WebhookGateway;
  /** SWITCHBOARD_PUBLIC_URL: schemes that sign the URL sign the one the provider called. */
  publicUrl: string;
}

type WebhookRequest = FastifyRequest<{
  Params: { provider: string; connectionId?: string };
  Body: Buffer | undefined;
}>;

/**
 * POST /webhooks/:provider/:connectionId (the connection's own secret) and POST /webhooks/:provider
 * (app-level deliveries, routed by the payload). Public: the signature is the authentication.
 *
 * The routes live in a scope of their own whose only body parser keeps the bytes exactly as
 * received, whatever the content type, because signatures are over those bytes (re-serialized JSON
 * would not verify). The server's body limit (1 MiB default) applies: larger bodies get 413.
 */
export async function registerWebhookRoutes(
  app: FastifyInstance,
  options: WebhookRoutesOptions,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    const handler = async (request: WebhookRequest, reply: FastifyReply) => {
      bindRequestLog(request.log, { provider: request.params.provider });
      const response = await options.gateway.receive({
        provider: request.params.provider,
        connectionId: request.params.connectionId ?? null,
        request: verifyRequestOf(request, options.publicUrl),
        requestId: request.id,
        onTarget: (target) => bindRequestLog(request.log, target),
      });
      return reply.code(response.status).type(response.contentType).send(response.body);
    };
    scope.post('/webhooks/:provider/:connectionId', handler);
    scope.post('/webhooks/:provider', handler);
  });
}

function verifyRequestOf(request: WebhookRequest, publicUrl: string): VerifyRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    headers,
    rawBody: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
    url: `${publicUrl}${request.url}`,
    method: request.method,
  };
}
