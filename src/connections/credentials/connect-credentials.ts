import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { authModesOf, type ProviderManifest } from '../../connectors/sdk/manifest.js';
import { resolveScopes } from '../../connectors/sdk/scopes.js';
import { connectionDecider } from '../../domain/connection.js';
import type { IssuedCredentials } from '../../domain/connection-commands.js';
import { connectionStream, type IntegrationScope } from '../../events/connection.js';
import { clientCredentials, withRetry } from '../../oauth/index.js';
import { READ_MODEL } from '../../projections/names.js';
import { BadUserInputError } from '../../shared/errors.js';
import { newConnectionId } from '../ids.js';
import { findIntegration, oauthClient } from '../integrations.js';
import { credentialAuth } from './credential-auth.js';
import { fromTokenSet, type StoredCredentials, sealCredentials } from './credentials-codec.js';
import { verifyCredentials } from './verify-credentials.js';

export interface ConnectWithCredentialsInput {
  provider: string;
  credentials?: { apiKey?: string | null; username?: string | null; password?: string | null } | null;
  /** Scopes for a client credentials grant (oauth2_cc). */
  scopes?: readonly string[] | null;
  /** Call the manifest's test request first (default true). */
  verify?: boolean | null;
}

interface Prepared {
  authMode: 'api_key' | 'basic' | 'oauth2_cc';
  stored: StoredCredentials;
  integration: IntegrationScope | null;
  scopes: string[];
  issued: Omit<IssuedCredentials, 'secret'>;
}

/**
 * Connections without a user authorization: an API key or username and password (verified with
 * the manifest's test request unless told not to), or the client credentials grant with the
 * provider's OAuth app (oauth2_cc). Nothing is stored when verification fails.
 */
export async function connectWithCredentials(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  input: ConnectWithCredentialsInput,
): Promise<string> {
  const manifest = deps.catalog.require(input.provider);
  const prepared = await prepare(deps, tenantId, manifest, input);
  const connectionId = newConnectionId();
  const secret = await sealCredentials(deps.vault, tenantId, connectionId, prepared.stored);
  await execute(
    deps,
    caller,
    { tenantId, stream: connectionStream(tenantId, connectionId) },
    connectionDecider,
    {
      type: 'InstallConnection',
      connectionId,
      tenantId,
      provider: manifest.id,
      authMode: prepared.authMode,
      integration: prepared.integration,
      account: { id: null, name: null },
      scopes: prepared.scopes,
      credentials: { secret, ...prepared.issued },
    },
    { waitFor: [READ_MODEL.connections, READ_MODEL.credentials] },
  );
  return connectionId;
}

async function prepare(
  deps: ConnectionDeps,
  tenantId: string,
  manifest: ProviderManifest,
  input: ConnectWithCredentialsInput,
): Promise<Prepared> {
  const { apiKey, username, password } = input.credentials ?? {};
  const noExpiry = { tokenType: null, expiresAt: null, refreshTokenExpiresAt: null };
  if (apiKey || username || password) {
    const mode = apiKey ? 'api_key' : 'basic';
    if (mode === 'api_key' && (username || password)) {
      throw new BadUserInputError('Give either apiKey or username and password, not both');
    }
    if (mode === 'basic' && (!username || !password)) {
      throw new BadUserInputError('Basic authentication needs both username and password');
    }
    const auth = credentialAuth(manifest, mode);
    if (!auth) throw unsupported(manifest, mode);
    const stored: StoredCredentials = apiKey
      ? { kind: 'api_key', apiKey }
      : { kind: 'basic', username: username!, password: password! };
    if (input.verify !== false && auth.testRequest) {
      await verifyCredentials(manifest, auth, auth.testRequest, stored, deps.providerTimeoutMs);
    }
    return { authMode: mode, stored, integration: null, scopes: [], issued: noExpiry };
  }
  if (!authModesOf(manifest).includes('oauth2_cc')) {
    throw new BadUserInputError(
      `${manifest.displayName} needs credentials: apiKey, or username and password`,
    );
  }
  const integration = await findIntegration(deps, tenantId, manifest);
  const requested = input.scopes && input.scopes.length > 0 ? input.scopes : integration.row.defaultScopes;
  const { providerScopes } = resolveScopes(manifest, requested);
  const client = await oauthClient(deps, integration.row);
  const tokens = await withRetry(
    () =>
      clientCredentials({
        manifest,
        client,
        scopes: providerScopes,
        now: deps.now(),
        timeoutMs: deps.providerTimeoutMs,
      }),
    deps.retry,
  );
  return {
    authMode: 'oauth2_cc',
    stored: fromTokenSet('oauth2_cc', tokens),
    integration: integration.scope,
    scopes: tokens.scopes,
    issued: { tokenType: tokens.tokenType, expiresAt: tokens.expiresAt, refreshTokenExpiresAt: null },
  };
}

const unsupported = (manifest: ProviderManifest, mode: string) =>
  new BadUserInputError(`${manifest.displayName} does not accept ${mode} credentials`, {
    provider: manifest.id,
    authModes: authModesOf(manifest),
  });
