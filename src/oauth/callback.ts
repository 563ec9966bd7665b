import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { callContext, detailOf } from './context.js';
import { ProviderUnexpectedResponseError } from './errors.js';
import { errorFromAnswer } from './transport/classify.js';

export interface AuthorizationCallback {
  code: string;
  state: string | null;
  /** The manifest's callbackParams that came back (QuickBooks' realmId), plus `iss` (RFC 9207). */
  params: Record<string, string>;
}

/**
 * Reads the query of the redirect back from the provider (RFC 6749 §4.1.2). An error response
 * (§4.1.2.1: the user declined → access_denied) throws, classified like any provider failure; so
 * does a callback without a code. The state is returned, not checked: the caller's state store
 * decides whether it is known, unexpired and unused.
 */
export function readCallback(
  manifest: ProviderManifest,
  query: URLSearchParams | Readonly<Record<string, string | undefined>>,
): AuthorizationCallback {
  const get = (name: string) => (query instanceof URLSearchParams ? query.get(name) : query[name]) ?? null;
  const context = callContext(manifest, 'callback', {}, [get('code'), get('state')]);
  const error = get('error');
  if (error !== null) {
    throw errorFromAnswer(context, { status: undefined, error, description: get('error_description') });
  }
  const code = get('code');
  if (!code) {
    throw new ProviderUnexpectedResponseError(
      `${manifest.displayName} redirected back without an authorization code`,
      400,
      detailOf(context, { reason: 'no code parameter' }),
    );
  }
  const params: Record<string, string> = {};
  for (const name of [...manifest.auth.callbackParams, 'iss']) {
    const value = get(name);
    if (value !== null) params[name] = value;
  }
  return { code, state: get('state'), params };
}
