import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Cross-origin access for browsers, off unless SWITCHBOARD_CORS_ORIGINS lists origins. Only the
 * routes a frontend calls from script are concerned (/graphql); webhooks, the OAuth callback and
 * metrics are called server to server or navigated to. Never with credentials: callers present a
 * bearer token, so no cookie or HTTP authentication ever needs to cross origins, and an allowed
 * origin cannot act with a user's ambient credentials.
 */
const CORS_ROUTES: ReadonlySet<string> = new Set(['/graphql']);
const ALLOWED_METHODS = 'GET, POST';
const ALLOWED_HEADERS = 'accept, authorization, content-type, x-request-id, x-tenant-id';
const EXPOSED_HEADERS = 'retry-after, x-request-id';
/** Browsers cap this anyway (Chrome: 2 h); 10 minutes keeps a changed allowlist from lingering. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowed = new Set(origins);
  const originOf = (request: FastifyRequest) =>
    CORS_ROUTES.has(request.routeOptions.url ?? '') ? request.headers.origin : undefined;

  app.addHook('onRequest', async (request, reply) => {
    const origin = originOf(request);
    if (origin === undefined || request.method !== 'OPTIONS') return;
    if (request.headers['access-control-request-method'] === undefined) return;
    // A preflight is answered here, allowed or not: without CORS headers the browser stops.
    allowOrigin(reply, origin, allowed);
    if (allowed.has(origin)) {
      reply
        .header('access-control-allow-methods', ALLOWED_METHODS)
        .header('access-control-allow-headers', ALLOWED_HEADERS)
        .header('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    return reply.code(204).send();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = originOf(request);
    if (origin !== undefined && request.method !== 'OPTIONS') {
      allowOrigin(reply, origin, allowed);
      if (allowed.has(origin)) reply.header('access-control-expose-headers', EXPOSED_HEADERS);
    }
    return payload;
  });
}

function allowOrigin(reply: FastifyReply, origin: string, allowed: ReadonlySet<string>): void {
  // The answer depends on Origin: a shared cache must not serve one origin's answer to another.
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${String(vary)}, Origin` : 'Origin');
  if (allowed.has(origin)) reply.header('access-control-allow-origin', origin);
}
