import { describe, expect, it } from 'vitest';
import type { CheckedOutCredentials } from '../../src/connections/index.js';
import { CircuitBreaker } from '../../src/proxy/circuit-breaker.js';
import { CredentialCache } from '../../src/proxy/credential-cache.js';
import { isPublicAddress } from '../../src/proxy/network-policy.js';

describe('circuit breaker per origin', () => {
  it('opens after the threshold, lets one trial through after openMs, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000, now: () => now });
    for (let i = 0; i < 3; i++) breaker.failed('https://a');
    expect(breaker.admit('https://a')).toEqual({ allowed: false, retryAfterMs: 1_000 });
    expect(breaker.admit('https://b')).toEqual({ allowed: true });
    now = 1_000;
    expect(breaker.admit('https://a')).toEqual({ allowed: true });
    expect(breaker.admit('https://a').allowed).toBe(false); // one trial at a time
    breaker.succeeded('https://a');
    expect(breaker.stateOf('https://a')).toBe('closed');
  });

  it('opens again at once when the trial fails', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500, now: () => now });
    breaker.failed('o');
    now = 500;
    expect(breaker.admit('o').allowed).toBe(true);
    breaker.failed('o');
    expect(breaker.admit('o')).toEqual({ allowed: false, retryAfterMs: 500 });
  });
});

describe('credential cache', () => {
  const checkedOut = (token: string, expiresAt: Date | null = null): CheckedOutCredentials => ({
    connectionId: 'c1',
    provider: 'p',
    credentials: { kind: 'oauth2', accessToken: token, refreshToken: null, tokenType: 'bearer' },
    expiresAt,
  });

  it('reuses a checkout until a notice names its connection, then checks out again', async () => {
    const tokens = ['t1', 't2'];
    let checkouts = 0;
    const cache = new CredentialCache({
      checkout: {
        credentialsFor: async () => checkedOut(tokens[checkouts++]!),
        refreshAfterUnauthorized: async () => {
          throw new Error('not used');
        },
      },
    });
    expect((await cache.credentialsFor('t', 'c1')).credentials).toMatchObject({ accessToken: 't1' });
    expect((await cache.credentialsFor('t', 'c1')).credentials).toMatchObject({ accessToken: 't1' });
    cache.forget(['other']);
    expect(checkouts).toBe(1);
    cache.forget(['c1']);
    expect((await cache.credentialsFor('t', 'c1')).credentials).toMatchObject({ accessToken: 't2' });
  });

  it('never keeps a token past its expiry skew, nor one whose notice came during the checkout', async () => {
    let now = 0;
    let checkouts = 0;
    let release: () => void = () => {};
    const cache = new CredentialCache({
      now: () => now,
      checkout: {
        credentialsFor: async () => {
          checkouts++;
          if (checkouts === 1) await new Promise<void>((resolve) => (release = resolve));
          return checkedOut(`t${checkouts}`, new Date(40_000));
        },
        refreshAfterUnauthorized: async () => {
          throw new Error('not used');
        },
      },
    });
    const pending = cache.credentialsFor('t', 'c1');
    await Promise.resolve();
    cache.forget(['c1']);
    release();
    await pending;
    expect(cache.size).toBe(0);
    await cache.credentialsFor('t', 'c1');
    now = 10_001; // 40 s expiry less the 30 s skew
    await cache.credentialsFor('t', 'c1');
    expect(checkouts).toBe(3);
  });
});

describe('addresses the proxy refuses', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '::1',
    '::',
    'fd00:ec2::254',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a00:1',
  ])('%s', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each(['140.82.112.6', '2606:50c0:8000::64', '8.8.8.8'])('lets %s through', (address) =>
    expect(isPublicAddress(address)).toBe(true),
  );
});
