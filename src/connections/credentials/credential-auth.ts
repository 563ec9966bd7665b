import type { ProviderManifest } from '../../connectors/sdk/manifest.js';

type Auth = ProviderManifest['auth'];
export type ApiKeyPlacement = NonNullable<Auth['apiKey']>;
export type TestRequest = NonNullable<Auth['testRequest']>;

export interface CredentialAuth {
  mode: 'api_key' | 'basic';
  /** Where the key goes; a plain `Authorization: <key>` when the manifest says nothing. */
  apiKey: ApiKeyPlacement;
  testRequest: TestRequest | null;
}

const DEFAULT_PLACEMENT: ApiKeyPlacement = { in: 'header', name: 'Authorization', prefix: '' };

/** How the manifest wants `mode` used: the primary auth or one of its alternatives; null when it has no such mode. */
export function credentialAuth(manifest: ProviderManifest, mode: 'api_key' | 'basic'): CredentialAuth | null {
  const variant =
    manifest.auth.mode === mode ? manifest.auth : manifest.auth.alternatives.find((a) => a.mode === mode);
  if (!variant) return null;
  return { mode, apiKey: variant.apiKey ?? DEFAULT_PLACEMENT, testRequest: variant.testRequest ?? null };
}

/** The request headers and query parameters that authenticate with these credentials. */
export function authenticationOf(
  auth: CredentialAuth,
  credentials: { apiKey: string } | { username: string; password: string },
): { headers: Record<string, string>; query: Record<string, string> } {
  if ('username' in credentials) {
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    return { headers: { Authorization: `Basic ${basic}` }, query: {} };
  }
  const value = `${auth.apiKey.prefix}${credentials.apiKey}`;
  return auth.apiKey.in === 'query'
    ? { headers: {}, query: { [auth.apiKey.name]: value } }
    : { headers: { [auth.apiKey.name]: value }, query: {} };
}
