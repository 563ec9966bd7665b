import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { credentialAuth } from '../credentials/credential-auth.js';

/** How an end user connects a provider on the Connect page. */
export type ConnectMethod = 'oauth2' | 'api_key' | 'basic';

/**
 * OAuth when the provider uses it and the tenant has an app for it (`hasOAuthApp`); otherwise an
 * API key or basic credentials when the manifest accepts them (GitHub with a personal access
 * token); null when a person has nothing to do on the page (client credentials, app JWTs).
 */
export function connectMethodOf(manifest: ProviderManifest, hasOAuthApp: boolean): ConnectMethod | null {
  if (manifest.auth.mode === 'oauth2' && hasOAuthApp) return 'oauth2';
  if (credentialAuth(manifest, 'api_key')) return 'api_key';
  if (credentialAuth(manifest, 'basic')) return 'basic';
  return null;
}
