import { describe, expect, it } from 'vitest';
import { isAccessTokenType, principalFromAccessToken } from '../../src/auth/access-token-claims.js';
import { AuthenticationError } from '../../src/auth/errors.js';
import { permissionsFromClaims } from '../../src/auth/scope-permissions.js';

describe('scope → permission mapping', () => {
  it('reads the space-separated scope claim and ignores unknown scopes', () => {
    expect(permissionsFromClaims({ scope: 'openid connections:read  audit:read other:thing' })).toEqual(
      new Set(['connections:read', 'audit:read']),
    );
  });

  it('reads scp as an array (Okta) or as a string (Entra ID), together with scope', () => {
    expect(permissionsFromClaims({ scp: ['signals:read', 42, 'proxy:invoke'] })).toEqual(
      new Set(['signals:read', 'proxy:invoke']),
    );
    expect(permissionsFromClaims({ scp: 'tenants:admin', scope: 'connections:write' })).toEqual(
      new Set(['tenants:admin', 'connections:write']),
    );
  });

  it('gives no permissions without scopes, or with scopes of the wrong type', () => {
    expect(permissionsFromClaims({}).size).toBe(0);
    expect(permissionsFromClaims({ scope: 7, scp: { a: 1 } }).size).toBe(0);
    // Near misses are not permissions.
    expect(permissionsFromClaims({ scope: 'Connections:Read connections:read:all connections' }).size).toBe(
      0,
    );
  });
});

describe('access token claims', () => {
  const exp = Math.floor(Date.now() / 1000) + 300;

  it('accepts typ at+jwt (RFC 9068) and JWT, with or without the media type prefix, in any case', () => {
    for (const typ of ['at+jwt', 'at+JWT', 'application/at+jwt', 'JWT', 'jwt'])
      expect(isAccessTokenType(typ)).toBe(true);
    for (const typ of [undefined, '', 'logout+jwt', 'id_token+jwt', 'JOSE', 42])
      expect(isAccessTokenType(typ)).toBe(false);
  });

  it('builds a principal from the claims', () => {
    const principal = principalFromAccessToken(
      { alg: 'RS256', typ: 'at+jwt' },
      { sub: 'svc', client_id: 'svc-client', scope: 'audit:read', tenant_id: 'acme', exp },
    );
    expect(principal).toEqual({
      kind: 'jwt',
      subject: 'svc',
      clientId: 'svc-client',
      permissions: new Set(['audit:read']),
      tenantId: 'acme',
      expiresAt: new Date(exp * 1000),
    });
    expect(
      principalFromAccessToken({ alg: 'RS256', typ: 'JWT' }, { sub: 's', azp: 'app', exp }),
    ).toMatchObject({
      clientId: 'app',
      tenantId: null,
    });
  });

  it('refuses a token whose typ says it is something else', () => {
    expect(() => principalFromAccessToken({ alg: 'RS256', typ: 'logout+jwt' }, { sub: 's', exp })).toThrow(
      AuthenticationError,
    );
    expect(() => principalFromAccessToken({ alg: 'RS256' }, { sub: 's', exp })).toThrow(AuthenticationError);
  });

  it('refuses a tenant claim it cannot use, rather than reading it as "any tenant"', () => {
    for (const tenant_id of ['ACME', 'acme.x', 42, ['acme'], '']) {
      expect(() =>
        principalFromAccessToken({ alg: 'RS256', typ: 'at+jwt' }, { sub: 's', exp, tenant_id }),
      ).toThrow(AuthenticationError);
    }
  });
});
