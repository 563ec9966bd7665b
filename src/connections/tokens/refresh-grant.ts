import type { ConnectionDeps } from '../../commands/deps.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { clientCredentials, refresh, type TokenSet, withRetry } from '../../oauth/index.js';
import type { TokenCredentials } from '../credentials/credentials-codec.js';
import { integrationFor, oauthClient } from '../integrations.js';
import type { LiveConnection } from './refresh-policy.js';

export type GrantOutcome = { ok: true; tokens: TokenSet } | { ok: false; error: unknown; attempts: number };

/**
 * The provider call of a refresh: the refresh token grant, or a new client credentials grant for
 * oauth2_cc. Transient failures and rate limits are retried with exponential backoff and jitter;
 * anything else (invalid_grant above all) comes back at once.
 */
export async function refreshGrant(
  deps: ConnectionDeps,
  connection: LiveConnection,
  manifest: ProviderManifest,
  current: TokenCredentials,
  signal: AbortSignal,
): Promise<GrantOutcome> {
  let attempts = 0;
  try {
    const integration = await integrationFor(deps, connection.tenantId, manifest, connection.integration);
    const client = await oauthClient(deps, integration.row);
    const call = {
      manifest,
      client,
      scopes: connection.token.scopes,
      now: deps.now(),
      timeoutMs: deps.providerTimeoutMs,
      signal,
    };
    const tokens = await withRetry(
      () => {
        attempts++;
        return current.kind === 'oauth2' && current.refreshToken
          ? refresh({ ...call, refreshToken: current.refreshToken })
          : clientCredentials(call);
      },
      { ...deps.retry, signal },
    );
    return { ok: true, tokens };
  } catch (error) {
    return { ok: false, error, attempts };
  }
}
