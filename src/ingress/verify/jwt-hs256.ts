import { createHmac } from 'node:crypto';
import { anyEqual } from '../../shared/constant-time.js';
import { secretBytes } from './request.js';
import { decodeStrict } from './signature.js';
import type { VerifyFailureReason, WebhookSecret } from './types.js';

/**
 * Verifies a compact JWS signed with HS256 (RFC 7515/7519) and returns its issue time and claims.
 *
 * Hand-written rather than jose's jwtVerify because verification here is synchronous and pure, and
 * HS256 is one HMAC. The signature is checked first, over the exact bytes received, and only then
 * are the header and claims decoded; `alg` must still say HS256 so no other algorithm is accepted.
 * `exp` is required: a token without one would verify, and could be replayed, forever.
 */
export function verifyHs256(
  token: string,
  secret: WebhookSecret,
  now: Date,
  leewaySeconds: number,
):
  | { ok: true; issuedAt: Date | null; claims: Readonly<Record<string, unknown>> }
  | { ok: false; reason: VerifyFailureReason } {
  const [header, claims, signature, ...rest] = token.split('.');
  if (header === undefined || claims === undefined || signature === undefined || rest.length > 0) {
    return { ok: false, reason: 'malformed_signature' };
  }
  const presented = decodeStrict(signature, 'base64url');
  if (presented === null) return { ok: false, reason: 'malformed_signature' };
  const expected = createHmac('sha256', secretBytes(secret)).update(`${header}.${claims}`, 'utf8').digest();
  if (!anyEqual([presented], expected)) return { ok: false, reason: 'bad_signature' };

  const decodedHeader = decodeJsonSegment(header);
  const decodedClaims = decodeJsonSegment(claims);
  if (decodedHeader?.['alg'] !== 'HS256' || decodedClaims === null) {
    return { ok: false, reason: 'malformed_signature' };
  }
  const { exp, iat } = decodedClaims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: 'missing_timestamp' };
  if (now.getTime() > (exp + leewaySeconds) * 1000) return { ok: false, reason: 'stale_timestamp' };
  const issuedAt = typeof iat === 'number' ? new Date(iat * 1000) : null;
  // A token issued in the future would outlive its exp by that much: refuse beyond the clock leeway.
  if (issuedAt && issuedAt.getTime() - now.getTime() > leewaySeconds * 1000) {
    return { ok: false, reason: 'future_timestamp' };
  }
  return { ok: true, issuedAt, claims: decodedClaims };
}

function decodeJsonSegment(segment: string): Record<string, unknown> | null {
  const bytes = decodeStrict(segment, 'base64url');
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
