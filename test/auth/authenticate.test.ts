import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { AuthenticationError, OidcConfigurationError } from '../../src/auth/errors.js';
import { tokenFingerprint } from '../../src/auth/operator-tokens.js';
import type { Principal } from '../../src/auth/principal.js';
import { requirePermission, resolveTenant } from '../../src/auth/tenancy.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

const OPERATOR_A = 'op-token-aaaaaaaaaaaaaaaa-1';
const OPERATOR_B = 'op-token-bbbbbbbbbbbbbbbb-2';

describe('authenticate (operator tokens and JWTs from oidc-provider)', () => {
  let idp: OidcProviderHarness;
  let auth: ReturnType<typeof createAuthenticator>;

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['acme'] });
    auth = createAuthenticator({
      operatorTokens: [OPERATOR_A, OPERATOR_B],
      oidc: { issuer: idp.issuer, audience: idp.audience },
    });
  });

  afterAll(async () => {
    await idp?.close();
  });

  it('treats a request without credentials as anonymous', async () => {
    await expect(auth.authenticate(undefined)).resolves.toBeNull();
    await expect(auth.authenticate('')).resolves.toBeNull();
    await expect(auth.authenticate('   ')).resolves.toBeNull();
  });

  it('accepts every configured operator token, with any casing of the scheme', async () => {
    await expect(auth.authenticate(`Bearer ${OPERATOR_A}`)).resolves.toMatchObject({
      kind: 'operator',
      id: tokenFingerprint(OPERATOR_A),
    });
    await expect(auth.authenticate(`bearer ${OPERATOR_B}`)).resolves.toMatchObject({
      kind: 'operator',
      id: tokenFingerprint(OPERATOR_B),
    });
  });

  it('rejects an unknown operator token with a message that reveals nothing, and never echoes the token', async () => {
    const presented = 'op-token-cccccccccccccccc-3';
    const error = await rejection(auth.authenticate(`Bearer ${presented}`));
    expect(error).toMatchObject({
      code: 'UNAUTHENTICATED',
      status: 401,
      expose: true,
      reason: 'unknown_operator_token',
    });
    expect(error.message).toBe('Invalid or expired token');
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(presented);
  });

  it('rejects malformed Authorization headers, without logging what might be a secret', async () => {
    for (const header of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer two tokens',
      OPERATOR_A,
      `Token ${OPERATOR_A}`,
    ]) {
      const error = await rejection(auth.authenticate(header));
      expect(error.reason).toBe('malformed_authorization');
      expect(error.message).toContain('Bearer <token>');
      expect(JSON.stringify(error.detail)).not.toContain(OPERATOR_A);
    }
  });

  it('sends JWT-shaped tokens to the JWT verifier and maps them to a principal', async () => {
    const token = await idp.tokenFor({ scopes: ['connections:read', 'connections:write'], tenantId: 'acme' });
    const principal = await auth.authenticate(`Bearer ${token}`);
    expect(principal).toMatchObject({ kind: 'jwt', subject: 'tenant-acme', tenantId: 'acme' });
  });

  it('gives an invalid JWT exactly the same answer as an unknown operator token', async () => {
    const token = await idp.tokenFor({ scopes: [], audience: 'https://elsewhere.test' });
    const jwtError = await rejection(auth.authenticate(`Bearer ${token}`));
    const operatorError = await rejection(auth.authenticate('Bearer op-token-dddddddddddddddd-4'));
    expect(jwtError.message).toBe(operatorError.message);
    expect([jwtError.code, jwtError.status]).toEqual([operatorError.code, operatorError.status]);
    expect(jwtError.reason).toBe('invalid_jwt');
  });

  it('checks JWT-shaped tokens against the operator tokens when no OIDC issuer is configured', async () => {
    const operatorsOnly = createAuthenticator({ operatorTokens: [OPERATOR_A], oidc: null });
    const token = await idp.tokenFor({ scopes: ['tenants:admin'] });
    const error = await rejection(operatorsOnly.authenticate(`Bearer ${token}`));
    expect(error.reason).toBe('unknown_operator_token');
    expect(operatorsOnly.status()).toEqual({ oidc: { state: 'disabled' }, operatorTokens: 1 });
    await expect(operatorsOnly.warmUp()).resolves.toBe(true);
  });

  it('enforces the tenant claim and the scopes of a real token end to end', async () => {
    const acme = await auth.authenticate(
      `Bearer ${await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'acme' })}`,
    );
    expect(resolveTenant(acme, 'acme')).toBe('acme');
    expect(() => resolveTenant(acme, 'globex')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => resolveTenant(acme, undefined)).toThrow(
      expect.objectContaining({ code: 'TENANT_HEADER_REQUIRED' }),
    );
    expect(() => requirePermission(acme, 'audit:read')).not.toThrow();
    expect(() => requirePermission(acme, 'connections:read')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'Missing permission: connections:read' }),
    );

    const unbound: Principal | null = await auth.authenticate(
      `Bearer ${await idp.tokenFor({ scopes: ['audit:read'] })}`,
    );
    expect(() => resolveTenant(unbound, 'globex')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('tenants:all') }),
    );
    const everyTenant: Principal | null = await auth.authenticate(
      `Bearer ${await idp.tokenFor({ scopes: ['audit:read', 'tenants:all'] })}`,
    );
    expect(resolveTenant(everyTenant, 'globex')).toBe('globex');
    const operator = await auth.authenticate(`Bearer ${OPERATOR_A}`);
    expect(resolveTenant(operator, 'globex')).toBe('globex');
    expect(() => requirePermission(operator, 'tenants:admin')).not.toThrow();
  });

  it('refuses at construction an issuer reached over plain http that is not loopback', () => {
    expect(() =>
      createAuthenticator({ operatorTokens: [], oidc: { issuer: 'http://idp.example.com', audience: 'x' } }),
    ).toThrow(OidcConfigurationError);
    for (const issuer of ['https://idp.example.com', 'http://localhost:8080', 'http://[::1]:8080']) {
      expect(() =>
        createAuthenticator({ operatorTokens: [], oidc: { issuer, audience: 'x' } }),
      ).not.toThrow();
    }
  });
});

async function rejection(promise: Promise<unknown>): Promise<AuthenticationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  return error as AuthenticationError;
}
