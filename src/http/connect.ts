import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller, ConnectionServices, Refusal, SessionLookup } from '../connections/index.js';
import { credentialsPage } from '../web/connect/credentials-page.js';
import { providersPage } from '../web/connect/providers-page.js';
import { refusalPage } from '../web/connect/refusal-page.js';
import { resultPage } from '../web/connect/result-page.js';
import { newNonce, pagePolicy } from '../web/page-policy.js';

export interface ConnectRoutesOptions {
  connections: ConnectionServices;
  /** SWITCHBOARD_CONNECT_FRAME_ANCESTORS: empty means nobody may frame the pages. */
  frameAncestors: readonly string[];
}

type TokenParams = { token: string };
type ProviderParams = { token: string; provider: string };

/** A form post is a few short fields; anything bigger is not one of ours. */
const FORM_BODY_LIMIT = 16 * 1024;

/**
 * The hosted Connect UI: `/connect/<token>` (the providers), `/connect/<token>/providers/<id>`
 * (GET: the credentials form; POST: start OAuth or connect with credentials) and
 * `/connect/<token>/result`. The token in the path is the only authentication; every page is
 * uncached, sends no Referer, and runs under a nonce CSP whose frame-ancestors is configured.
 */
export async function registerConnectRoutes(app: FastifyInstance, options: ConnectRoutesOptions) {
  const sessions = options.connections.connectSessions;
  await app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );

    const send = (reply: FastifyReply, status: number, body: string, nonce: string, formAction?: string[]) =>
      reply
        .code(status)
        .header(
          'content-security-policy',
          pagePolicy({ nonce, frameAncestors: options.frameAncestors, formAction }),
        )
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .type('text/html; charset=utf-8')
        .send(body);
    const refuse = (reply: FastifyReply, nonce: string, refusal: Refusal, token: string | null) => {
      const listPath =
        token && !['unknown', 'expired', 'used', 'too_many_attempts'].includes(refusal)
          ? `/connect/${token}`
          : null;
      const page = refusalPage(nonce, refusal, listPath);
      return send(reply, page.status, page.body, nonce);
    };

    scope.get<{ Params: TokenParams }>('/connect/:token', async (request, reply) => {
      const nonce = newNonce();
      const opened = await sessions.open(request.params.token);
      if (!opened.ok) return refuse(reply, nonce, opened.refusal, null);
      const { session, providers } = opened.value;
      // Chrome applies form-action to the redirect after a post: the OAuth buttons end at the provider.
      const authorizeOrigins = providers.flatMap(({ manifest, method }) =>
        method === 'oauth2' && manifest.auth.authorizationUrl
          ? [new URL(manifest.auth.authorizationUrl).origin]
          : [],
      );
      const page = providersPage({ nonce, token: request.params.token, csrf: session.csrf, providers });
      return send(reply, 200, page, nonce, ["'self'", ...new Set(authorizeOrigins)]);
    });

    scope.get<{ Params: ProviderParams }>('/connect/:token/providers/:provider', async (request, reply) => {
      const nonce = newNonce();
      const { token, provider } = request.params;
      const opened = await sessions.open(token);
      if (!opened.ok) return refuse(reply, nonce, opened.refusal, null);
      const target = opened.value.providers.find((candidate) => candidate.manifest.id === provider);
      if (!target || target.method === 'oauth2') return refuse(reply, nonce, 'provider_not_allowed', token);
      const page = credentialsPage({ nonce, token, csrf: opened.value.session.csrf, provider: target });
      return send(reply, 200, page, nonce);
    });

    scope.post<{ Params: ProviderParams; Body: Record<string, string> | undefined }>(
      '/connect/:token/providers/:provider',
      async (request, reply) => {
        const nonce = newNonce();
        const { token, provider } = request.params;
        const form = request.body ?? {};
        const opened = await sessions.open(token);
        if (!opened.ok) return refuse(reply, nonce, opened.refusal, null);
        const target = opened.value.providers.find((candidate) => candidate.manifest.id === provider);
        if (target?.method === 'oauth2') {
          const started = await sessions.startOAuth(callerOf(request), {
            token,
            provider,
            csrf: form['csrf'],
          });
          if (!started.ok) return refuse(reply, nonce, started.refusal, token);
          return reply.header('cache-control', 'no-store').redirect(started.value.authorizeUrl, 303);
        }
        const attempt = await sessions.connectCredentials(callerOf(request), {
          token,
          provider,
          csrf: form['csrf'],
          credentials: { apiKey: form['apiKey'], username: form['username'], password: form['password'] },
        });
        if (!attempt.ok) return refuse(reply, nonce, attempt.refusal, token);
        // Post/redirect/get: reloading the result page never submits the key again.
        return reply.header('cache-control', 'no-store').redirect(`/connect/${token}/result`, 303);
      },
    );

    scope.get<{ Params: TokenParams }>('/connect/:token/result', async (request, reply) => {
      const nonce = newNonce();
      const { token } = request.params;
      const { lookup, allowlist } = await sessions.result(token);
      if (lookup.state === 'unknown' || lookup.state === 'expired')
        return refuse(reply, nonce, lookup.state, null);
      const { session } = lookup as Extract<SessionLookup, { session: unknown }>;
      if (session.connected) {
        const manifest = options.connections.deps.catalog.get(session.connected.provider);
        const redirect = session.redirectUri ? new URL(session.redirectUri) : null;
        redirect?.searchParams.set('connection_id', session.connected.connectionId);
        const openerOrigins = redirect
          ? [redirect.origin]
          : [...new Set(allowlist.map((entry) => new URL(entry).origin))];
        const page = resultPage(nonce, {
          kind: 'connected',
          connectionId: session.connected.connectionId,
          providerName: manifest?.displayName ?? session.connected.provider,
          redirect: redirect?.href ?? null,
          openerOrigins,
        });
        return send(reply, 200, page, nonce);
      }
      if (session.failure) {
        const page = resultPage(nonce, {
          kind: 'failed',
          message: session.failure.message,
          retryPath: `/connect/${token}`,
        });
        return send(reply, 200, page, nonce);
      }
      return reply.header('cache-control', 'no-store').redirect(`/connect/${token}`, 303);
    });
  });
}

const callerOf = (request: FastifyRequest): Caller => ({
  actor: 'system:connect-ui',
  correlationId: request.id,
});
