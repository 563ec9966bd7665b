import { type Caller, type ConnectionDeps, execute } from '../../commands/deps.js';
import { connectionDecider } from '../../domain/connection.js';
import { connectionStream } from '../../events/connection.js';
import { checkResponseIssuer, exchangeCode, type TokenSet } from '../../oauth/index.js';
import { READ_MODEL } from '../../projections/names.js';
import { fromTokenSet, sealCredentials } from '../credentials/credentials-codec.js';
import { AccountDiscoveryError, InvalidOAuthStateError, IssuerMismatchError } from '../errors.js';
import { integrationFor, oauthClient } from '../integrations.js';
import { claimProviderAccount } from '../provider-accounts.js';
import { discoverAccount } from './account-discovery.js';
import { failAttempt, failureMessage } from './fail-attempt.js';
import { type PendingAuthorization, returnAuthorization, takeAuthorization } from './oauth-state.js';
import { recordUnknownState } from './unknown-state.js';

export interface CompleteConnectionInput {
  state: string;
  code: string;
  /** The manifest's callbackParams (QuickBooks' realmId) and `iss`, when the callback had them. */
  params?: Readonly<Record<string, string>>;
}

/**
 * completeConnection for backends that receive the callback themselves: the state must belong to
 * the caller's tenant (else it is put back untouched and the caller learns nothing more).
 */
export async function completeConnection(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  input: CompleteConnectionInput,
): Promise<string> {
  const pending = await takeAuthorization(deps.kv, input.state, deps.now());
  if (!pending) {
    await recordUnknownState(deps, caller, input.state, tenantId);
    throw new InvalidOAuthStateError('unknown');
  }
  if (pending.tenantId !== tenantId) {
    await returnAuthorization(deps.kv, input.state, pending, deps.now());
    throw new InvalidOAuthStateError('other_tenant');
  }
  return exchangeAndInstall(deps, caller, pending, { code: input.code, params: input.params ?? {} });
}

/**
 * The second half of the flow once the state was taken: check the response's issuer (RFC 9207),
 * exchange the code (never retried: codes are single use), find the account when the manifest
 * declares a discovery, seal the token set, record ConnectionInstalled (with the account's URL
 * values) + TokenIssued, then claim the provider account for app-level webhooks. A wrong issuer, a
 * failed exchange or a failed discovery is recorded as ConnectionFailed and thrown
 * (IssuerMismatchError, the provider's classified error, AccountDiscoveryError).
 */
export async function exchangeAndInstall(
  deps: ConnectionDeps,
  caller: Caller,
  pending: PendingAuthorization,
  callback: { code: string; params: Readonly<Record<string, string>> },
): Promise<string> {
  const { tenantId, connectionId } = pending;
  const manifest = deps.catalog.require(pending.provider);
  // Before the exchange: a code from a server the attempt was not sent to is never redeemed.
  const issuer = checkResponseIssuer(manifest, callback.params['iss']);
  if (!issuer.ok) {
    await failAttempt(deps, caller, pending, 'issuer_mismatch', issuer.message);
    throw new IssuerMismatchError(issuer.message);
  }
  let tokens: TokenSet;
  try {
    const integration = await integrationFor(deps, tenantId, manifest, pending.integration);
    const verifier = pending.codeVerifier
      ? (await deps.vault.decrypt(tenantId, connectionId, pending.codeVerifier)).toString('utf8')
      : null;
    tokens = await exchangeCode({
      manifest,
      client: await oauthClient(deps, integration.row),
      code: callback.code,
      redirectUri: pending.callbackUri,
      codeVerifier: verifier,
      callbackParams: callback.params,
      scopes: pending.scopes,
      now: deps.now(),
      timeoutMs: deps.providerTimeoutMs,
    });
  } catch (error) {
    await failAttempt(deps, caller, pending, 'exchange_failed', failureMessage(error));
    throw error;
  }
  // Before anything is stored: a grant that reaches no account (a Jira grant for no site) is no connection.
  const discovered = await discoverAccount(manifest, tokens, deps.providerTimeoutMs);
  if (!discovered.ok) {
    const error = new AccountDiscoveryError(manifest.displayName, discovered.detail);
    await failAttempt(deps, caller, pending, 'account_discovery_failed', error.message);
    throw error;
  }
  const account = discovered.account;
  const secret = await sealCredentials(deps.vault, tenantId, connectionId, fromTokenSet('oauth2', tokens));
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
      authMode: 'oauth2',
      integration: pending.integration,
      account: { id: account.id, name: account.name },
      values: account.fields,
      scopes: tokens.scopes,
      credentials: {
        secret,
        tokenType: tokens.tokenType,
        expiresAt: tokens.expiresAt,
        refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
      },
    },
    { waitFor: [READ_MODEL.connections, READ_MODEL.credentials] },
  );
  try {
    await claimProviderAccount(deps, caller, {
      tenantId,
      connectionId,
      manifest,
      account,
      accessToken: tokens.accessToken,
    });
  } catch (error) {
    // The connection works without it; it just gets no app-level webhooks (unbound) until reconnected.
    deps.logger.error({ err: error, connectionId }, 'provider account claim not recorded');
  }
  return connectionId;
}
