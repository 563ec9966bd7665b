import type { Logger } from '../platform/logger.js';
import { looksLikeConnectSessionToken } from '../shared/connect-session-token.js';
import { looksLikeJwt, parseBearer } from './bearer.js';
import { AuthenticationError } from './errors.js';
import { createJwtVerifier, type JwtVerifierOptions, type JwtVerifierStatus } from './jwt-verifier.js';
import { createOperatorTokenVerifier } from './operator-tokens.js';
import type { Principal } from './principal.js';

/**
 * One entry point for both transports: the HTTP Authorization header and graphql-ws
 * connectionParams.authorization carry the same `Bearer <token>`.
 *
 *   no credentials               → null (anonymous: public fields still work)
 *   JWT-shaped, OIDC configured  → JWT verifier
 *   anything else                → operator tokens
 *
 * A rejected credential is an AuthenticationError whatever the check that failed; an issuer that
 * cannot be reached is an IdentityProviderUnavailableError (503): the token may be fine.
 */
export interface AuthenticatorOptions {
  operatorTokens: readonly string[];
  oidc: { issuer: string; audience: string } | null;
  /** Tuning and test seams for the JWT verifier (timeouts, cooldowns, clock). */
  jwt?: Omit<JwtVerifierOptions, 'issuer' | 'audience' | 'logger'>;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export type AuthenticatorStatus = { oidc: JwtVerifierStatus | { state: 'disabled' }; operatorTokens: number };

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal | null>;
  /**
   * When `authenticate` starts refusing the credential behind this principal on its own (a JWT's
   * expiry, judged as the verifier judges it); null when only a configuration change ends it.
   */
  acceptedUntil(principal: Principal): Date | null;
  /** For /readyz and logs; never throws, never contains a secret. */
  status(): AuthenticatorStatus;
  /** Reaches the issuer ahead of the first request; false (and status says why) when it is down. */
  warmUp(): Promise<boolean>;
}

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const operators = createOperatorTokenVerifier(options.operatorTokens);
  const jwt = options.oidc
    ? createJwtVerifier({ ...options.jwt, ...options.oidc, logger: options.logger })
    : null;

  return {
    async authenticate(authorization) {
      const token = parseBearer(authorization);
      if (token === null) return null;
      // Refused by shape before any lookup, so no configuration can turn a Connect link into API access.
      if (looksLikeConnectSessionToken(token)) throw new AuthenticationError('connect_session_token');
      if (jwt && looksLikeJwt(token)) return jwt.verify(token);
      const operator = operators.verify(token);
      if (!operator) {
        throw new AuthenticationError('unknown_operator_token', {
          jwtShaped: looksLikeJwt(token),
          oidcConfigured: jwt !== null,
        });
      }
      return operator;
    },
    acceptedUntil(principal) {
      if (principal.kind === 'operator') return null;
      return jwt ? jwt.acceptedUntil(principal) : principal.expiresAt;
    },
    status() {
      return { oidc: jwt ? jwt.status() : { state: 'disabled' }, operatorTokens: operators.size };
    },
    async warmUp() {
      return jwt ? jwt.warmUp() : true;
    },
  };
}
