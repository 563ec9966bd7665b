import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { requirePermission, resolveTenant } from '../auth/tenancy.js';
import type { CallActor } from '../proxy/call-recorder.js';
import {
  ProviderUnavailableError,
  ProxyPathRefusedError,
  ProxyRateLimitedError,
  type ProxyService,
} from '../proxy/index.js';
import { bindRequestLog } from './log-bindings.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * `ANY /proxy/:connectionId/*`: a provider call made with the connection's credentials, for a
 * caller holding `proxy:invoke` on the tenant it names (X-Tenant-Id). The path is taken from the
 * raw URL (never Fastify's decoded copy) and judged by the proxy service; the body streams through
 * untouched (no parser reads it); errors of the hub itself are problem+json.
 */
export async function registerProxyRoute(
  app: FastifyInstance,
  options: { proxy: ProxyService; authenticator: Authenticator },
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Leaves the body unread: the service streams request.raw on to the provider.
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.route({
      method: [...METHODS],
      url: '/proxy/:connectionId/*',
      handler: (request: FastifyRequest<{ Params: { connectionId: string } }>, reply) =>
        proxyHandler(request, reply, options),
    });
  });
}

/**
 * Who the audit record names: an operator token's fingerprint or a JWT's subject, never a token.
 * The route requires a principal, so `none` is only a guard.
 */
export function callActorOf(principal: Principal | null): CallActor {
  if (principal === null) return { kind: 'system', id: 'anonymous' };
  return principal.kind === 'operator'
    ? { kind: 'operator', id: principal.id }
    : // The record keeps 256 characters of an id; a subject longer than that is not a name anyone reads whole.
      { kind: 'jwt', id: principal.subject.slice(0, 256) };
}

async function proxyHandler(
  request: FastifyRequest<{ Params: { connectionId: string } }>,
  reply: FastifyReply,
  options: { proxy: ProxyService; authenticator: Authenticator },
) {
  const receivedAt = performance.now();
  const principal = await options.authenticator.authenticate(header(request, 'authorization'));
  requirePermission(principal, 'proxy:invoke');
  const tenantId = resolveTenant(principal, header(request, 'x-tenant-id'));
  const { connectionId } = request.params;
  bindRequestLog(request.log, { tenantId, connectionId });
  const raw = request.raw.url ?? '';
  const queryAt = raw.indexOf('?');
  const rawTarget = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const prefix = `/proxy/${encodeURIComponent(connectionId)}`;
  if (!rawTarget.startsWith(`${prefix}/`)) throw new ProxyPathRefusedError('the connection id is not plain');
  const rawPath = rawTarget.slice(prefix.length);
  const caller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) caller.abort();
  });
  const length = header(request, 'content-length');
  try {
    const answer = await options.proxy.call({
      tenantId,
      connectionId,
      method: request.method,
      rawPath,
      rawQuery: queryAt === -1 ? '' : raw.slice(queryAt + 1),
      headers: request.headers,
      body: request.method === 'GET' || request.method === 'HEAD' ? null : request.raw,
      bodyLength: length === undefined ? null : Number(length),
      signal: caller.signal,
      receivedAt,
      actor: callActorOf(principal),
      requestId: request.id,
    });
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  } catch (error) {
    if (error instanceof ProxyRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error instanceof ProviderUnavailableError && error.retryAfterSeconds !== null)
      reply.header('retry-after', String(error.retryAfterSeconds));
    throw error;
  }
}
