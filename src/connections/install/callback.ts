import type { Caller, ConnectionDeps } from '../../commands/deps.js';
import { OAuthProviderError, readCallback } from '../../oauth/index.js';
import { recordSessionOutcome } from '../connect-session/outcome.js';
import { AccountDiscoveryError, IssuerMismatchError } from '../errors.js';
import { exchangeAndInstall } from './complete.js';
import { failAttempt, failureMessage } from './fail-attempt.js';
import { type PendingAuthorization, takeAuthorization } from './oauth-state.js';
import { recordUnknownState } from './unknown-state.js';

/** What `GET /oauth/callback` tells the user (or their app, through the redirect). */
export type CallbackOutcome = (
  | { ok: true; connectionId: string; provider: string; redirectUri: string | null }
  | {
      ok: false;
      /** For the redirect's `error` parameter: access_denied, invalid_state, issuer_mismatch, exchange_failed, account_discovery_failed, server_error. */
      error: string;
      message: string;
      connectionId: string | null;
      redirectUri: string | null;
    }
) & {
  /** A Connect session's flow: where its result page is (the outcome is recorded there). */
  connectResultPath?: string;
};

export type CallbackQuery = Readonly<Record<string, string | undefined>>;

/**
 * The provider's redirect back (public: authenticated by the single-use state alone). Every failure
 * is an outcome, recorded on the connection when the state leads to one; nothing throws except
 * what the caller cannot be told about (the route masks it).
 */
export async function handleCallback(
  deps: ConnectionDeps,
  caller: Caller,
  query: CallbackQuery,
): Promise<CallbackOutcome> {
  const state = query['state'];
  if (!state) {
    return {
      ok: false,
      error: 'invalid_request',
      message: 'The callback carries no state',
      connectionId: null,
      redirectUri: null,
    };
  }
  const pending = await takeAuthorization(deps.kv, state, deps.now());
  if (!pending) {
    const outcome = await recordUnknownState(deps, caller, state);
    // The hub's own page, never the attempt's redirect: a replayed link must not redirect anywhere.
    return {
      ok: false,
      error: outcome.reason === 'expired' ? 'expired_state' : 'invalid_state',
      message: 'The authorization is unknown, expired or already used: start the connection again',
      connectionId: null,
      redirectUri: null,
    };
  }
  const outcome = await finishAuthorization(deps, caller, pending, query);
  return pending.connectSession ? toConnectSession(deps, pending, outcome) : outcome;
}

async function finishAuthorization(
  deps: ConnectionDeps,
  caller: Caller,
  pending: PendingAuthorization,
  query: CallbackQuery,
): Promise<CallbackOutcome> {
  const failed = (error: string, message: string) => ({
    ok: false as const,
    error,
    message,
    connectionId: pending.connectionId,
    redirectUri: pending.redirectUri,
  });
  const manifest = deps.catalog.require(pending.provider);
  let callback: ReturnType<typeof readCallback>;
  try {
    callback = readCallback(manifest, query);
  } catch (error) {
    // The provider said no (access_denied above all) or sent no code: the attempt is over.
    const denied = error instanceof OAuthProviderError && error.classification === 'access_denied';
    const message = denied ? `Access to ${manifest.displayName} was denied` : failureMessage(error);
    await failAttempt(deps, caller, pending, denied ? 'access_denied' : 'exchange_failed', message);
    return failed(denied ? 'access_denied' : 'exchange_failed', message);
  }
  try {
    const connectionId = await exchangeAndInstall(deps, caller, pending, callback);
    return { ok: true, connectionId, provider: manifest.id, redirectUri: pending.redirectUri };
  } catch (error) {
    // exchangeAndInstall recorded ConnectionFailed for a wrong issuer, a provider failure and a failed discovery.
    if (error instanceof IssuerMismatchError) return failed('issuer_mismatch', error.message);
    if (error instanceof AccountDiscoveryError) return failed('account_discovery_failed', error.message);
    if (error instanceof OAuthProviderError) return failed('exchange_failed', error.message);
    deps.logger.error({ err: error, connectionId: pending.connectionId }, 'OAuth callback failed');
    return failed('server_error', 'The connection could not be completed');
  }
}

/** Records the outcome on the Connect session and sends the user to its result page instead. */
async function toConnectSession(
  deps: ConnectionDeps,
  pending: PendingAuthorization,
  outcome: CallbackOutcome,
): Promise<CallbackOutcome> {
  const session = pending.connectSession!;
  await recordSessionOutcome(
    deps,
    session.id,
    outcome.ok
      ? { connectionId: outcome.connectionId, provider: outcome.provider }
      : {
          provider: pending.provider,
          message: inWords(outcome.error, deps.catalog.require(pending.provider).displayName),
        },
  );
  const token = (await deps.vault.decrypt(pending.tenantId, pending.connectionId, session.token)).toString();
  return { ...outcome, redirectUri: null, connectResultPath: `/connect/${token}/result` };
}

function inWords(error: string, provider: string): string {
  if (error === 'access_denied')
    return `You did not allow access to ${provider}. Try again if that was a mistake.`;
  return `${provider} could not be connected. Try again; if it keeps failing, contact the app that sent you here.`;
}
