import { describe, expect, it } from 'vitest';
import type { TokenCredentials } from '../../../src/connections/credentials/credentials-codec.js';
import { liveConnection, needsRefresh } from '../../../src/connections/tokens/refresh-policy.js';
import type { ConnectionState, CurrentToken } from '../../../src/domain/connection-state.js';

const token: CurrentToken = {
  secret: { v: 1, keyId: 'dk_test', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' },
  revision: 3n,
  issuedAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T01:00:00.000Z',
  scopes: ['read'],
};
const connection = (
  status: Exclude<ConnectionState['status'], 'none'>,
  current: CurrentToken | null = token,
) =>
  ({
    status,
    tenantId: 'acme',
    provider: 'github',
    authMode: 'oauth2',
    integration: 'tenant',
    token: current,
  }) as const satisfies ConnectionState;
const credentials: TokenCredentials = {
  kind: 'oauth2',
  accessToken: 'at-current',
  refreshToken: 'rt-current',
  tokenType: 'bearer',
};
const minutesIn = (minutes: number) => new Date(Date.parse(token.issuedAt) + minutes * 60_000);

describe('liveConnection', () => {
  it('hands back an ACTIVE connection with a token', () => {
    expect(liveConnection(connection('ACTIVE'), 'c1')).toEqual(connection('ACTIVE'));
  });

  it('refuses every other state with the answer the caller owes: not found, reconnect, or not usable', () => {
    expect(() => liveConnection({ status: 'none' }, 'c1')).toThrow(
      expect.objectContaining({ code: 'CONNECTION_NOT_FOUND', status: 404 }),
    );
    expect(() => liveConnection(connection('REAUTH_REQUIRED'), 'c1')).toThrow(
      expect.objectContaining({
        code: 'PROVIDER_AUTH_ERROR',
        detail: { connectionId: 'c1', reason: 'REAUTH_REQUIRED' },
      }),
    );
    for (const status of ['PENDING', 'REVOKED', 'FAILED'] as const)
      expect(() => liveConnection(connection(status), 'c1'), status).toThrow(
        expect.objectContaining({ code: 'CONFLICT', detail: { connectionId: 'c1', status } }),
      );
    // An ACTIVE webhook connection has nothing to refresh.
    expect(() => liveConnection(connection('ACTIVE', null), 'c1')).toThrow(
      expect.objectContaining({ code: 'CONFLICT', detail: { connectionId: 'c1', status: 'ACTIVE' } }),
    );
  });
});

describe('needsRefresh, once the lease is held', () => {
  it('always refreshes when asked by hand', () => {
    expect(needsRefresh('manual', credentials, token, minutesIn(1))).toBe(true);
  });

  it('refreshes after a 401 only if the rejected token is still the current one (no one rotated it meanwhile)', () => {
    expect(needsRefresh('unauthorized', credentials, token, minutesIn(1), 'at-current')).toBe(true);
    expect(needsRefresh('unauthorized', credentials, token, minutesIn(1), 'at-older')).toBe(false);
    expect(needsRefresh('unauthorized', credentials, token, minutesIn(1))).toBe(false);
  });

  it('refreshes an expired checkout only while the token is still not fresh', () => {
    expect(needsRefresh('expired', credentials, token, minutesIn(30))).toBe(false);
    expect(needsRefresh('expired', credentials, token, minutesIn(60))).toBe(true);
    expect(needsRefresh('expired', credentials, { ...token, expiresAt: null }, minutesIn(10_000))).toBe(
      false,
    );
  });

  it('refreshes proactively from 70% of the lifetime, never a token that does not expire', () => {
    expect(needsRefresh('proactive', credentials, token, minutesIn(41))).toBe(false);
    expect(needsRefresh('proactive', credentials, token, minutesIn(42))).toBe(true);
    expect(needsRefresh('proactive', credentials, { ...token, expiresAt: null }, minutesIn(10_000))).toBe(
      false,
    );
  });
});
