import { tokenRevocation } from 'openid-client';
import type { Revocation } from '../../connectors/sdk/schema/revocation.js';
import { directClientAuth } from '../client-auth.js';
import { openidConfiguration } from '../configuration.js';
import { endpointUrl } from '../endpoints.js';
import { OAuthConfigurationError } from '../errors.js';
import { answerOf, errorFromAnswer } from '../transport/classify.js';
import { providerRequest } from '../transport/http.js';
import { confirmed, type RevocationCall, type RevocationResult } from './result.js';

type Rfc7009 = Extract<Revocation, { kind: 'rfc7009' }>;

/**
 * RFC 7009: POST the token (with token_type_hint) to the revocation endpoint. A 200 confirms, also
 * for a token the server no longer knows (§2.2: the goal, an unusable token, holds either way).
 * Form bodies go through openid-client; JSON bodies (Notion, Intuit) are posted directly.
 */
export async function revokeRfc7009(revocation: Rfc7009, call: RevocationCall): Promise<RevocationResult> {
  const { accessToken, refreshToken } = call.token;
  // Revoking the refresh token normally ends the grant; fall back to what we have.
  const [token, hint] =
    revocation.token === 'refresh_token'
      ? refreshToken
        ? [refreshToken, 'refresh_token']
        : [accessToken, 'access_token']
      : accessToken
        ? [accessToken, 'access_token']
        : [refreshToken, 'refresh_token'];
  if (!token) {
    throw new OAuthConfigurationError('There is no token to revoke', { provider: call.context.manifest.id });
  }

  if (revocation.bodyEncoding === 'form') {
    const { config } = await openidConfiguration(call.context, call.client, call.options, 'revoke');
    await tokenRevocation(config, token, { token_type_hint: hint });
    return confirmed(`${call.context.manifest.displayName} revoked the ${hint.replace('_', ' ')}`);
  }

  const { id } = call.context.manifest;
  const url = endpointUrl(revocation.url, call.values, { provider: id, field: 'auth.revocation.url' });
  const clientAuth = directClientAuth(id, revocation.clientAuth, call.client);
  const response = await providerRequest(call.context, url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json', ...clientAuth.headers },
    // Notion and Intuit document exactly {"token": ...}; a hint they do not list might be refused.
    body: JSON.stringify({ token, ...clientAuth.params }),
  });
  if (response.status === 200) {
    return confirmed(`${call.context.manifest.displayName} revoked the ${hint.replace('_', ' ')}`);
  }
  throw errorFromAnswer(call.context, answerOf(response));
}
