import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../src/events/catalog.js';
import {
  ConnectionInstalled,
  ConnectionReauthRequired,
  ConnectionRevoked,
  ConnectionStarted,
  connectionStream,
  TokenIssued,
  TokenRefreshFailed,
  TokenRotated,
  WebhookConnectionCreated,
  WebhookSecretConfigured,
} from '../../../src/events/connection.js';
import { GLOBAL_SCOPE, IntegrationConfigured, integrationStream } from '../../../src/events/integration.js';
import type { Event } from '../../../src/eventstore/envelope.js';
import { connectionsProjection } from '../../../src/projections/read-models/connections.js';
import { credentialsProjection } from '../../../src/projections/read-models/credentials.js';
import { integrationsProjection } from '../../../src/projections/read-models/integrations.js';
import { webhookEndpointsProjection } from '../../../src/projections/read-models/webhook-endpoints.js';
import { prismaWebhookTargets } from '../../../src/readmodels/queries/webhook-targets.js';
import type { Sealed } from '../../../src/vault/sealed.js';
import { describeWithPostgres } from '../../support/services.js';
import { type Backend, openBackend } from '../harness.js';

const metadata = { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'system:test' };
const sealed = (n: number): Sealed => ({
  v: 1,
  keyId: 'dk_test',
  iv: Buffer.alloc(12, n).toString('base64'),
  ciphertext: Buffer.from(`cipher-${n}`).toString('base64'),
  tag: Buffer.alloc(16, n).toString('base64'),
});
const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T01:00:00.000Z';
const T2 = '2026-01-01T02:00:00.000Z';

const BACKENDS = [
  { kind: 'pglite', describe, label: 'embedded PGlite' },
  { kind: 'postgres', describe: describeWithPostgres, label: 'PostgreSQL' },
] as const;

for (const { kind, describe: describeOn, label } of BACKENDS)
  describeOn(`connection read models through the projection runner (${label})`, () => {
    let backend: Backend;
    const append = async (stream: string, events: Event[]) => backend.store.append(stream, events, 'any');
    const create = eventCatalog.create.bind(eventCatalog);

    beforeAll(async () => {
      backend = await openBackend(kind);
    });
    afterAll(async () => backend?.close());

    it('folds an OAuth connection through install, rotation, failures, re-auth and revocation', async () => {
      const runner = backend.runner({
        projections: [
          connectionsProjection,
          credentialsProjection,
          integrationsProjection,
          webhookEndpointsProjection,
        ],
      });
      await runner.start();
      const stream = connectionStream('acme', 'conn_a');
      const base = { connectionId: 'conn_a', tenantId: 'acme', provider: 'github' };
      await append(integrationStream(GLOBAL_SCOPE, 'github'), [
        create(
          IntegrationConfigured,
          {
            scope: GLOBAL_SCOPE,
            provider: 'github',
            clientId: 'cid',
            clientSecret: sealed(9),
            defaultScopes: [],
            configuredAt: T0,
          },
          { ...metadata, tenantId: GLOBAL_SCOPE },
        ),
      ]);
      await append(stream, [
        create(
          ConnectionStarted,
          {
            ...base,
            authMode: 'oauth2',
            integration: 'global',
            requestedScopes: ['repo'],
            stateHash: 'abc',
            redirectUri: null,
            startedAt: T0,
            expiresAt: T1,
          },
          metadata,
        ),
      ]);
      const installed = await append(stream, [
        create(
          ConnectionInstalled,
          {
            ...base,
            authMode: 'oauth2',
            integration: 'global',
            account: { id: '1', name: 'octo' },
            values: {},
            scopes: ['repo'],
            installedAt: T0,
          },
          metadata,
        ),
        create(
          TokenIssued,
          {
            ...base,
            authMode: 'oauth2',
            secret: sealed(1),
            tokenType: 'bearer',
            expiresAt: T1,
            refreshTokenExpiresAt: null,
            scopes: ['repo'],
            issuedAt: T0,
          },
          metadata,
        ),
      ]);
      await runner.waitFor(installed.position);
      const prisma = backend.readModels.prisma;
      expect(await prisma.connection.findUniqueOrThrow({ where: { id: 'conn_a' } })).toMatchObject({
        status: 'ACTIVE',
        accountName: 'octo',
        scopes: ['repo'],
        expiresAt: new Date(T1),
        stateHash: 'abc',
      });
      const credential = await prisma.credential.findUniqueOrThrow({ where: { connectionId: 'conn_a' } });
      expect(credential).toMatchObject({
        secret: sealed(1),
        tokenRevision: 2n,
        refreshDueAt: new Date('2026-01-01T00:42:00.000Z'),
      });
      expect(
        await prisma.integration.findUniqueOrThrow({ where: { id: `${GLOBAL_SCOPE}:github` } }),
      ).toMatchObject({
        clientSecret: sealed(9),
      });

      const rotated = await append(stream, [
        create(
          TokenRotated,
          {
            connectionId: 'conn_a',
            secret: sealed(2),
            previousTokenRevision: '2',
            tokenType: 'bearer',
            expiresAt: T2,
            refreshTokenExpiresAt: null,
            scopes: ['repo'],
            refreshTokenRotated: false,
            trigger: 'proactive',
            rotatedAt: T1,
          },
          metadata,
        ),
        create(
          TokenRefreshFailed,
          {
            connectionId: 'conn_a',
            failure: 'transient',
            message: 'down',
            retryable: true,
            attempts: 3,
            failedAt: T1,
          },
          metadata,
        ),
      ]);
      await runner.waitFor(rotated.position);
      expect(await prisma.credential.findUniqueOrThrow({ where: { connectionId: 'conn_a' } })).toMatchObject({
        secret: sealed(2),
        tokenRevision: 3n,
        refreshFailures: 1,
        refreshDueAt: new Date('2026-01-01T01:00:30.000Z'),
      });
      expect(
        (await prisma.connection.findUniqueOrThrow({ where: { id: 'conn_a' } })).lastRefreshedAt,
      ).toEqual(new Date(T1));

      const reauth = await append(stream, [
        create(ConnectionReauthRequired, { connectionId: 'conn_a', reason: 'gone', at: T2 }, metadata),
      ]);
      await runner.waitFor(reauth.position);
      expect((await prisma.connection.findUniqueOrThrow({ where: { id: 'conn_a' } })).status).toBe(
        'REAUTH_REQUIRED',
      );
      expect((await prisma.credential.findUniqueOrThrow({ where: { connectionId: 'conn_a' } })).status).toBe(
        'REAUTH_REQUIRED',
      );

      const revoked = await append(stream, [
        create(
          ConnectionRevoked,
          {
            connectionId: 'conn_a',
            providerRevocation: { status: 'CONFIRMED', detail: 'ok' },
            reason: 'requested',
            revokedAt: T2,
          },
          metadata,
        ),
      ]);
      await runner.waitFor(revoked.position);
      expect(await prisma.connection.findUniqueOrThrow({ where: { id: 'conn_a' } })).toMatchObject({
        status: 'REVOKED',
        providerRevocationStatus: 'CONFIRMED',
      });
      expect(await prisma.credential.findUnique({ where: { connectionId: 'conn_a' } })).toBeNull();
      await runner.stop();
    });

    it('keeps webhook endpoints for the gateway, found by connection and by provider account', async () => {
      const runner = backend.runner({
        projections: [
          connectionsProjection,
          credentialsProjection,
          integrationsProjection,
          webhookEndpointsProjection,
        ],
      });
      await runner.start();
      const stream = connectionStream('acme', 'conn_w');
      const written = await append(stream, [
        create(
          WebhookConnectionCreated,
          {
            connectionId: 'conn_w',
            tenantId: 'acme',
            provider: 'github',
            displayName: 'hooks',
            createdAt: T0,
          },
          metadata,
        ),
        create(
          WebhookSecretConfigured,
          {
            connectionId: 'conn_w',
            tenantId: 'acme',
            provider: 'github',
            secret: sealed(5),
            configuredAt: T1,
          },
          metadata,
        ),
      ]);
      await runner.waitFor(written.position);
      const targets = prismaWebhookTargets(backend.readModels.prisma);
      expect(await targets.byConnection('github', 'conn_w')).toEqual({
        tenantId: 'acme',
        connectionId: 'conn_w',
        provider: 'github',
        secret: sealed(5),
      });
      expect(await targets.byConnection('slack', 'conn_w')).toBeNull();
      expect(await targets.byConnection('github', 'nope')).toBeNull();
      // conn_a of the first test is revoked: no target, neither by id nor by its account.
      expect(await targets.byConnection('github', 'conn_a')).toBeNull();
      expect(await targets.byRoutingId('github', '1')).toBeNull();

      const revoked = await append(stream, [
        create(
          ConnectionRevoked,
          {
            connectionId: 'conn_w',
            providerRevocation: { status: 'UNSUPPORTED', detail: '-' },
            reason: 'requested',
            revokedAt: T2,
          },
          metadata,
        ),
      ]);
      await runner.waitFor(revoked.position);
      expect(await targets.byConnection('github', 'conn_w')).toBeNull();
      await runner.stop();
    });
  });
