import { type ClientAuth, ClientSecretPost, None } from 'openid-client';
import type { ClientAuthMethod } from '../connectors/sdk/schema/primitives.js';
import { OAuthConfigurationError } from './errors.js';
import type { OAuthClient } from './types.js';

/**
 * RFC 6749 §2.3.1 client authentication for openid-client. Basic is our own: openid-client
 * percent-encodes even `.`, `-` and `_` inside the credentials (Slack's client ids contain dots),
 * which providers that do not form-decode the header reject; see basicAuthorization.
 */
export function openidClientAuth(
  provider: string,
  method: ClientAuthMethod,
  client: OAuthClient,
): ClientAuth {
  switch (method) {
    case 'client_secret_basic': {
      const authorization = basicAuthorization(client.clientId, requireSecret(provider, method, client));
      return (_server, _client, _body, headers) => headers.set('authorization', authorization);
    }
    case 'client_secret_post':
      return ClientSecretPost(requireSecret(provider, method, client));
    case 'none':
      return None();
  }
}

/** The same three methods for requests openid-client cannot make (JSON bodies, quirky answers). */
export function directClientAuth(
  provider: string,
  method: ClientAuthMethod,
  client: OAuthClient,
): { headers: Record<string, string>; params: Record<string, string> } {
  switch (method) {
    case 'client_secret_basic':
      return {
        headers: {
          authorization: basicAuthorization(client.clientId, requireSecret(provider, method, client)),
        },
        params: {},
      };
    case 'client_secret_post':
      return {
        headers: {},
        params: { client_id: client.clientId, client_secret: requireSecret(provider, method, client) },
      };
    case 'none':
      return { headers: {}, params: { client_id: client.clientId } };
  }
}

/**
 * RFC 6749 §2.3.1 form-encodes both halves before base64. encodeURIComponent leaves the unreserved
 * characters alone, so ids and secrets made of letters, digits, `.`, `-`, `_` and `~` (all the
 * providers here) give exactly the plain `base64(id:secret)` their docs show, and a server that
 * form-decodes gets the same value back.
 */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function requireSecret(provider: string, method: ClientAuthMethod, client: OAuthClient): string {
  if (!client.clientSecret) {
    throw new OAuthConfigurationError(
      `Provider "${provider}" authenticates clients with ${method}, but the integration has no client secret`,
      { provider, clientAuth: method },
    );
  }
  return client.clientSecret;
}
