import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { Revocation } from '../../connectors/sdk/schema/revocation.js';
import { atBoundary } from '../boundary.js';
import { urlValues } from '../configuration.js';
import { callContext } from '../context.js';
import { OAuthConfigurationError, OAuthProviderError } from '../errors.js';
import type { OAuthCallOptions, OAuthClient } from '../types.js';
import { revokeWithBearer } from './bearer-request.js';
import { revokeGithubGrant } from './github-grant.js';
import { failed, type RevocationCall, type RevocationResult, type TokensToRevoke } from './result.js';
import { revokeRfc7009 } from './rfc7009.js';
import { revokeSlackToken } from './slack-auth-revoke.js';

export type { RevocationResult, TokensToRevoke } from './result.js';

export interface RevokeTokenInput extends OAuthCallOptions {
  manifest: ProviderManifest;
  client: OAuthClient;
  token: TokensToRevoke;
}

/**
 * Revokes a connection's grant at the provider, the way its manifest says. Never throws for a
 * provider failure (the caller destroys the credentials either way and records the outcome); only a
 * caller's abort propagates.
 */
export async function revokeToken(input: RevokeTokenInput): Promise<RevocationResult> {
  const { manifest, client, token } = input;
  const context = callContext(manifest, 'revoke', input, [
    token.accessToken,
    token.refreshToken,
    client.clientSecret,
  ]);
  const call: RevocationCall = { context, client, token, options: input, values: urlValues(client, input) };
  try {
    return await atBoundary(context, () => revoke(manifest.auth.revocation, call));
  } catch (error) {
    if (error instanceof OAuthProviderError || error instanceof OAuthConfigurationError) return failed(error);
    throw error;
  }
}

/** One small code path per revocation kind (connectors/sdk/schema/revocation.ts names them). */
function revoke(revocation: Revocation, call: RevocationCall): Promise<RevocationResult> {
  switch (revocation.kind) {
    case 'rfc7009':
      return revokeRfc7009(revocation, call);
    case 'github_grant':
      return revokeGithubGrant(revocation, call);
    case 'slack_auth_revoke':
      return revokeSlackToken(revocation, call);
    case 'bearer_request':
      return revokeWithBearer(revocation, call);
    case 'none':
      return Promise.resolve({ status: 'UNSUPPORTED', detail: revocation.reason });
    default: {
      const unknown: never = revocation;
      throw new Error(`unknown revocation kind ${JSON.stringify(unknown)}`);
    }
  }
}
