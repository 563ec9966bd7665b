import { createPublicKey } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/auth/errors.js';
import { createJwtVerifier, type JwtVerifierOptions } from '../../src/auth/jwt-verifier.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

describe('JWT access tokens from a real OIDC issuer (oidc-provider on loopback)', () => {
  let idp: OidcProviderHarness;
  let otherIdp: OidcProviderHarness;

  beforeAll(async () => {
    [idp, otherIdp] = await Promise.all([
      startOidcProvider({ tenants: ['acme', 'globex'] }),
      startOidcProvider({ tenants: ['acme'] }),
    ]);
  });

  afterAll(async () => {
    expect(idp.serverErrors).toEqual([]);
    await Promise.all([idp?.close(), otherIdp?.close()]);
  });

  const verifierFor = (options: Partial<JwtVerifierOptions> = {}) =>
    createJwtVerifier({ issuer: idp.issuer, audience: idp.audience, ...options });

  it('verifies a client_credentials token and maps its scopes to permissions', async () => {
    const token = await idp.tokenFor({ scopes: ['connections:read', 'audit:read', 'openid', 'not-ours'] });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const principal = await verifierFor().verify(token);
    expect(principal).toMatchObject({
      kind: 'jwt',
      subject: 'switchboard-test',
      clientId: 'switchboard-test',
      tenantId: null,
    });
    expect(principal.permissions).toEqual(new Set(['connections:read', 'audit:read']));
    expect(principal.expiresAt.getTime()).toBe(decodeJwt(token).exp! * 1000);
  });

  it('gives a token with no scopes no permissions', async () => {
    const principal = await verifierFor().verify(await idp.tokenFor({ scopes: [] }));
    expect(principal.permissions.size).toBe(0);
  });

  it("carries the tenant_id claim of a tenant's client", async () => {
    const principal = await verifierFor().verify(
      await idp.tokenFor({ scopes: ['signals:read'], tenantId: 'globex' }),
    );
    expect(principal).toMatchObject({ subject: 'tenant-globex', tenantId: 'globex' });
  });

  it('rejects a token minted for another audience', async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'], audience: 'https://another-api.test' });
    expect(decodeJwt(token).aud).toBe('https://another-api.test');
    await expectInvalid(verifierFor().verify(token), { claim: 'aud' });
  });

  it('rejects an expired token, and accepts one within the clock tolerance', async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'] });
    const exp = decodeJwt(token).exp! * 1000;
    await expect(verifierFor({ clock: () => new Date(exp + 3_000) }).verify(token)).resolves.toBeDefined();
    const error = await expectInvalid(verifierFor({ clock: () => new Date(exp + 60_000) }).verify(token));
    expect(error.reason).toBe('expired_jwt');
  });

  it('accepts a token it verified again without a new check, but never past its expiry or the cache time', async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'] });
    const exp = decodeJwt(token).exp! * 1000;
    let now = exp - 30_000;
    const verifier = verifierFor({ clock: () => new Date(now), verifiedForMs: 60_000 });
    const first = await verifier.verify(token);
    // Remembered: the same principal (no signature check), while the token is still valid.
    expect(await verifier.verify(token)).toBe(first);
    // Past exp + the 5 s tolerance, the remembered token is checked again, and refused.
    now = exp + 6_000;
    expect((await expectInvalid(verifier.verify(token))).reason).toBe('expired_jwt');
    // A token altered after signing is never answered from what its original earned.
    const [header, payload, signature] = token.split('.');
    now = exp - 30_000;
    await expectInvalid(verifier.verify(`${header}.${payload}x.${signature}`));
  });

  it('rejects a token that is not valid yet (nbf beyond the tolerance)', async () => {
    // A provider whose tokens become valid a minute after issue, through oidc-provider's JWT customizer.
    const delayed = await startOidcProvider({
      configuration: {
        formats: {
          customizers: {
            jwt: (_context: unknown, _token: unknown, jwt: { payload: Record<string, unknown> }) => {
              jwt.payload['nbf'] = Number(jwt.payload['iat']) + 60;
            },
          },
        },
      },
    });
    try {
      const token = await delayed.tokenFor({ scopes: ['audit:read'] });
      const nbf = decodeJwt(token).nbf! * 1000;
      const verifier = (at: number) =>
        createJwtVerifier({ issuer: delayed.issuer, audience: delayed.audience, clock: () => new Date(at) });
      await expectInvalid(verifier(nbf - 30_000).verify(token), { claim: 'nbf' });
      await expect(verifier(nbf - 2_000).verify(token)).resolves.toBeDefined();
    } finally {
      await delayed.close();
    }
  });

  it('rejects a token from another issuer, even one with the same audience and tenant', async () => {
    const token = await otherIdp.tokenFor({ scopes: ['audit:read'], tenantId: 'acme' });
    expect(decodeJwt(token).aud).toBe(idp.audience);
    await expectInvalid(verifierFor({ jwksCooldownMs: 0 }).verify(token));
  });

  it("rejects HS256 tokens, including one keyed with the issuer's own public key (algorithm confusion)", async () => {
    const claims = { sub: 'attacker', scope: 'tenants:admin', client_id: 'attacker' };
    const [jwk] = idp.publicJwks();
    const publicPem = createPublicKey({ key: jwk!, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [
      new TextEncoder().encode('a shared secret of thirty-two bytes!'),
      Buffer.from(publicPem),
    ]) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: jwk!.kid! })
        .setIssuer(idp.issuer)
        .setAudience(idp.audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      await expectInvalid(verifierFor().verify(forged), { code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    }
  });

  it('rejects unsigned (alg none) tokens', async () => {
    const unsigned = new UnsecuredJWT({ sub: 'attacker', scope: 'tenants:admin' })
      .setIssuer(idp.issuer)
      .setAudience(idp.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .encode();
    await expectInvalid(verifierFor().verify(unsigned));
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'acme' });
    const [header, , signature] = token.split('.');
    const payload = { ...decodeJwt(token), tenant_id: 'globex', scope: 'tenants:admin' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    await expectInvalid(verifierFor().verify(tampered), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  });

  it('follows key rotation: a token signed with a new kid verifies after the JWKS is refetched', async () => {
    // A long-lived verifier that has cached the current keys.
    const verifier = verifierFor({ jwksCooldownMs: 0 });
    const before = await idp.tokenFor({ scopes: ['audit:read'] });
    await verifier.verify(before);

    await idp.rotateKeys();
    const after = await idp.tokenFor({ scopes: ['audit:read'] });
    expect(decodeProtectedHeader(after).kid).toBe(idp.signingKeyId);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);

    await expect(verifier.verify(after)).resolves.toMatchObject({ subject: 'switchboard-test' });
    // The old key is still published, so tokens issued before the rotation stay valid until they expire.
    await expect(verifier.verify(before)).resolves.toMatchObject({ subject: 'switchboard-test' });
  });

  it('does not refetch the JWKS for unknown kids during the cooldown (no amplification of junk tokens)', async () => {
    const verifier = verifierFor({ jwksCooldownMs: 60_000 });
    await verifier.verify(await idp.tokenFor({ scopes: [] }));
    await idp.rotateKeys();
    const token = await idp.tokenFor({ scopes: [] });
    await expectInvalid(verifier.verify(token), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('reports ready once the issuer has been reached', async () => {
    const verifier = verifierFor();
    expect(verifier.status()).toMatchObject({ state: 'pending', issuer: idp.issuer });
    expect(await verifier.warmUp()).toBe(true);
    expect(verifier.status()).toMatchObject({
      state: 'ready',
      jwksUri: `${idp.issuer}/jwks`,
      audience: idp.audience,
    });
  });
});

async function expectInvalid(
  promise: Promise<unknown>,
  detail: Record<string, unknown> = {},
): Promise<AuthenticationError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const authError = error as AuthenticationError;
  expect(authError).toMatchObject({
    code: 'UNAUTHENTICATED',
    status: 401,
    message: 'Invalid or expired token',
  });
  expect(authError.detail).toMatchObject(detail);
  return authError;
}
