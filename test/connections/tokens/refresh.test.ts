import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  openCredentials,
  type TokenCredentials,
} from '../../../src/connections/credentials/credentials-codec.js';
import { createConnectionServices } from '../../../src/connections/index.js';
import { connectionStream } from '../../../src/events/connection.js';
import {
  ConnectionDocument,
  ConnectWithCredentialsDocument,
  RefreshConnectionDocument,
} from '../../../src/generated/graphql.js';
import { createRedisPlatform } from '../../../src/platform/index.js';
import { fromSealedJson } from '../../../src/vault/sealed-json.js';
import { asOperator, codes } from '../../support/hub.js';
import {
  describeWithPostgres,
  describeWithRedis,
  REDIS_URL,
  uniqueRedisPrefix,
} from '../../support/services.js';
import { connect, IDP, type LoopbackWorld, MACHINE, registerTenant, startLoopbackWorld } from '../world.js';

/** Access tokens live 2 seconds here, so refreshes happen within a test. */
const TTL_SECONDS = 2;

describeWithPostgres(
  'token checkout and refresh against a rotating OAuth server (PostgreSQL, oidc-provider)',
  () => {
    let world: LoopbackWorld;
    const tenant = 'refresh-a';

    beforeAll(async () => {
      world = await startLoopbackWorld({ accessTokenTtlSeconds: TTL_SECONDS });
      await registerTenant(world, tenant);
    });
    afterAll(async () => {
      expect(world?.idp.serverErrors).toEqual([]);
      await world?.close();
    });

    const services = () => world.hub.runtime.connections;

    /** The stored token set, read the way the checkout does (test-only: to compare with the provider's). */
    async function storedTokens(connectionId: string): Promise<TokenCredentials> {
      const row = await world.hub.runtime.readModels.prisma.credential.findUniqueOrThrow({
        where: { connectionId },
      });
      return (await openCredentials(
        world.hub.runtime.vault,
        tenant,
        connectionId,
        fromSealedJson(row.secret)!,
      )) as TokenCredentials;
    }

    async function events(connectionId: string) {
      const all = [];
      for await (const event of world.hub.runtime.eventStore.readStream(
        connectionStream(tenant, connectionId),
      ))
        all.push(event);
      return all;
    }

    const waitUntilExpired = () => sleep(TTL_SECONDS * 1000 + 100);

    it('checks out a fresh token without calling the provider', async () => {
      const connectionId = await connect(world, tenant);
      const before = world.refreshGrants();
      const token = await services().accessTokenFor(tenant, connectionId);
      expect(token).toMatchObject({ connectionId, provider: IDP, tokenType: 'bearer' });
      expect(token.accessToken).toBe((await storedTokens(connectionId)).accessToken);
      expect(world.refreshGrants()).toBe(before);
    });

    it('refreshes proactively at 70% of the lifetime, storing the rotated refresh token', async () => {
      const connectionId = await connect(world, tenant);
      const first = await storedTokens(connectionId);
      expect((await services().proactiveRefresher.scanOnce()).refreshed).toBe(0); // not due yet
      await sleep(TTL_SECONDS * 700 + 100);
      const scan = await services().proactiveRefresher.scanOnce();
      expect(scan.refreshed).toBeGreaterThanOrEqual(1);
      const rotated = (await events(connectionId)).find((event) => event.type === 'TokenRotated');
      expect(rotated?.data).toMatchObject({
        refreshTokenRotated: true,
        trigger: 'proactive',
        previousTokenRevision: '2',
      });
      await world.hub.runtime.projections.waitFor(rotated!.position);
      const second = await storedTokens(connectionId);
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection?.lastRefreshedAt).not.toBeNull();
    });

    it('makes 20 concurrent checkouts of an expired token cause exactly one refresh, also across two instances', async () => {
      const connectionId = await connect(world, tenant);
      await waitUntilExpired();
      const before = world.refreshGrants();
      // A second instance: its own single-flight map, the same leases and event store (as another process).
      const other = createConnectionServices(services().deps);
      const tokens = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? services() : other).accessTokenFor(tenant, connectionId),
        ),
      );
      expect(world.refreshGrants() - before).toBe(1);
      expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
      expect((await events(connectionId)).filter((event) => event.type === 'TokenRotated')).toHaveLength(1);
    });

    describeWithRedis('across processes (Redis leases)', () => {
      it('lets two instances with their own Redis connections rotate an expired token exactly once', async () => {
        const prefix = uniqueRedisPrefix();
        const platforms = await Promise.all([
          createRedisPlatform(REDIS_URL, { prefix }),
          createRedisPlatform(REDIS_URL, { prefix }),
        ]);
        try {
          const instances = platforms.map((platform) =>
            createConnectionServices({ ...services().deps, kv: platform.kv, leases: platform.leases }),
          );
          const connectionId = await connect(world, tenant);
          await waitUntilExpired();
          const before = world.refreshGrants();
          const tokens = await Promise.all(
            Array.from({ length: 20 }, (_, i) => instances[i % 2]!.accessTokenFor(tenant, connectionId)),
          );
          expect(world.refreshGrants() - before).toBe(1);
          expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
        } finally {
          await Promise.all(platforms.map((platform) => platform.close()));
        }
      });
    });

    it('refreshes once after a provider 401, however many calls saw it, and not again for a stale 401', async () => {
      const connectionId = await connect(world, tenant);
      const rejected = (await services().accessTokenFor(tenant, connectionId)).accessToken;
      const before = world.refreshGrants();
      const tokens = await Promise.all(
        Array.from({ length: 5 }, () => services().refreshAfterUnauthorized(tenant, connectionId, rejected)),
      );
      expect(world.refreshGrants() - before).toBe(1);
      expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
      expect(tokens[0]!.accessToken).not.toBe(rejected);
      // A late request that also saw the old token fail gets the new one without another refresh.
      const late = await services().refreshAfterUnauthorized(tenant, connectionId, rejected);
      expect(late.accessToken).toBe(tokens[0]!.accessToken);
      expect(world.refreshGrants() - before).toBe(1);
    });

    it('forces a refresh with refreshConnection', async () => {
      const connectionId = await connect(world, tenant);
      const before = world.refreshGrants();
      const result = await world.hub.request(
        RefreshConnectionDocument,
        { id: connectionId },
        asOperator(tenant),
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.refreshConnection).toMatchObject({ id: connectionId, status: 'ACTIVE' });
      expect(result.data?.refreshConnection.lastRefreshedAt).not.toBeNull();
      expect(world.refreshGrants() - before).toBe(1);
    });

    it('connects a client-credentials provider, and retries transient token failures with backoff', async () => {
      const connected = await world.hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider: MACHINE } },
        asOperator(tenant),
      );
      expect(connected.errors).toBeUndefined();
      expect(connected.data?.connectWithCredentials).toMatchObject({
        authMode: 'OAUTH2_CC',
        status: 'ACTIVE',
        scopes: ['reports.read'],
      });
      const connectionId = connected.data!.connectWithCredentials.id;
      const tokenCalls = () =>
        world.fixture.requests.filter((request) => request.path === '/oauth/token').length;

      world.tokenReplies.push(503, 503);
      const before = tokenCalls();
      const recovered = await world.hub.request(
        RefreshConnectionDocument,
        { id: connectionId },
        asOperator(tenant),
      );
      expect(recovered.errors).toBeUndefined();
      expect(tokenCalls() - before).toBe(3);

      world.tokenReplies.push(503, 503, 503, 503);
      const failed = await world.hub.request(
        RefreshConnectionDocument,
        { id: connectionId },
        asOperator(tenant),
      );
      expect(codes(failed)).toEqual(['PROVIDER_AUTH_ERROR']);
      const last = (await events(connectionId)).at(-1)!;
      expect(last).toMatchObject({
        type: 'TokenRefreshFailed',
        data: { failure: 'transient', retryable: true, attempts: 4 },
      });
      await world.hub.runtime.projections.waitFor(last.position);
      const credential = await world.hub.runtime.readModels.prisma.credential.findUniqueOrThrow({
        where: { connectionId },
      });
      expect(credential).toMatchObject({ status: 'ACTIVE', refreshFailures: 1 });
      // The proactive refresher leaves it alone for 30 s before trying again.
      const failedAt = new Date((last.data as { failedAt: string }).failedAt).getTime();
      expect(credential.refreshDueAt?.getTime()).toBe(failedAt + 30_000);
    });

    it('turns invalid_grant into REAUTH_REQUIRED with an event, and checkouts then say so', async () => {
      const connectionId = await connect(world, tenant);
      // The grant dies at the provider behind Switchboard's back (the user removed the app there).
      const { refreshToken } = await storedTokens(connectionId);
      const revoked = await fetch(`${world.idp.issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.client.clientId}:${world.client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: refreshToken!, token_type_hint: 'refresh_token' }),
      });
      expect(revoked.status).toBe(200);

      const result = await world.hub.request(
        RefreshConnectionDocument,
        { id: connectionId },
        asOperator(tenant),
      );
      expect(codes(result)).toEqual(['PROVIDER_AUTH_ERROR']);
      expect(result.errors?.[0]?.message).toContain('reconnected');
      const types = (await events(connectionId)).map((event) => event.type);
      expect(types.slice(-2)).toEqual(['TokenRefreshFailed', 'ConnectionReauthRequired']);
      const last = (await events(connectionId)).at(-1)!;
      await world.hub.runtime.projections.waitFor(last.position);
      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection?.status).toBe('REAUTH_REQUIRED');
      await expect(services().accessTokenFor(tenant, connectionId)).rejects.toMatchObject({
        code: 'PROVIDER_AUTH_ERROR',
      });
      // Not due for the proactive refresher any more.
      const due = await world.hub.runtime.readModels.prisma.credential.findUniqueOrThrow({
        where: { connectionId },
      });
      expect(due.refreshDueAt).toBeNull();
    });
  },
);
