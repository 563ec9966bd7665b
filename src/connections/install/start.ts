import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { resolveScopes } from '../../connectors/sdk/scopes.js';
import { connectionDecider } from '../../domain/connection.js';
import { connectionStream } from '../../events/connection.js';
import { buildAuthorizationRequest } from '../../oauth/index.js';
import { READ_MODEL } from '../../projections/names.js';
import { BadUserInputError } from '../../shared/errors.js';
import { isRedirectAllowed } from '../../shared/redirect-allowlist.js';
import { newConnectionId } from '../ids.js';
import { findIntegration } from '../integrations.js';
import { newState, rememberAuthorization, STATE_TTL_MS, stateHash } from './oauth-state.js';

export interface StartConnectionInput {
  provider: string;
  /** Internal (`issues.read`) or provider scopes; the integration's defaults when empty. */
  scopes?: readonly string[] | null | undefined;
  /** Where the user lands after the callback, with `connection_id` or `error` added. */
  redirectUri?: string | null | undefined;
  /** A Connect session's flow: the callback records its outcome there and shows its result page. */
  connectSession?: { id: string; token: string } | undefined;
}

export interface StartedConnection {
  connectionId: string;
  authorizeUrl: string;
  state: string;
  expiresAt: Date;
}

export const callbackUri = (publicUrl: string): string => `${publicUrl}/oauth/callback`;

/**
 * The first half of the authorization code flow: scopes through the manifest's policy, a random
 * single-use state bound to tenant, provider and redirect (10 minutes), PKCE unless the manifest
 * turns it off, and a PENDING connection in the log.
 */
export async function startConnection(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  input: StartConnectionInput,
): Promise<StartedConnection> {
  const manifest = deps.catalog.require(input.provider);
  if (manifest.auth.mode !== 'oauth2') {
    throw new BadUserInputError(
      `${manifest.displayName} uses ${manifest.auth.mode}, not an authorization flow: use connectWithCredentials`,
      { provider: manifest.id },
    );
  }
  const redirectUri = await allowedRedirectUri(deps, tenantId, input.redirectUri);
  const integration = await findIntegration(deps, tenantId, manifest);
  const requested = input.scopes && input.scopes.length > 0 ? input.scopes : integration.row.defaultScopes;
  const { providerScopes } = resolveScopes(manifest, requested);

  const connectionId = newConnectionId();
  const state = newState();
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + STATE_TTL_MS);
  const request = await buildAuthorizationRequest({
    manifest,
    clientId: integration.row.clientId,
    redirectUri: callbackUri(deps.publicUrl),
    scopes: providerScopes,
    state,
    timeoutMs: deps.providerTimeoutMs,
  });
  const codeVerifier =
    request.codeVerifier === null
      ? null
      : await deps.vault.encrypt(tenantId, connectionId, request.codeVerifier);
  // Sealed like the verifier: the kv never holds a usable Connect link either.
  const connectSession = input.connectSession
    ? {
        id: input.connectSession.id,
        token: await deps.vault.encrypt(tenantId, connectionId, input.connectSession.token),
      }
    : null;

  // The log first: a state that is remembered always has a PENDING connection to complete or fail.
  await execute(
    deps,
    caller,
    { tenantId, stream: connectionStream(tenantId, connectionId) },
    connectionDecider,
    {
      type: 'StartConnection',
      connectionId,
      tenantId,
      provider: manifest.id,
      integration: integration.scope,
      requestedScopes: providerScopes,
      stateHash: stateHash(state),
      redirectUri,
      expiresAt,
    },
    { waitFor: [READ_MODEL.connections] },
  );
  await rememberAuthorization(deps.kv, state, {
    tenantId,
    provider: manifest.id,
    connectionId,
    integration: integration.scope,
    callbackUri: callbackUri(deps.publicUrl),
    redirectUri,
    codeVerifier,
    connectSession,
    scopes: providerScopes,
    expiresAt: expiresAt.toISOString(),
  });
  return { connectionId, authorizeUrl: request.url, state, expiresAt };
}

/**
 * The caller's redirectUri, if it may have one: an absolute http(s) URL without credentials that
 * matches the tenant's allowlist or the global one. The callback sends the user there with a
 * connection id or an error, so an unlisted URL would make the hub an open redirector.
 */
export async function allowedRedirectUri(
  deps: ConnectionDeps,
  tenantId: string,
  value: string | null | undefined,
): Promise<string | null> {
  if (value === null || value === undefined || value === '') return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadUserInputError('redirectUri must be an absolute URL', { field: 'redirectUri' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadUserInputError('redirectUri must be an http(s) URL', { field: 'redirectUri' });
  }
  if (url.username || url.password) {
    throw new BadUserInputError('redirectUri must not carry credentials', { field: 'redirectUri' });
  }
  const tenant = await deps.prisma.tenant.findUnique({
    where: { id: tenantId },
    select: { redirectAllowlist: true },
  });
  const allowlist = [...(tenant?.redirectAllowlist ?? []), ...deps.redirectAllowlist];
  if (allowlist.length === 0) {
    throw new BadUserInputError(
      'No redirect allowlist is configured, so no redirectUri is accepted: list where users may return with ' +
        'configureRedirectAllowlist(input: { redirectUris }) for this tenant, or SWITCHBOARD_REDIRECT_ALLOWLIST ' +
        "for every tenant (or omit redirectUri to show the hub's result page)",
      { field: 'redirectUri' },
    );
  }
  if (!isRedirectAllowed(url, allowlist)) {
    throw new BadUserInputError(
      `redirectUri ${url.origin}${url.pathname} is not on the redirect allowlist (the tenant's, set with ` +
        'configureRedirectAllowlist, or SWITCHBOARD_REDIRECT_ALLOWLIST)',
      { field: 'redirectUri' },
    );
  }
  return url.href;
}
