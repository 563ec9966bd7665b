import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../src/events/catalog.js';
import { ConnectionInstalled, ConnectionRevoked, connectionStream } from '../../../src/events/connection.js';
import {
  ProviderAccountBindingMoved,
  ProviderAccountBindingRefused,
  ProviderAccountBindingReleased,
  ProviderAccountBound,
  providerAccountStream,
} from '../../../src/events/provider-account.js';
import { connectionsProjection } from '../../../src/projections/read-models/connections.js';
import { providerAccountClaimsProjection } from '../../../src/projections/read-models/provider-account-claims.js';
import { prismaWebhookTargets } from '../../../src/readmodels/queries/webhook-targets.js';
import { describeWithPostgres } from '../../support/services.js';
import { type Backend, openBackend } from '../harness.js';

const T0 = '2026-01-01T00:00:00.000Z';
const REALM = '1185883450';
const metadata = (tenantId: string) => ({
  tenantId,
  correlationId: 'c-1',
  causationId: null,
  actor: 'system:test',
});
const acme = { provider: 'quickbooks', accountId: REALM, tenantId: 'acme', connectionId: 'conn_qa' };
const globex = { provider: 'quickbooks', accountId: REALM, tenantId: 'globex', connectionId: 'conn_qb' };

const BACKENDS = [
  { kind: 'pglite', describe, label: 'embedded PGlite' },
  { kind: 'postgres', describe: describeWithPostgres, label: 'PostgreSQL' },
] as const;

for (const { kind, describe: describeOn, label } of BACKENDS)
  describeOn(`provider account claims and app-level routing (${label})`, () => {
    let backend: Backend;
    const create = eventCatalog.create.bind(eventCatalog);
    const account = providerAccountStream('quickbooks', REALM);
    const append = async (stream: string, events: ReturnType<typeof create>[]) =>
      backend.store.append(stream, events, 'any');

    beforeAll(async () => {
      backend = await openBackend(kind);
    });
    afterAll(async () => backend?.close());

    it('routes to the bound connection only, follows a move, and stops at a revoked holder', async () => {
      const runner = backend.runner({
        projections: [connectionsProjection, providerAccountClaimsProjection],
      });
      await runner.start();
      const targets = prismaWebhookTargets(backend.readModels.prisma);
      const claims = backend.readModels.prisma.providerAccountClaim;
      const routed = async () => (await targets.byRoutingId('quickbooks', REALM))?.connectionId ?? null;
      const stateOf = async (connectionId: string) =>
        (await claims.findUnique({ where: { connectionId } }))?.state ?? null;
      for (const who of [acme, globex]) {
        const installed = create(
          ConnectionInstalled,
          {
            connectionId: who.connectionId,
            tenantId: who.tenantId,
            provider: 'quickbooks',
            authMode: 'oauth2',
            integration: 'global',
            account: { id: REALM, name: null },
            values: {},
            scopes: [],
            installedAt: T0,
          },
          metadata(who.tenantId),
        );
        await append(connectionStream(who.tenantId, who.connectionId), [installed]);
      }
      let written = await append(account, [
        create(
          ProviderAccountBound,
          { ...acme, proof: 'account_verification', previousConnectionId: null, boundAt: T0 },
          metadata('acme'),
        ),
        create(
          ProviderAccountBindingRefused,
          {
            ...globex,
            reason: 'bound_to_another_tenant',
            heldBy: { tenantId: 'acme', connectionId: 'conn_qa' },
            refusedAt: T0,
          },
          metadata('globex'),
        ),
      ]);
      await runner.waitFor(written.position);
      // Both connections claim the realm and globex's is the newer: the binding decides, not the age.
      expect(await routed()).toBe('conn_qa');
      expect([await stateOf('conn_qa'), await stateOf('conn_qb')]).toEqual(['BOUND', 'CONFLICT']);

      written = await append(account, [
        create(
          ProviderAccountBindingMoved,
          { ...globex, previous: { tenantId: 'acme', connectionId: 'conn_qa' }, movedAt: T0 },
          { ...metadata('globex'), actor: 'operator:ops' },
        ),
      ]);
      await runner.waitFor(written.position);
      expect(await routed()).toBe('conn_qb');
      expect([await stateOf('conn_qa'), await stateOf('conn_qb')]).toEqual(['RELEASED', 'BOUND']);
      expect(await claims.findUnique({ where: { connectionId: 'conn_qa' } })).toMatchObject({
        reason: 'moved_by_operator',
      });

      // Revoked, its release not yet recorded: nothing is routed to a dead connection meanwhile.
      written = await append(connectionStream('globex', 'conn_qb'), [
        create(
          ConnectionRevoked,
          {
            connectionId: 'conn_qb',
            providerRevocation: { status: 'CONFIRMED', detail: '-' },
            reason: 'requested',
            revokedAt: T0,
          },
          metadata('globex'),
        ),
      ]);
      await runner.waitFor(written.position);
      expect(await routed()).toBeNull();
      written = await append(account, [
        create(
          ProviderAccountBindingReleased,
          { ...globex, reason: 'connection_revoked', releasedAt: T0 },
          metadata('globex'),
        ),
      ]);
      await runner.waitFor(written.position);
      expect(await stateOf('conn_qb')).toBe('RELEASED');
      expect(await routed()).toBeNull();
      await runner.stop();
    });
  });
