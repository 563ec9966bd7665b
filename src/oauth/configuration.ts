import { allowInsecureRequests, Configuration, customFetch } from 'openid-client';
import { openidClientAuth } from './client-auth.js';
import type { CallContext } from './context.js';
import { type ResolvedServer, resolveServer } from './server-metadata.js';
import { mergeHeaders, providerFetch } from './transport/http.js';
import type { OAuthCallOptions, OAuthClient } from './types.js';

export interface OpenidSetup {
  config: Configuration;
  server: ResolvedServer;
}

/**
 * An openid-client Configuration for one call: the manifest's endpoints, the integration's client
 * and its authentication method, our fetch (deadline, cancellation, no redirects) and, on token
 * requests, the manifest's extra headers.
 */
export async function openidConfiguration(
  context: CallContext,
  client: OAuthClient,
  options: OAuthCallOptions,
  purpose: 'authorize' | 'token' | 'revoke',
): Promise<OpenidSetup> {
  const { manifest } = context;
  const server = await resolveServer(context, urlValues(client, options), purpose);
  const config = new Configuration(
    server.metadata,
    client.clientId,
    undefined,
    // Building an authorization URL authenticates nobody, and needs no secret.
    openidClientAuth(manifest.id, purpose === 'authorize' ? 'none' : authMethod(context), client),
  );
  if (server.insecure) allowInsecureRequests(config);
  // Our own deadline (to the millisecond) fires first; openid-client's whole-second one is a backstop.
  config.timeout = Math.ceil(context.timeoutMs / 1000) + 1;
  const tokenRequest = purpose === 'token';
  const extraHeaders = tokenRequest ? manifest.auth.tokenRequestHeaders : {};
  config[customFetch] = async (url, init) => {
    const response = await providerFetch(context, url, {
      ...init,
      headers: mergeHeaders(init.headers, extraHeaders),
    });
    return tokenRequest && !server.discovered ? withoutIdToken(response) : response;
  };
  return { config, server };
}

/** RFC 7009 endpoints may authenticate clients differently from the token endpoint (Google: none). */
function authMethod(context: CallContext) {
  const { auth } = context.manifest;
  return context.operation === 'revoke' && auth.revocation.kind === 'rfc7009'
    ? auth.revocation.clientAuth
    : auth.clientAuth;
}

/** `{clientId}` is always known; the caller supplies the rest (`{subdomain}`, `{cloudId}`). */
export function urlValues(client: OAuthClient, options: OAuthCallOptions): Record<string, string> {
  return { ...options.urlParams, clientId: client.clientId };
}

/**
 * Without discovery there is no issuer to check an ID token against (Microsoft's differs per
 * tenant; the stand-in issuer is just an origin), and openid-client would reject every one. This
 * layer takes no identity from unverifiable ID tokens, so it drops them before openid-client looks.
 */
async function withoutIdToken(response: Response): Promise<Response> {
  if (response.status !== 200 || !response.headers.get('content-type')?.includes('json')) return response;
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return rebuilt(response, text);
  }
  if (typeof body !== 'object' || body === null || !('id_token' in body)) return rebuilt(response, text);
  const { id_token: _dropped, ...rest } = body as Record<string, unknown>;
  return rebuilt(response, JSON.stringify(rest));
}

function rebuilt(response: Response, text: string): Response {
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  return new Response(text, { status: response.status, statusText: response.statusText, headers });
}
