import type { ProviderManifest } from '../connectors/sdk/manifest.js';

export type IssuerVerdict = { ok: true } | { ok: false; message: string };

/**
 * RFC 9207 §2.4: the `iss` of an authorization response must be the issuer the request went to,
 * by simple string comparison. Every provider's response arrives at the same /oauth/callback, so
 * without this a response from one authorization server could complete another's flow (mix-up).
 * The expected issuer is the manifest's `issuer`, else its `oidcIssuer`.
 */
export function checkResponseIssuer(manifest: ProviderManifest, iss: string | undefined): IssuerVerdict {
  const expected = manifest.auth.issuer ?? manifest.auth.oidcIssuer;
  const name = manifest.displayName;
  if (iss === undefined) {
    return manifest.auth.issParameterSupported
      ? { ok: false, message: `${name} always sends iss (RFC 9207), and this response has none` }
      : { ok: true };
  }
  if (expected === undefined) {
    return {
      ok: false,
      message: `The response names an issuer (iss) but the manifest of ${name} declares none (auth.issuer) to compare it with`,
    };
  }
  return iss === expected
    ? { ok: true }
    : { ok: false, message: `The response's issuer (iss) is not ${name}'s (${expected})` };
}
