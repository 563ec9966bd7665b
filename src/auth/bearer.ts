import { AuthenticationError } from './errors.js';

/**
 * `Authorization: Bearer <token>` (RFC 6750). The scheme is case-insensitive. The token may hold
 * any visible ASCII: operator tokens are free-form secrets, so the stricter b64token grammar would
 * lock out a valid configuration. The length cap keeps hashing and parsing of garbage cheap.
 */
const BEARER = /^bearer +([\x21-\x7e]{1,8192})$/i;

const KNOWN_SCHEMES = new Set(['bearer', 'basic', 'digest', 'dpop', 'negotiate', 'token', 'hoba', 'mutual']);

/** Three base64url segments; the third may be empty so that `alg: none` tokens reach the JWT checks and fail there. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The bearer token, or null when no credentials were sent (absent or blank header). */
export function parseBearer(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.trim() === '') return null;
  const match = BEARER.exec(authorization.trim());
  if (!match?.[1]) {
    const scheme = (authorization.trim().split(' ', 1)[0] ?? '').toLowerCase();
    // Only a known scheme name is logged: a bare token pasted without a scheme would be a secret.
    throw new AuthenticationError('malformed_authorization', {
      scheme: KNOWN_SCHEMES.has(scheme) ? scheme : '(other)',
    });
  }
  return match[1];
}

export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}
