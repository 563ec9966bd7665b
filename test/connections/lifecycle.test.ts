import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  openCredentials,
  type StoredCredentials,
} from '../../src/connections/credentials/credentials-codec.js';
import { connectionStream } from '../../src/events/connection.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import { StreamDeletedError } from '../../src/eventstore/errors.js';
import {
  ConnectionDocument,
  ConnectionsDocument,
  ConnectWithCredentialsDocument,
  CurrentTenantDocument,
  DeleteTenantDocument,
  RefreshConnectionDocument,
  RevokeConnectionDocument,
  RotateTenantKeyDocument,
} from '../../src/generated/graphql.js';
import { TenantKeyDestroyedError } from '../../src/vault/errors.js';
import type { Sealed } from '../../src/vault/sealed.js';
import { asOperator, codes } from '../support/hub.js';
import { dumpEverything } from '../support/loopback-providers.js';
import { describeWithPostgres } from '../support/services.js';
import { API_KEY, connect, KEYS, type LoopbackWorld, registerTenant, startLoopbackWorld } from './world.js';

describeWithPostgres(
  'revocation, tenant isolation, credentials and crypto-shredding (PostgreSQL, oidc-provider)',
  () => {
    let world: LoopbackWorld;
    const [tenantA, tenantB] = ['life-a', 'life-b'];

    beforeAll(async () => {
      world = await startLoopbackWorld({ accessTokenTtlSeconds: 300 });
      await registerTenant(world, tenantA);
      await registerTenant(world, tenantB);
    });
    afterAll(async () => {
      expect(world?.idp.serverErrors).toEqual([]);
      await world?.close();
    });

    async function tokenEvents(tenantId: string, connectionId: string): Promise<RecordedEvent[]> {
      const events: RecordedEvent[] = [];
      for await (const event of world.hub.runtime.eventStore.readStream(
        connectionStream(tenantId, connectionId),
      )) {
        if (event.type === 'TokenIssued' || event.type === 'TokenRotated') events.push(event);
      }
      return events;
    }

    /** Test-only: what the sealed secret of a token event holds. */
    async function opened(
      tenantId: string,
      connectionId: string,
      event: RecordedEvent,
    ): Promise<StoredCredentials> {
      return openCredentials(
        world.hub.runtime.vault,
        tenantId,
        connectionId,
        (event.data as { secret: Sealed }).secret,
      );
    }

    /** RFC 6749 §6 straight at the OAuth server, as an attacker holding a leaked refresh token would. */
    async function refreshAtProvider(refreshToken: string): Promise<{ status: number; error?: string }> {
      const response = await fetch(`${world.idp.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${world.client.clientId}:${world.client.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });
      const body = (await response.json()) as { error?: string };
      return { status: response.status, error: body.error };
    }

    it('revokes at the provider (RFC 7009: CONFIRMED), destroys the credentials, and answers the same again', async () => {
      const connectionId = await connect(world, tenantA);
      const [issued] = await tokenEvents(tenantA, connectionId);
      const tokens = (await opened(tenantA, connectionId, issued!)) as { refreshToken: string };

      const revoked = await world.hub.request(
        RevokeConnectionDocument,
        { id: connectionId },
        asOperator(tenantA),
      );
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data?.revokeConnection).toMatchObject({
        status: 'REVOKED',
        providerRevocation: { status: 'CONFIRMED' },
        connection: { id: connectionId, status: 'REVOKED' },
      });
      expect(await refreshAtProvider(tokens.refreshToken)).toEqual({ status: 400, error: 'invalid_grant' });
      const prisma = world.hub.runtime.readModels.prisma;
      expect(await prisma.credential.findUnique({ where: { connectionId } })).toBeNull();
      await expect(world.hub.runtime.connections.accessTokenFor(tenantA, connectionId)).rejects.toMatchObject(
        {
          code: 'CONFLICT',
        },
      );

      const again = await world.hub.request(
        RevokeConnectionDocument,
        { id: connectionId },
        asOperator(tenantA),
      );
      expect(again.data?.revokeConnection.revokedAt).toBe(revoked.data?.revokeConnection.revokedAt);
    });

    it('keeps tenants apart: B can neither see, refresh, revoke nor check out A’s connection', async () => {
      const connectionId = await connect(world, tenantA);
      const asB = asOperator(tenantB);
      const list = await world.hub.request(ConnectionsDocument, { first: 50 }, asB);
      expect(list.data?.connections.edges.map((edge) => edge.node.id)).not.toContain(connectionId);
      expect(
        (await world.hub.request(ConnectionDocument, { id: connectionId }, asB)).data?.connection,
      ).toBeNull();
      expect(codes(await world.hub.request(RevokeConnectionDocument, { id: connectionId }, asB))).toEqual([
        'CONNECTION_NOT_FOUND',
      ]);
      expect(codes(await world.hub.request(RefreshConnectionDocument, { id: connectionId }, asB))).toEqual([
        'CONNECTION_NOT_FOUND',
      ]);
      await expect(world.hub.runtime.connections.accessTokenFor(tenantB, connectionId)).rejects.toMatchObject(
        {
          code: 'CONNECTION_NOT_FOUND',
        },
      );
      const stillThere = await world.hub.request(
        ConnectionDocument,
        { id: connectionId },
        asOperator(tenantA),
      );
      expect(stillThere.data?.connection?.status).toBe('ACTIVE');
    });

    it('connects with an API key verified by the manifest’s test request, and refuses a wrong one', async () => {
      const before = await world.hub.runtime.readModels.prisma.connection.count({
        where: { tenantId: tenantA },
      });
      const wrong = await world.hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider: KEYS, credentials: { apiKey: 'lbk_wrong' } } },
        asOperator(tenantA),
      );
      expect(codes(wrong)).toEqual(['PROVIDER_AUTH_ERROR']);
      expect(
        await world.hub.runtime.readModels.prisma.connection.count({ where: { tenantId: tenantA } }),
      ).toBe(before);

      const right = await world.hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider: KEYS, credentials: { apiKey: API_KEY } } },
        asOperator(tenantA),
      );
      expect(right.errors).toBeUndefined();
      expect(right.data?.connectWithCredentials).toMatchObject({
        authMode: 'API_KEY',
        status: 'ACTIVE',
        expiresAt: null,
      });
      const verified = world.fixture.requests.at(-1)!;
      expect(verified).toMatchObject({ method: 'GET', path: '/v1/me' });
      expect(verified.headers['x-api-key']).toBe(API_KEY);

      const id = right.data!.connectWithCredentials.id;
      const checkedOut = await world.hub.runtime.connections.credentialsFor(tenantA, id);
      expect(checkedOut.credentials).toEqual({ kind: 'api_key', apiKey: API_KEY });
      await expect(world.hub.runtime.connections.accessTokenFor(tenantA, id)).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });

    it('leaves no token, refresh token, client secret or API key in plaintext in any table or event', async () => {
      const connectionId = await connect(world, tenantA);
      await world.hub.request(RefreshConnectionDocument, { id: connectionId }, asOperator(tenantA));
      const secrets = new Set<string>([world.client.clientSecret, API_KEY]);
      const connections = await world.hub.runtime.readModels.prisma.connection.findMany();
      for (const { id, tenantId } of connections) {
        for (const event of await tokenEvents(tenantId, id)) {
          const credentials = await opened(tenantId, id, event);
          if (credentials.kind === 'oauth2' || credentials.kind === 'oauth2_cc') {
            secrets.add(credentials.accessToken);
            if (credentials.refreshToken) secrets.add(credentials.refreshToken);
          }
        }
      }
      expect(secrets.size).toBeGreaterThan(6); // several access and refresh tokens, rotated ones included
      const dump = await dumpEverything(world.hub.databaseUrl, world.hub.runtime.eventStore);
      expect(dump).toContain('TokenRotated'); // the dump really holds the log
      for (const secret of secrets) {
        expect(dump.includes(secret), `a secret of ${secret.length} characters is in the dump`).toBe(false);
      }
    });

    it('rotates a tenant key: new secrets use the new key, older ones still decrypt', async () => {
      const before = await connect(world, tenantB);
      const rotated = await world.hub.request(RotateTenantKeyDocument, { id: tenantB }, asOperator());
      expect(rotated.errors).toBeUndefined();
      expect(rotated.data?.rotateTenantKey).toMatchObject({ tenantId: tenantB, generation: 2 });
      const after = await connect(world, tenantB);
      const keyOf = async (id: string) =>
        ((await tokenEvents(tenantB, id))[0]!.data as { secret: Sealed }).secret.keyId;
      expect(await keyOf(after)).not.toBe(await keyOf(before));
      const token = await world.hub.runtime.connections.accessTokenFor(tenantB, before);
      expect(token.accessToken.length).toBeGreaterThan(0);
    });

    it('deletes a tenant: connections revoked, keys destroyed (old ciphertext unreadable), streams tombstoned', async () => {
      const tenant = 'life-doomed';
      await registerTenant(world, tenant);
      const connectionId = await connect(world, tenant);
      const withKey = await world.hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider: KEYS, credentials: { apiKey: API_KEY } } },
        asOperator(tenant),
      );
      expect(withKey.errors).toBeUndefined();
      const [issued] = await tokenEvents(tenant, connectionId);
      const tokens = (await opened(tenant, connectionId, issued!)) as { refreshToken: string };

      const deleted = await world.hub.request(DeleteTenantDocument, { id: tenant }, asOperator());
      expect(deleted.errors).toBeUndefined();
      expect(deleted.data?.deleteTenant).toMatchObject({
        tenantId: tenant,
        connectionsRevoked: 2,
        keysDestroyed: 1,
      });
      expect(deleted.data?.deleteTenant.streamsTombstoned).toBeGreaterThanOrEqual(3);
      // Revoked at the provider while the tokens could still be read.
      expect(await refreshAtProvider(tokens.refreshToken)).toEqual({ status: 400, error: 'invalid_grant' });
      // Crypto-shredding: the ciphertext is still in the log, and nobody can read it any more.
      await expect(opened(tenant, connectionId, issued!)).rejects.toBeInstanceOf(TenantKeyDestroyedError);
      const stream = world.hub.runtime.eventStore.readStream(connectionStream(tenant, connectionId));
      await expect(stream[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(StreamDeletedError);
      expect(codes(await world.hub.request(CurrentTenantDocument, {}, asOperator(tenant)))).toEqual([
        'TENANT_NOT_FOUND',
      ]);
      expect(codes(await world.hub.request(DeleteTenantDocument, { id: tenant }, asOperator()))).toEqual([
        'TENANT_NOT_FOUND',
      ]);
      // Other tenants are untouched.
      const others = await world.hub.request(
        ConnectionsDocument,
        { first: 50, status: 'ACTIVE' },
        asOperator(tenantA),
      );
      expect(others.data?.connections.edges.length).toBeGreaterThan(0);
    });
  },
);
