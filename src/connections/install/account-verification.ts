import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { ProviderAccount } from '../../oauth/index.js';

export type AccountVerdict = { ok: true } | { ok: false; detail: string };

/**
 * The manifest's account verification call (Intuit's company info of the claimed realm) with the
 * new access token. Placeholders are URL-encoded: `realmId=1/../2` names no other path. The
 * answer's body is never read or logged; only its status counts.
 */
export async function verifyAccount(
  manifest: ProviderManifest,
  account: Pick<ProviderAccount, 'fields'>,
  accessToken: string,
  timeoutMs: number,
): Promise<AccountVerdict> {
  const verification = manifest.auth.accountVerification;
  if (!verification) return { ok: false, detail: 'the provider declares no account verification' };
  let missing: string | null = null;
  const fill = (template: string) =>
    template.replace(/\{([A-Za-z][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const value = account.fields[name];
      if (value === undefined) missing = name;
      return encodeURIComponent(value ?? '');
    });
  const url = fill(manifest.api.baseUrl.replace(/\/+$/, '') + verification.path);
  if (missing !== null) return { ok: false, detail: `the callback carried no ${missing}` };
  // Headers, not an object: the manifest's `Accept` must replace our `accept`, not add to it.
  const headers = new Headers({ accept: 'application/json' });
  for (const [name, value] of Object.entries({ ...manifest.api.headers, ...verification.headers }))
    headers.set(name, value);
  headers.set('authorization', `Bearer ${accessToken}`);
  let status: number;
  try {
    const response = await fetch(url, {
      method: verification.method,
      headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    return {
      ok: false,
      detail:
        (error as Error).name === 'TimeoutError' ? 'the verification timed out' : 'the verification failed',
    };
  }
  return status === verification.expectedStatus
    ? { ok: true }
    : { ok: false, detail: `the verification answered HTTP ${status}` };
}
