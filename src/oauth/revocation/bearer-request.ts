import type { Revocation } from '../../connectors/sdk/schema/revocation.js';
import { endpointUrl } from '../endpoints.js';
import { OAuthConfigurationError } from '../errors.js';
import { answerOf, errorFromAnswer } from '../transport/classify.js';
import { providerRequest } from '../transport/http.js';
import { confirmed, type RevocationCall, type RevocationResult } from './result.js';

type BearerRequest = Extract<Revocation, { kind: 'bearer_request' }>;

/**
 * A call authenticated by the access token itself, without a body (Dropbox's
 * /2/auth/token/revoke, Linear's /oauth/revoke): any 2xx confirms.
 */
export async function revokeWithBearer(
  revocation: BearerRequest,
  call: RevocationCall,
): Promise<RevocationResult> {
  const { id, displayName } = call.context.manifest;
  const { accessToken } = call.token;
  if (!accessToken)
    throw new OAuthConfigurationError('This revocation needs the access token', { provider: id });
  const url = endpointUrl(revocation.url, call.values, { provider: id, field: 'auth.revocation.url' });
  const response = await providerRequest(call.context, url, {
    method: revocation.method,
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });
  if (response.status >= 200 && response.status < 300)
    return confirmed(`${displayName} revoked the access token`);
  throw errorFromAnswer(call.context, answerOf(response));
}
