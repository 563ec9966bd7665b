import type { Caller, ConnectionDeps } from '../../commands/deps.js';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { SwitchboardError } from '../../shared/errors.js';
import { connectWithCredentials } from '../credentials/connect-credentials.js';
import { CredentialsRejectedError } from '../errors.js';
import { startConnection } from '../install/start.js';
import type { ConnectMethod } from './methods.js';
import {
  type ConnectSession,
  claimSession,
  csrfMatches,
  lookupSession,
  MAX_FAILED_ATTEMPTS,
  releaseClaim,
  type SessionLookup,
  saveSession,
} from './store.js';

export interface ConnectableProvider {
  manifest: ProviderManifest;
  method: ConnectMethod;
}

/** Why a page request cannot go on: the page says so in words (see web/connect). */
export type Refusal =
  | 'unknown'
  | 'expired'
  | 'used'
  | 'provider_not_allowed'
  | 'csrf'
  | 'busy'
  | 'too_many_attempts';

export type Attempt<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export type OpenSession = { id: string; session: ConnectSession; providers: ConnectableProvider[] };

/** The session behind a link, with its providers as the page shows them, or why there is none. */
export async function openSession(
  deps: ConnectionDeps,
  token: string,
): Promise<Attempt<OpenSession> & { lookup: SessionLookup }> {
  const lookup = await lookupSession(deps.kv, token, deps.now());
  if (lookup.state !== 'open') return { ok: false, refusal: lookup.state, lookup };
  const providers = lookup.session.providers.flatMap(({ id, method }) => {
    const manifest = deps.catalog.get(id);
    return manifest ? [{ manifest, method }] : [];
  });
  return { ok: true, value: { id: lookup.id, session: lookup.session, providers }, lookup };
}

async function openFor(
  deps: ConnectionDeps,
  token: string,
  provider: string,
  csrf: unknown,
): Promise<Attempt<OpenSession & { target: ConnectableProvider }>> {
  const opened = await openSession(deps, token);
  if (!opened.ok) return opened;
  const target = opened.value.providers.find((candidate) => candidate.manifest.id === provider);
  if (!target) return { ok: false, refusal: 'provider_not_allowed' };
  if (!csrfMatches(opened.value.session, csrf)) return { ok: false, refusal: 'csrf' };
  return { ok: true, value: { ...opened.value, target } };
}

/**
 * The OAuth button: the existing authorization code flow, its state bound to this session (the
 * callback records the outcome here and sends the user to the session's result page).
 */
export async function startSessionOAuth(
  deps: ConnectionDeps,
  caller: Caller,
  input: { token: string; provider: string; csrf: unknown },
): Promise<Attempt<{ authorizeUrl: string }>> {
  const opened = await openFor(deps, input.token, input.provider, input.csrf);
  if (!opened.ok) return opened;
  const { id, session, target } = opened.value;
  if (target.method !== 'oauth2') return { ok: false, refusal: 'provider_not_allowed' };
  const started = await startConnection(deps, caller, session.tenantId, {
    provider: target.manifest.id,
    connectSession: { id, token: input.token },
  });
  return { ok: true, value: { authorizeUrl: started.authorizeUrl } };
}

/**
 * The API key or username and password form: the same service as connectWithCredentials, with
 * the manifest's test request. One attempt at a time; a failure leaves the session open.
 */
export async function connectSessionCredentials(
  deps: ConnectionDeps,
  caller: Caller,
  input: {
    token: string;
    provider: string;
    csrf: unknown;
    credentials: { apiKey?: string; username?: string; password?: string };
  },
): Promise<Attempt<{ connected: boolean }>> {
  const opened = await openFor(deps, input.token, input.provider, input.csrf);
  if (!opened.ok) return opened;
  const { id, session, target } = opened.value;
  if (target.method === 'oauth2') return { ok: false, refusal: 'provider_not_allowed' };
  if ((session.failedAttempts ?? 0) >= MAX_FAILED_ATTEMPTS)
    return { ok: false, refusal: 'too_many_attempts' };
  if (!(await claimSession(deps.kv, id))) return { ok: false, refusal: 'busy' };
  try {
    const credentials =
      target.method === 'api_key'
        ? { apiKey: input.credentials.apiKey ?? '' }
        : { username: input.credentials.username ?? '', password: input.credentials.password ?? '' };
    let outcome: Pick<ConnectSession, 'connected' | 'failure' | 'failedAttempts'>;
    try {
      const connectionId = await connectWithCredentials(deps, caller, session.tenantId, {
        provider: target.manifest.id,
        credentials,
        verify: true,
      });
      outcome = { connected: { connectionId, provider: target.manifest.id }, failure: null };
    } catch (error) {
      outcome = {
        connected: null,
        failure: { provider: target.manifest.id, message: inWords(error, target) },
        failedAttempts: (session.failedAttempts ?? 0) + 1,
      };
      if (!(error instanceof SwitchboardError && error.expose)) {
        deps.logger.error({ err: error, provider: target.manifest.id }, 'Connect session attempt failed');
      }
    }
    await saveSession(deps.kv, id, { ...session, ...outcome }, deps.now());
    return { ok: true, value: { connected: outcome.connected !== null } };
  } finally {
    await releaseClaim(deps.kv, id);
  }
}

/** What a person can do about a failed attempt, without codes or internals. */
function inWords(error: unknown, target: ConnectableProvider): string {
  const name = target.manifest.displayName;
  if (error instanceof CredentialsRejectedError) {
    return target.method === 'api_key'
      ? `${name} did not accept this API key. Check that it is complete and still valid, then try again.`
      : `${name} did not accept this username and password. Check them, then try again.`;
  }
  if (error instanceof SwitchboardError && error.code === 'BAD_USER_INPUT') {
    return target.method === 'api_key'
      ? 'Enter the API key, then try again.'
      : 'Enter both the username and the password, then try again.';
  }
  return `${name} could not be connected just now. Try again in a moment.`;
}

/** The result page's view: connected, failed (try again) or nothing yet. */
export async function sessionResult(deps: ConnectionDeps, token: string) {
  const lookup = await lookupSession(deps.kv, token, deps.now());
  if (lookup.state !== 'open' && lookup.state !== 'used') return { lookup, allowlist: [] as string[] };
  const tenant = await deps.prisma.tenant.findUnique({
    where: { id: lookup.session.tenantId },
    select: { redirectAllowlist: true },
  });
  return { lookup, allowlist: [...(tenant?.redirectAllowlist ?? []), ...deps.redirectAllowlist] };
}
