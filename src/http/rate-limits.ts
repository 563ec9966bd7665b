import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { RateLimits } from '../config/config.js';
import { tenantIdSchema } from '../events/streams.js';
import type { RateBudgets, RateGovernor } from '../platform/rate-governor.js';
import { authenticateRequest } from './request-principal.js';

export type RateBucket = 'graphql' | 'webhooks';

const WINDOW_SECONDS = 60;
const RESERVE_SHARE = 200;

/** The governor's budgets for the configured limits; a limit turned off has none. */
export function rateBudgets(limits: RateLimits): RateBudgets<RateBucket> {
  // An instance reserves 1/200 of a budget at a time from Redis (rate-governor.ts): 600 deliveries
  // of a connection at the default 120,000 a minute, one Redis command instead of 600.
  const budget = (perMinute: number | null) =>
    perMinute
      ? { points: perMinute, windowSeconds: WINDOW_SECONDS, reserve: Math.floor(perMinute / RESERVE_SHARE) }
      : undefined;
  return { graphql: budget(limits.graphqlPerMinute), webhooks: budget(limits.webhooksPerMinute) };
}

/**
 * Whose budget a GraphQL request spends: its tenant (the token's own, else X-Tenant-Id) when the
 * caller is authenticated, else the caller, else (anonymous or bad credentials) its address. Only
 * a caller that authenticated can spend a tenant's budget, so nobody can exhaust another's.
 */
export function graphqlRateKey(
  principal: Principal | null,
  requestedTenantId: string | undefined,
  ip: string,
): string {
  if (!principal) return `ip:${ip}`;
  const tenantId = principal.kind === 'jwt' && principal.tenantId ? principal.tenantId : requestedTenantId;
  if (tenantId && tenantIdSchema.safeParse(tenantId).success) return `tenant:${tenantId}`;
  return principal.kind === 'operator'
    ? `operator:${principal.id}`
    : `client:${principal.clientId ?? principal.subject}`;
}

/** A delivery spends its connection's budget; an app-level delivery (no connection in the URL), its provider's. */
export function webhookRateKey(params: { provider?: string; connectionId?: string }): string {
  return params.connectionId
    ? `connection:${params.provider}:${params.connectionId}`
    : `provider:${params.provider}`;
}

export interface RateLimitOptions {
  governor: RateGovernor<RateBucket>;
  budgets: RateBudgets<RateBucket>;
  authenticator: Authenticator;
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * Per-tenant request budgets on /graphql and per-connection ones on /webhooks, decided before the
 * body is read. Over budget: 429 with Retry-After, as a GraphQL error (RATE_LIMITED) or problem+json.
 * Websocket upgrades are not counted here: a socket's operations have limits of their own.
 */
export function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): void {
  const { governor, budgets, authenticator } = options;
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url ?? '';
    if (route === '/graphql' && budgets.graphql) {
      if (request.method === 'OPTIONS' || request.headers.upgrade) return;
      const principal = await authenticateRequest(authenticator, request).catch(() => null);
      const key = graphqlRateKey(principal, header(request, 'x-tenant-id'), request.ip);
      const decision = await governor.take('graphql', key);
      if (!decision.allowed) return refuseGraphQL(request, reply, decision.retryAfterMs);
    } else if (route.startsWith('/webhooks/') && budgets.webhooks) {
      const decision = await governor.take(
        'webhooks',
        webhookRateKey(request.params as Record<string, string>),
      );
      if (!decision.allowed) return refuseWebhook(request, reply, decision.retryAfterMs);
    }
  });
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function refuseGraphQL(request: FastifyRequest, reply: FastifyReply, retryAfterMs: number) {
  const retryAfter = seconds(retryAfterMs);
  const graphqlResponse = (header(request, 'accept') ?? '').includes('application/graphql-response+json');
  return reply
    .code(429)
    .header('retry-after', String(retryAfter))
    .header('x-request-id', request.id)
    .type(
      graphqlResponse
        ? 'application/graphql-response+json; charset=utf-8'
        : 'application/json; charset=utf-8',
    )
    .send({
      errors: [
        {
          message: `Too many requests; retry in ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', retryAfter, requestId: request.id },
        },
      ],
    });
}

function refuseWebhook(request: FastifyRequest, reply: FastifyReply, retryAfterMs: number) {
  const retryAfter = seconds(retryAfterMs);
  return reply
    .code(429)
    .header('retry-after', String(retryAfter))
    .type('application/problem+json')
    .send({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      code: 'RATE_LIMITED',
      detail: `Too many deliveries for this connection; retry in ${retryAfter} s`,
      requestId: request.id,
    });
}
