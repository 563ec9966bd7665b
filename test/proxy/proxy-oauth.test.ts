import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  authorize,
  followCallback,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from '../connections/world.js';
import { asOperator } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/**
 * The proxy over a real OAuth connection: oidc-provider mints and rotates the tokens, a resource
 * server checks them against its JWKS and can be told to refuse one, as a provider does when it
 * revokes a token behind the hub's back.
 */
describeWithPostgres('/proxy over an OAuth connection (PostgreSQL, oidc-provider)', () => {
  const API = 'proxy-oauth-api';
  const tenant = 'proxy-oauth';
  let world: LoopbackWorld;
  let api: http.Server;
  const refused = new Set<string>();
  const seen: Array<{ token: string | null; status: number; body: string }> = [];

  beforeAll(async () => {
    api = http.createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? null;
      let status = 401;
      let answer: unknown = { error: 'invalid_token' };
      if (token && !refused.has(token)) {
        try {
          const { payload } = await jwtVerify(
            token,
            createRemoteJWKSet(new URL(`${world.idp.issuer}/jwks`)),
            {
              issuer: world.idp.issuer,
            },
          );
          status = 201;
          answer = { sub: payload.sub, received: body };
        } catch {
          // Not a token of this server: 401.
        }
      }
      seen.push({ token, status, body });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const apiOrigin = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    world = await startLoopbackWorld({
      accessTokenTtlSeconds: 3600,
      providers: ({ issuer }) => [
        {
          id: API,
          displayName: 'Proxy OAuth API',
          categories: ['testing'],
          auth: {
            mode: 'oauth2',
            authorizationUrl: `${issuer}/auth`,
            tokenUrl: `${issuer}/token`,
            oidcIssuer: issuer,
            tokenResponse: { refreshTokenRotation: 'rotating' },
          },
          scopes: [
            { id: 'openid', description: 'Who the user is.' },
            { id: 'offline_access', description: 'Refresh tokens.' },
            { id: 'files.read', description: 'Read files.' },
          ],
          scopePolicy: {
            internal: {},
            overBroad: {},
            alwaysRequest: ['openid', 'offline_access', 'files.read'],
          },
          api: { baseUrl: `${apiOrigin}/v1`, allowPrivateNetwork: true },
        },
      ],
    });
    await registerTenant(world, tenant);
  });
  afterAll(async () => {
    await world?.close();
    await new Promise<void>((resolve) => api?.close(() => resolve()));
  });

  async function connect(): Promise<string> {
    const { callbackUrl } = await authorize(world, tenant, { provider: API });
    const landing = await followCallback(callbackUrl);
    const connectionId = landing.kind === 'callback' ? landing.url.searchParams.get('connection_id') : null;
    if (!connectionId) throw new Error('the connection did not complete');
    return connectionId;
  }

  const post = (connectionId: string, body: string) =>
    fetch(`${world.hub.url}/proxy/${connectionId}/files`, {
      method: 'POST',
      headers: { ...asOperator(tenant), 'content-type': 'application/json' },
      body,
    });

  it('refreshes once after a 401 and replays the buffered body with the fresh token', async () => {
    const connectionId = await connect();
    const first = await post(connectionId, '{"n":1}');
    expect(first.status).toBe(201);
    const firstToken = seen.at(-1)!.token!;
    refused.add(firstToken);
    seen.length = 0;
    const grants = world.refreshGrants();

    const replayed = await post(connectionId, '{"n":2}');
    expect(replayed.status).toBe(201);
    expect(await replayed.json()).toMatchObject({ sub: 'alice', received: '{"n":2}' });
    expect(world.refreshGrants() - grants).toBe(1);
    expect(seen.map(({ status, body }) => [status, body])).toEqual([
      [401, '{"n":2}'],
      [201, '{"n":2}'],
    ]);
    expect(seen[1]!.token).not.toBe(firstToken);

    // Once TokenRotated is projected (and announced to the cache), a call goes through on its first try.
    await expect
      .poll(async () => {
        seen.length = 0;
        await post(connectionId, '{"n":3}');
        return seen.map((call) => call.status);
      })
      .toEqual([201]);
    expect(seen[0]!.token).not.toBe(firstToken);
  });

  it('answers PROVIDER_AUTH_ERROR, without calling the provider, once the connection must be reconnected', async () => {
    const connectionId = await connect();
    const { credentials } = await world.hub.runtime.connections.credentialsFor(tenant, connectionId);
    if (credentials.kind !== 'oauth2') throw new Error('expected OAuth credentials');
    const revoked = await fetch(`${world.idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${world.client.clientId}:${world.client.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token: credentials.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);
    refused.add(credentials.accessToken);

    const failed = await post(connectionId, '{}');
    expect(failed.status).toBe(409);
    expect(await failed.json()).toMatchObject({ code: 'PROVIDER_AUTH_ERROR' });
    // REAUTH_REQUIRED is projected and announced: the cached credentials go, nothing more is sent.
    await expect
      .poll(async () => {
        seen.length = 0;
        const again = await post(connectionId, '{}');
        return [again.status, seen.length];
      })
      .toEqual([409, 0]);
  });
});
