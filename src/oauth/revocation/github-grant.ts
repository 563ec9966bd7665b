import type { Revocation } from '../../connectors/sdk/schema/revocation.js';
import { basicAuthorization } from '../client-auth.js';
import { endpointUrl } from '../endpoints.js';
import { OAuthConfigurationError } from '../errors.js';
import { answerOf, errorFromAnswer } from '../transport/classify.js';
import { providerRequest } from '../transport/http.js';
import { confirmed, type RevocationCall, type RevocationResult } from './result.js';

type GithubGrant = Extract<Revocation, { kind: 'github_grant' }>;

/**
 * GitHub's "Delete an app authorization": DELETE /applications/{client_id}/grant with Basic
 * client_id:client_secret and `{"access_token": ...}`; 204 means every token of the grant is gone
 * and the app left the user's authorized applications.
 * https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-authorization
 */
export async function revokeGithubGrant(
  revocation: GithubGrant,
  call: RevocationCall,
): Promise<RevocationResult> {
  const { id, displayName } = call.context.manifest;
  const { accessToken } = call.token;
  if (!accessToken || !call.client.clientSecret) {
    throw new OAuthConfigurationError(
      'Deleting a GitHub grant needs the access token and the client secret',
      {
        provider: id,
      },
    );
  }
  const url = endpointUrl(revocation.url, call.values, { provider: id, field: 'auth.revocation.url' });
  const response = await providerRequest(call.context, url, {
    method: 'DELETE',
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
      authorization: basicAuthorization(call.client.clientId, call.client.clientSecret),
    },
    body: JSON.stringify({ access_token: accessToken }),
  });
  if (response.status === 204) return confirmed(`${displayName} deleted the app authorization (grant)`);
  // 404: GitHub does not know this token for this app (already revoked, or another app's token).
  throw errorFromAnswer(call.context, answerOf(response));
}
