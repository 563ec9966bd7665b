import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineManifest, type ProviderManifest } from '../../src/connectors/sdk/manifest.js';
import {
  clientCredentials,
  forgetDiscoveredMetadata,
  ProviderInvalidClientError,
  ProviderTransientError,
} from '../../src/oauth/index.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

/** oauth2_cc providers: the client credentials grant against a real authorization server. */
describe('client credentials against oidc-provider', () => {
  let idp: OidcProviderHarness;
  let manifest: ProviderManifest;

  beforeAll(async () => {
    idp = await startOidcProvider({ scopes: ['reports.read', 'reports.write'] });
    manifest = defineManifest({
      id: 'machine-api',
      displayName: 'Machine API',
      categories: ['testing'],
      auth: { mode: 'oauth2_cc', tokenUrl: `${idp.issuer}/token` },
      scopes: [{ id: 'reports.read', description: 'Read reports.' }],
      api: { baseUrl: idp.issuer },
    });
  });

  afterAll(async () => {
    expect(idp.serverErrors).toEqual([]);
    await idp?.close();
  });

  it('gets a token for the asked scopes, with no refresh token and no account', async () => {
    const [client] = idp.clients;
    const now = new Date();
    const tokens = await clientCredentials({
      manifest,
      client: { clientId: client!.clientId, clientSecret: client!.clientSecret },
      scopes: ['reports.read'],
      now,
    });
    expect(tokens).toMatchObject({
      refreshToken: null,
      tokenType: 'bearer',
      scopes: ['reports.read'],
      expiresAt: new Date(now.getTime() + 300_000),
      account: { id: null, name: null, fields: {} },
      userToken: null,
    });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({
      client_id: client!.clientId,
      scope: 'reports.read',
    });
  });

  it('classifies a wrong client secret as invalid_client', async () => {
    const error = await clientCredentials({
      manifest,
      client: { clientId: idp.clients[0]!.clientId, clientSecret: 'not-the-secret' },
      scopes: [],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderInvalidClientError);
    expect(error).toMatchObject({ detail: { status: 401, providerError: 'invalid_client' } });
    expect(JSON.stringify((error as ProviderInvalidClientError).detail)).not.toContain('not-the-secret');
  });

  it('reports an OIDC issuer that cannot be discovered as transient', async () => {
    forgetDiscoveredMetadata();
    // A manifest of its own: `implementation` is derived from the id, so the copy leaves it out.
    const { implementation: _derived, ...declared } = manifest;
    const unreachable = defineManifest({
      ...declared,
      id: 'machine-oidc',
      auth: { ...manifest.auth, oidcIssuer: `http://127.0.0.1:${await closedPort()}/issuer` },
    });
    const error = await clientCredentials({
      manifest: unreachable,
      client: { clientId: 'c', clientSecret: 's' },
      scopes: [],
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderTransientError);
    expect(error).toMatchObject({ detail: { operation: 'discovery', reason: 'network: ECONNREFUSED' } });
  });
});

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
