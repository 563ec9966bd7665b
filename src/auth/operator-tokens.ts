import { createHash, timingSafeEqual } from 'node:crypto';
import { ALL_PERMISSIONS, type OperatorPrincipal } from './principal.js';

/**
 * Operator tokens are shared secrets from SWITCHBOARD_OPERATOR_TOKENS; several are valid at once so
 * one can be rotated in before the old one is removed.
 *
 * The comparison must not tell an attacker how close a guess was, nor which configured token it
 * resembles: both sides are hashed first (equal lengths, so timingSafeEqual never throws and the
 * length of a token is not leaked), and the presented token is compared with every configured
 * token, with no early exit once one matched.
 */
export interface OperatorTokenVerifier {
  /** The operator principal for a configured token, else null. */
  verify(token: string): OperatorPrincipal | null;
  readonly size: number;
}

export function createOperatorTokenVerifier(tokens: readonly string[]): OperatorTokenVerifier {
  const configured = [...new Set(tokens)].map((token) => ({
    digest: sha256(token),
    principal: Object.freeze({
      kind: 'operator',
      id: tokenFingerprint(token),
      permissions: ALL_PERMISSIONS,
    } satisfies OperatorPrincipal),
  }));

  return {
    size: configured.length,
    verify(token) {
      const presented = sha256(token);
      let matched: OperatorPrincipal | null = null;
      for (const candidate of configured) {
        // Every candidate is compared; the branch after the comparison is the same for all of them.
        const equal = timingSafeEqual(candidate.digest, presented);
        if (equal) matched = candidate.principal;
      }
      return matched;
    },
  };
}

/** Identifies a token in logs and audit metadata without revealing it: 32 bits of its sha256. */
export function tokenFingerprint(token: string): string {
  return sha256(token).toString('hex').slice(0, 8);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
