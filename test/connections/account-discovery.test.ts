import { randomUUID } from 'node:crypto';
import type { AccessibleResource } from 'jira.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { connectionStream } from '../../src/events/connection.js';
import { ConnectionDocument } from '../../src/generated/graphql.js';
import { connectionForSync } from '../../src/sync/sync-connection.js';
import { type JiraApiFake, type JiraGatewayOptions, startJiraApiFake } from '../support/fakes/jira-api.js';
import { asOperator } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import {
  authorize,
  followCallback,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from './world.js';

/** Jira Cloud as the built-in declares it, with its OAuth server and API gateway on loopback. */
const JIRA = 'jira-loopback';
const CLOUD_ID = '1324a887-45db-1bf4-1e99-ef0ff456d421';
const JIRA_SCOPES = ['read:jira-work', 'read:jira-user'];
/** The site the user picked on the consent screen, in accessible-resources' documented shape. */
const ACME: AccessibleResource = {
  id: CLOUD_ID,
  name: 'Acme',
  url: 'https://acme.atlassian.net',
  scopes: ['read:jira-work', 'read:jira-user', 'write:jira-work'],
  avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png',
};
/** Authorized by the same user for another app's Confluence scopes: listed first, never ours. */
const WIKI: AccessibleResource = {
  id: '7a1e41f2-9c3b-4d2e-8f5a-0b6c7d8e9f10',
  name: 'Acme wiki',
  url: 'https://acme-wiki.atlassian.net',
  scopes: ['read:confluence-content.all'],
  avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/rocket.png',
};

const caller = systemCaller('test', randomUUID());

describeWithPostgres(
  'account discovery: a Jira install learns its site over the real OAuth flow, and the issues sync runs there (PostgreSQL, oidc-provider)',
  () => {
    let world: LoopbackWorld;
    let fake: JiraApiFake;
    const gateway: JiraGatewayOptions = { cloudId: CLOUD_ID, resources: [WIKI, ACME] };
    /** Every bearer token the gateway was shown: none may reach the log or the read models. */
    const tokensSeen = new Set<string>();
    const tenant = 'jira-a';

    beforeAll(async () => {
      let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
      fake = await startJiraApiFake({
        gateway,
        // Only tokens the OAuth server issued and signed pass, as at the real gateway.
        acceptToken: async (token) => {
          tokensSeen.add(token);
          if (!jwks) return false;
          return jwtVerify(token, jwks, { issuer: world.idp.issuer }).then(
            () => true,
            () => false,
          );
        },
      });
      world = await startLoopbackWorld({
        accessTokenTtlSeconds: 300,
        scopes: JIRA_SCOPES,
        providers: ({ issuer }) => [
          {
            id: JIRA,
            extends: 'jira',
            displayName: 'Jira (loopback)',
            auth: {
              authorizationUrl: `${issuer}/auth`,
              tokenUrl: `${issuer}/token`,
              // oidc-provider sends iss (RFC 9207) and its test client authenticates with Basic.
              issuer,
              clientAuth: 'client_secret_basic',
              accountDiscovery: { url: `${fake.origin}/oauth/token/accessible-resources` },
            },
            api: { baseUrl: `${fake.origin}/ex/jira/{cloudId}` },
          },
        ],
      });
      jwks = createRemoteJWKSet(new URL(`${world.idp.issuer}/jwks`));
      await registerTenant(world, tenant);
    }, 60_000);
    afterAll(async () => {
      expect(world?.idp.serverErrors).toEqual([]);
      await world?.close();
      await fake?.close();
    });

    async function install(login: string) {
      const { connectionId, callbackUrl } = await authorize(world, tenant, {
        provider: JIRA,
        login,
        scopes: ['issues.read', 'users.read'],
      });
      const landing = await followCallback(callbackUrl);
      const back = landing.kind === 'callback' ? landing.url : null;
      return { connectionId, back };
    }
    async function streamOf(connectionId: string) {
      const events = [];
      for await (const event of world.hub.runtime.eventStore.readStream(
        connectionStream(tenant, connectionId),
      ))
        events.push(event);
      return events;
    }
    let connectionId: string;

    it('keeps the site holding the granted Jira scopes: cloudId as the account and URL value, its URL and name', async () => {
      const installed = await install('alice');
      expect(installed.back?.searchParams.get('error') ?? null).toBeNull();
      connectionId = installed.back!.searchParams.get('connection_id')!;
      expect(connectionId).toBe(installed.connectionId);

      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection).toMatchObject({
        provider: JIRA,
        status: 'ACTIVE',
        accountId: CLOUD_ID,
        accountName: 'Acme',
      });
      expect(read.data?.connection?.scopes).toEqual(expect.arrayContaining(JIRA_SCOPES));
      const values = { cloudId: CLOUD_ID, siteUrl: 'https://acme.atlassian.net', siteName: 'Acme' };
      const row = await world.hub.runtime.readModels.prisma.connection.findUniqueOrThrow({
        where: { id: connectionId },
      });
      expect(row.values).toEqual(values);

      const events = await streamOf(connectionId);
      const installedEvent = events.find((event) => event.type === 'ConnectionInstalled');
      expect(installedEvent?.metadata.schemaVersion).toBe(2);
      expect(installedEvent?.data).toMatchObject({ account: { id: CLOUD_ID, name: 'Acme' }, values });
      // The discovery was made with the new access token, which stays out of the log and the row.
      expect(tokensSeen.size).toBeGreaterThan(0);
      const written = JSON.stringify([events.map((event) => event.data), row], (_key, value: unknown) =>
        typeof value === 'bigint' ? String(value) : value,
      );
      for (const token of tokensSeen) expect(written).not.toContain(token);

      expect(
        await connectionForSync(
          { prisma: world.hub.runtime.readModels.prisma },
          { tenantId: tenant, connectionId, resource: 'issues' },
        ),
      ).toEqual({ id: connectionId, accountId: CLOUD_ID, values: { ...values, accountId: CLOUD_ID } });
    });

    it('runs the Jira issues sync through the engine against /ex/jira/{cloudId}, with browse URLs on the site', async () => {
      fake.seedIssues(3);
      const engine = world.hub.runtime.syncs;
      await engine.configureSync(caller, tenant, { connectionId, resource: 'issues' });
      await drain(world, tenant);

      const prisma = world.hub.runtime.readModels.prisma;
      const run = await prisma.syncRun.findFirstOrThrow({ where: { tenantId: tenant, connectionId } });
      expect(run).toMatchObject({ status: 'SUCCEEDED', full: true, added: 3 });
      const records = await prisma.syncRecord.findMany({
        where: { tenantId: tenant, connectionId },
        orderBy: { recordId: 'asc' },
      });
      expect(records.map((record) => (record.data as { url: string | null }).url)).toEqual(
        fake.issues().map((issue) => `https://acme.atlassian.net/browse/${issue.key}`),
      );
      // Every search reached the site's API under its cloud id with a token the OAuth server signed.
      expect(fake.searches.length).toBeGreaterThan(0);
      expect(fake.searches.every((search) => search.status === 200)).toBe(true);
    });

    it('fails the attempt when the grant reaches no site, and stores no token', async () => {
      gateway.resources = [];
      try {
        const { connectionId: failedId, back } = await install('bob');
        expect(back?.searchParams.get('error')).toBe('account_discovery_failed');
        const read = await world.hub.request(ConnectionDocument, { id: failedId }, asOperator(tenant));
        expect(read.data?.connection).toMatchObject({
          status: 'FAILED',
          failureReason: 'account_discovery_failed',
          accountId: null,
        });
        const row = await world.hub.runtime.readModels.prisma.connection.findUniqueOrThrow({
          where: { id: failedId },
        });
        expect(row.failureMessage).toContain('listed no account');
        expect(row.values).toEqual({});
        expect((await streamOf(failedId)).map((event) => event.type)).toEqual([
          'ConnectionStarted',
          'ConnectionFailed',
        ]);
        expect(
          await world.hub.runtime.readModels.prisma.credential.count({ where: { connectionId: failedId } }),
        ).toBe(0);
      } finally {
        gateway.resources = [WIKI, ACME];
      }
    });
  },
);

/** Ticks the hub's engine until no run of the tenant is queued or running, then waits for the read models. */
async function drain(world: LoopbackWorld, tenantId: string, timeoutMs = 60_000): Promise<void> {
  const { runtime } = world.hub;
  const open = () =>
    runtime.readModels.prisma.syncRun.count({
      where: { tenantId, status: { in: ['QUEUED', 'RUNNING', 'EXPIRED'] } },
    });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runtime.syncs.tick();
    await runtime.syncs.worker.idle();
    await runtime.projections.waitFor(await runtime.eventStore.headPosition(), { timeoutMs: 30_000 });
    const scheduled = await runtime.readModels.prisma.syncRun.count({ where: { tenantId } });
    if (scheduled > 0 && (await open()) === 0) return;
    if (Date.now() > deadline) throw new Error('sync runs did not drain in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
