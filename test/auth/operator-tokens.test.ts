import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createOperatorTokenVerifier, tokenFingerprint } from '../../src/auth/operator-tokens.js';
import { ALL_PERMISSIONS, PERMISSIONS } from '../../src/auth/principal.js';

// Spy on the comparison itself, so the test sees how many tokens a verification compares against.
vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const current = 'operator-token-current-0123456789';
const next = 'operator-token-next-abcdefghijklmn';
const retired = 'operator-token-retired-zyxwvutsrq';

describe('operator tokens', () => {
  const compare = vi.mocked(crypto.timingSafeEqual);
  beforeEach(() => {
    compare.mockClear();
  });

  it('accepts every configured token during a rotation, each with its own fingerprint', () => {
    const verifier = createOperatorTokenVerifier([current, next]);
    const a = verifier.verify(current);
    const b = verifier.verify(next);
    expect(a).toMatchObject({ kind: 'operator', id: tokenFingerprint(current) });
    expect(b).toMatchObject({ kind: 'operator', id: tokenFingerprint(next) });
    expect(a?.id).not.toBe(b?.id);
  });

  it('gives operators every permission', () => {
    const principal = createOperatorTokenVerifier([current]).verify(current);
    expect(principal?.permissions).toBe(ALL_PERMISSIONS);
    expect([...(principal?.permissions ?? [])].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('rejects a token that is not configured, a prefix of one, and one that differs in its last character', () => {
    const verifier = createOperatorTokenVerifier([current, next]);
    expect(verifier.verify(retired)).toBeNull();
    expect(verifier.verify(current.slice(0, -1))).toBeNull();
    expect(verifier.verify(`${current.slice(0, -1)}X`)).toBeNull();
    expect(verifier.verify('')).toBeNull();
  });

  it('rejects everything when no token is configured', () => {
    expect(createOperatorTokenVerifier([]).verify(current)).toBeNull();
  });

  it('compares against every configured token, whichever matches and whether or not one does', () => {
    const verifier = createOperatorTokenVerifier([current, next, retired]);
    for (const presented of [current, retired, 'not-a-configured-token-at-all']) {
      compare.mockClear();
      verifier.verify(presented);
      expect(compare).toHaveBeenCalledTimes(3);
      // Always equal-length digests: the comparison never throws and the token's length is not leaked.
      for (const [a, b] of compare.mock.calls) {
        expect([(a as Buffer).length, (b as Buffer).length]).toEqual([32, 32]);
      }
    }
  });

  it('counts a token configured twice once', () => {
    const verifier = createOperatorTokenVerifier([current, current]);
    expect(verifier.size).toBe(1);
  });

  it('fingerprints are 8 hex characters of sha256, not the token', () => {
    const fingerprint = tokenFingerprint(current);
    expect(fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(fingerprint).toBe(crypto.createHash('sha256').update(current).digest('hex').slice(0, 8));
    expect(current).not.toContain(fingerprint);
  });
});
