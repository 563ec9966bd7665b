import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Logger } from '../platform/logger.js';
import { principalFromAccessToken } from './access-token-claims.js';
import { AuthenticationError, IdentityProviderUnavailableError } from './errors.js';
import { createIssuerDiscovery, type IssuerDiscoveryStatus } from './issuer-discovery.js';
import type { JwtPrincipal } from './principal.js';

/**
 * Verifies JWT access tokens from one OIDC issuer: signature against the issuer's JWKS, then
 * `iss`, `aud`, `exp`/`nbf`, `typ` and the claims we read.
 *
 * Keys come from jose's remote JWKS set, which caches them and refetches when a token names an
 * unknown `kid` (at most once per cooldown), so an issuer's key rotation needs nothing from us.
 */

/** Asymmetric only: an HMAC secret would be shared with the issuer, and `none` is no signature at all. */
export const ALLOWED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  /** Leeway for exp/nbf between our clock and the issuer's. Default 5 s. */
  clockToleranceSeconds?: number;
  /** Timeout of one discovery or JWKS request. Default 5 s. */
  requestTimeoutMs?: number;
  /** After a failed discovery, requests fail fast this long before one tries again. Default 5 s. */
  discoveryRetryAfterMs?: number;
  /** Minimum time between two JWKS fetches triggered by unknown key ids. Default 10 s. */
  jwksCooldownMs?: number;
  /** JWKS older than this is refetched before use. Default 10 min. */
  jwksMaxAgeMs?: number;
  /** The time tokens are judged at; tests move it instead of sleeping. */
  clock?: () => Date;
  /**
   * A token verified once is accepted again without its signature checked for this long (default
   * 60 s), never past its expiry: a client sends the same token with every request until it
   * expires. A key the issuer withdraws stops being honoured within this; never longer than
   * jwksMaxAgeMs. 0 verifies every time.
   */
  verifiedForMs?: number;
  /** Verified tokens remembered at most (default 10,000). */
  maxVerified?: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export interface JwtVerifierStatus extends IssuerDiscoveryStatus {
  audience: string;
}

export interface JwtVerifier {
  /** The principal for a valid access token; AuthenticationError or IdentityProviderUnavailableError otherwise. */
  verify(token: string): Promise<JwtPrincipal>;
  /** The first moment `verify` refuses this principal's token as expired: `exp` plus the clock tolerance. */
  acceptedUntil(principal: JwtPrincipal): Date;
  /** For readiness checks: has the issuer been reached, and what failed last. Never throws. */
  status(): JwtVerifierStatus;
  /** Discovers and fetches keys now (e.g. at startup) without failing when the issuer is down. */
  warmUp(): Promise<boolean>;
}

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const timeoutMs = options.requestTimeoutMs ?? 5_000;
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
  const discovery = createIssuerDiscovery({
    issuer: options.issuer,
    timeoutMs,
    retryAfterMs: options.discoveryRetryAfterMs ?? 5_000,
    logger: options.logger,
  });
  let keys: { issuer: string; jwks: RemoteJwks } | undefined;
  let jwksFailure: { reason: string; at: Date } | undefined;

  async function resolveKeys(): Promise<{ issuer: string; jwks: RemoteJwks }> {
    if (keys) return keys;
    const metadata = await discovery.metadata();
    keys ??= {
      issuer: metadata.issuer,
      jwks: createRemoteJWKSet(metadata.jwksUri, {
        timeoutDuration: timeoutMs,
        cooldownDuration: options.jwksCooldownMs ?? 10_000,
        cacheMaxAge: options.jwksMaxAgeMs ?? 10 * 60_000,
      }),
    };
    return keys;
  }

  // Never longer than the keys are trusted: with a JWKS refetched on every use, every token is checked.
  const verifiedForMs = Math.min(options.verifiedForMs ?? 60_000, options.jwksMaxAgeMs ?? 10 * 60_000);
  const maxVerified = options.maxVerified ?? 10_000;
  /** sha256 of a verified token → its principal, until when it is accepted without a new check. */
  const verifiedTokens = new Map<string, { principal: JwtPrincipal; until: number }>();

  async function verify(token: string): Promise<JwtPrincipal> {
    if (verifiedForMs <= 0) return verifyNow(token);
    // Keyed by a digest: the map's lookup never compares a presented token with a stored one.
    const key = createHash('sha256').update(token).digest('base64');
    const now = (options.clock?.() ?? new Date()).getTime();
    const hit = verifiedTokens.get(key);
    if (hit !== undefined) {
      if (hit.until > now) return hit.principal;
      verifiedTokens.delete(key);
    }
    const principal = await verifyNow(token);
    if (verifiedTokens.size >= maxVerified) {
      // Insertion order: the first entry is the oldest.
      const oldest = verifiedTokens.keys().next();
      if (!oldest.done) verifiedTokens.delete(oldest.value);
    }
    // Accepted again until its expiry as verify would judge it (exp + tolerance), and no later.
    const until = Math.min(now + verifiedForMs, principal.expiresAt.getTime() + clockToleranceSeconds * 1000);
    verifiedTokens.set(key, { principal, until });
    return principal;
  }

  async function verifyNow(token: string): Promise<JwtPrincipal> {
    const { issuer, jwks } = await resolveKeys();
    let verified: Awaited<ReturnType<typeof jwtVerify>>;
    try {
      verified = await jwtVerify(token, jwks, {
        issuer,
        audience: options.audience,
        algorithms: [...ALLOWED_ALGORITHMS],
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
        ...(options.clock ? { currentDate: options.clock() } : {}),
      });
    } catch (error) {
      throw translate(error, options.issuer, (reason) => {
        jwksFailure = { reason, at: new Date() };
        options.logger?.warn({ issuer: options.issuer, reason }, 'OIDC JWKS unavailable');
      });
    }
    jwksFailure = undefined;
    return principalFromAccessToken(verified.protectedHeader, verified.payload);
  }

  return {
    verify,
    acceptedUntil: (principal) => new Date(principal.expiresAt.getTime() + clockToleranceSeconds * 1000),
    status() {
      const status: JwtVerifierStatus = { ...discovery.status(), audience: options.audience };
      if (jwksFailure) {
        status.state = 'unavailable';
        status.lastError = `jwks: ${jwksFailure.reason}`;
        status.lastFailureAt = jwksFailure.at.toISOString();
      }
      return status;
    },
    async warmUp() {
      try {
        await (await resolveKeys()).jwks.reload();
        jwksFailure = undefined;
        return true;
      } catch (error) {
        if (keys) jwksFailure = { reason: describe(error), at: new Date() };
        return false;
      }
    },
  };
}

/**
 * jose's errors → ours. A token that fails a check is the caller's problem (401); a JWKS that cannot
 * be fetched is ours (503), because the token might well be valid. Anything else is a bug and is
 * rethrown untouched, to be masked and logged at the edge.
 */
function translate(error: unknown, issuer: string, onUnavailable: (reason: string) => void): unknown {
  const unavailable =
    error instanceof joseErrors.JWKSTimeout ||
    error instanceof joseErrors.JWKSInvalid ||
    // jose raises a bare JOSEError only for a non-200 or non-JSON JWKS response.
    (error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC') ||
    // fetch itself: connection refused, DNS, TLS.
    error instanceof TypeError;
  if (unavailable) {
    const reason = describe(error);
    onUnavailable(reason);
    return new IdentityProviderUnavailableError(issuer, `jwks: ${reason}`, error);
  }
  if (!(error instanceof joseErrors.JOSEError)) return error;
  // jose's error is not kept as `cause`: claim errors carry the token's payload, which stays out of logs.
  if (error instanceof joseErrors.JWTExpired) return new AuthenticationError('expired_jwt', { check: 'exp' });
  const detail: Record<string, unknown> = { code: error.code, message: error.message };
  if (error instanceof joseErrors.JWTClaimValidationFailed) detail['claim'] = error.claim;
  return new AuthenticationError('invalid_jwt', detail);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
