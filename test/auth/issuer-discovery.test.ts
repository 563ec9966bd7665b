import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticate.js';
import { IdentityProviderUnavailableError } from '../../src/auth/errors.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

const AUDIENCE = 'https://api.switchboard.test';
/** Any JWT-shaped token: with the issuer down, it cannot be judged either way. */
const SOME_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

describe('OIDC issuer availability', () => {
  const started: OidcProviderHarness[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((idp) => idp.close()));
  });

  it('reports an issuer that is down at first use with a clear 503, then recovers once it is up', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const auth = createAuthenticator({
      operatorTokens: [],
      oidc: { issuer, audience: AUDIENCE },
      jwt: { discoveryRetryAfterMs: 0, requestTimeoutMs: 2_000 },
    });
    // Creating the authenticator touched nothing: a dead IdP cannot stop the server from starting.
    expect(auth.status().oidc).toMatchObject({ state: 'pending', issuer });

    const error = await auth.authenticate(`Bearer ${SOME_JWT}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(error).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', status: 503, expose: false });
    expect((error as IdentityProviderUnavailableError).detail).toMatchObject({ issuer });
    expect(auth.status().oidc).toMatchObject({
      state: 'unavailable',
      lastError: expect.stringMatching(/discovery failed/),
    });
    expect(await auth.warmUp()).toBe(false);

    const idp = await startOidcProvider({ port });
    started.push(idp);
    const token = await idp.tokenFor({ scopes: ['audit:read'] });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ kind: 'jwt' });
    expect(auth.status().oidc).toMatchObject({ state: 'ready', jwksUri: `${issuer}/jwks` });
  });

  it('fails fast, without a new attempt, until the retry delay has passed', async () => {
    const port = await freePort();
    const auth = createAuthenticator({
      operatorTokens: [],
      oidc: { issuer: `http://127.0.0.1:${port}`, audience: AUDIENCE },
      jwt: { discoveryRetryAfterMs: 60_000 },
    });
    const first = await auth.authenticate(`Bearer ${SOME_JWT}`).catch((caught: unknown) => caught);
    const failedAt = auth.status().oidc;

    const idp = await startOidcProvider({ port });
    started.push(idp);
    const token = await idp.tokenFor({ scopes: [] });
    const second = await auth.authenticate(`Bearer ${token}`).catch((caught: unknown) => caught);
    expect(second).toBe(first);
    expect(auth.status().oidc).toEqual(failedAt);
  });

  it('answers 503, not 401, when the JWKS cannot be fetched after discovery, and says so in status', async () => {
    const idp = await startOidcProvider();
    started.push(idp);
    const auth = createAuthenticator({
      operatorTokens: [],
      oidc: { issuer: idp.issuer, audience: idp.audience },
      // Refetch the keys on every request, so the outage is seen at once.
      jwt: { jwksMaxAgeMs: 0, requestTimeoutMs: 2_000 },
    });
    const token = await idp.tokenFor({ scopes: [] });
    await expect(auth.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ kind: 'jwt' });
    await idp.close();

    const error = await auth.authenticate(`Bearer ${token}`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IdentityProviderUnavailableError);
    expect(auth.status().oidc).toMatchObject({
      state: 'unavailable',
      lastError: expect.stringMatching(/^jwks: /),
    });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
