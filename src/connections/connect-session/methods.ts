import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { credentialAuth } from '../credentials/credential-auth.js';

/** How an end user connects a provider on the Connect page; null when a person has nothing to do there. */
export type ConnectMethod = 'oauth2' | 'api_key' | 'basic';

export function connectMethodOf(manifest: ProviderManifest): ConnectMethod | null {
  if (manifest.auth.mode === 'oauth2') return 'oauth2';
  if (credentialAuth(manifest, 'api_key')) return 'api_key';
  if (credentialAuth(manifest, 'basic')) return 'basic';
  // Client credentials and app JWTs need no user; webhook-only providers hold no credentials.
  return null;
}
