import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { CredentialsRejectedError } from '../errors.js';
import { authenticationOf, type CredentialAuth, type TestRequest } from './credential-auth.js';

/**
 * connectWithCredentials(verify: true): the manifest's cheap authenticated call (GitHub's
 * `GET /user`) must answer its expected status before a connection is stored. The answer's body
 * is never read or logged: it may echo the credentials.
 */
export async function verifyCredentials(
  manifest: ProviderManifest,
  auth: CredentialAuth,
  testRequest: TestRequest,
  credentials: { apiKey: string } | { username: string; password: string },
  timeoutMs: number,
): Promise<void> {
  const url = new URL(manifest.api.baseUrl.replace(/\/+$/, '') + testRequest.path);
  const { headers, query } = authenticationOf(auth, credentials);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  let status: number;
  try {
    const response = await fetch(url, {
      method: testRequest.method,
      headers: { accept: 'application/json', ...manifest.api.headers, ...testRequest.headers, ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'the request failed';
    throw new CredentialsRejectedError(manifest.displayName, null, reason);
  }
  if (status !== testRequest.expectedStatus) throw new CredentialsRejectedError(manifest.displayName, status);
}
