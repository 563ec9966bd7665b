import type { Caller, ConnectionDeps } from '../../commands/deps.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { BadUserInputError } from '../../shared/errors.js';
import { allowedRedirectUri } from '../install/start.js';
import { findIntegration } from '../integrations.js';
import { connectMethodOf } from './methods.js';
import { type ConnectSession, saveSession } from './store.js';
import { connectSessionId, newConnectSessionToken, newCsrfToken } from './token.js';

export interface CreateConnectSessionInput {
  /** Null: every provider the tenant can connect on the page. */
  allowedProviders?: readonly string[] | null;
  redirectUri?: string | null;
  expiresInSeconds?: number | null;
}

export interface CreatedConnectSession {
  token: string;
  url: string;
  expiresAt: Date;
}

export const DEFAULT_EXPIRY_SECONDS = 30 * 60;
export const MIN_EXPIRY_SECONDS = 60;
export const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

/**
 * A link a product sends one end user to: it lets them connect one of `allowedProviders` for this
 * tenant, once, before it expires, and nothing else (it is no API credential). Only its hash is
 * stored.
 */
export async function createConnectSession(
  deps: ConnectionDeps,
  _caller: Caller,
  tenantId: string,
  input: CreateConnectSessionInput,
): Promise<CreatedConnectSession> {
  const seconds = input.expiresInSeconds ?? DEFAULT_EXPIRY_SECONDS;
  if (!Number.isInteger(seconds) || seconds < MIN_EXPIRY_SECONDS || seconds > MAX_EXPIRY_SECONDS) {
    throw new BadUserInputError(
      `expiresInSeconds must be a whole number from ${MIN_EXPIRY_SECONDS} to ${MAX_EXPIRY_SECONDS} (24 hours)`,
      { field: 'expiresInSeconds' },
    );
  }
  const allowedProviders = await connectableProviders(deps, tenantId, input.allowedProviders ?? null);
  const redirectUri = await allowedRedirectUri(deps, tenantId, input.redirectUri);
  const token = newConnectSessionToken();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + seconds * 1000);
  await saveSession(
    deps.kv,
    connectSessionId(token),
    {
      tenantId,
      providers: allowedProviders,
      redirectUri,
      expiresAt: expiresAt.toISOString(),
      csrf: newCsrfToken(),
      connected: null,
      failure: null,
    },
    now,
  );
  return { token, url: `${deps.publicUrl}/connect/${token}`, expiresAt };
}

/** Each named provider must exist and be connectable by a person: OAuth with an app for this tenant, or credentials. */
async function connectableProviders(
  deps: ConnectionDeps,
  tenantId: string,
  requested: readonly string[] | null,
): Promise<ConnectSession['providers']> {
  if (requested === null) {
    const usable: ConnectSession['providers'] = [];
    for (const manifest of deps.catalog.list()) {
      const method = connectMethodOf(manifest, await hasOAuthApp(deps, tenantId, manifest));
      if (method !== null) usable.push({ id: manifest.id, method });
    }
    if (usable.length === 0) {
      throw new BadUserInputError(
        'No provider can be connected by this tenant: configure an integration first',
        { field: 'allowedProviders' },
      );
    }
    return usable;
  }
  if (requested.length === 0) {
    throw new BadUserInputError('allowedProviders is empty: name one provider or more, or omit it', {
      field: 'allowedProviders',
    });
  }
  const providers: ConnectSession['providers'] = [];
  for (const id of new Set(requested)) {
    const manifest = deps.catalog.require(id);
    const method = connectMethodOf(manifest, await hasOAuthApp(deps, tenantId, manifest));
    if (method !== null) {
      providers.push({ id, method });
      continue;
    }
    // Names the missing app (findIntegration's message) when OAuth is the only way.
    if (manifest.auth.mode === 'oauth2') await findIntegration(deps, tenantId, manifest);
    throw new BadUserInputError(
      `${manifest.displayName} uses ${manifest.auth.mode}: there is nothing for a person to enter on the Connect page`,
      { field: 'allowedProviders', provider: id },
    );
  }
  return providers;
}

async function hasOAuthApp(
  deps: ConnectionDeps,
  tenantId: string,
  manifest: ProviderManifest,
): Promise<boolean> {
  if (manifest.auth.mode !== 'oauth2') return false;
  try {
    await findIntegration(deps, tenantId, manifest);
    return true;
  } catch (error) {
    if (error instanceof BadUserInputError) return false;
    throw error;
  }
}
