import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectionStream } from '../../../src/events/connection.js';
import {
  CompleteConnectionDocument,
  ConnectionDocument,
  ConnectionsDocument,
  StartConnectionDocument,
} from '../../../src/generated/graphql.js';
import { asOperator, codes } from '../../support/hub.js';
import { describeWithPostgres } from '../../support/services.js';
import {
  APP_REDIRECT,
  authorize,
  followCallback,
  IDP,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from '../world.js';

async function eventTypes(world: LoopbackWorld, tenantId: string, connectionId: string): Promise<string[]> {
  const types: string[] = [];
  for await (const event of world.hub.runtime.eventStore.readStream(
    connectionStream(tenantId, connectionId),
  )) {
    types.push(event.type);
  }
  return types;
}

describeWithPostgres(
  'connecting through the authorization code flow (PostgreSQL, oidc-provider pages)',
  () => {
    let world: LoopbackWorld;
    const tenant = 'flow-a';

    beforeAll(async () => {
      world = await startLoopbackWorld({ accessTokenTtlSeconds: 300 });
      await registerTenant(world, tenant);
    });
    afterAll(async () => {
      expect(world?.idp.serverErrors).toEqual([]);
      await world?.close();
    });

    it('connects: PKCE, login and consent pages, our /oauth/callback, back to the app with connection_id', async () => {
      const { connectionId, authorizeUrl, callbackUrl, browser } = await authorize(world, tenant);
      const url = new URL(authorizeUrl);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('redirect_uri')).toBe(`${world.hub.url}/oauth/callback`);
      // documents.read is the integration's default internal scope; openid and offline_access always come.
      expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual([
        'files.read',
        'offline_access',
        'openid',
      ]);
      expect(browser.visited.filter((visit) => visit.startsWith('POST /interaction/'))).toHaveLength(2);
      expect(callbackUrl.pathname).toBe('/oauth/callback');

      const landing = await followCallback(callbackUrl);
      expect(landing.kind).toBe('callback');
      const back = landing.kind === 'callback' ? landing.url : new URL('http://x');
      expect(back.origin + back.pathname).toBe(APP_REDIRECT);
      expect(back.searchParams.get('connection_id')).toBe(connectionId);

      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection).toMatchObject({
        id: connectionId,
        provider: IDP,
        authMode: 'OAUTH2',
        status: 'ACTIVE',
        accountId: 'alice',
        failureReason: null,
      });
      expect(read.data?.connection?.scopes).toContain('files.read');
      expect(new Date(read.data!.connection!.expiresAt!).getTime()).toBeGreaterThan(Date.now());
      expect(await eventTypes(world, tenant, connectionId)).toEqual([
        'ConnectionStarted',
        'ConnectionInstalled',
        'TokenIssued',
      ]);
      const list = await world.hub.request(
        ConnectionsDocument,
        { first: 10, provider: IDP, status: 'ACTIVE' },
        asOperator(tenant),
      );
      expect(list.data?.connections.edges.map((edge) => edge.node.id)).toContain(connectionId);
    });

    it('uses a state once: the same callback again is refused on our own page and recorded on the connection', async () => {
      const { connectionId, callbackUrl } = await authorize(world, tenant);
      expect((await followCallback(callbackUrl)).kind).toBe('callback');
      // A used state never redirects: replaying it must not turn the hub into a redirector.
      const replay = await followCallback(callbackUrl);
      expect(replay.kind).toBe('page');
      const page = replay.kind === 'page' ? replay.page : { status: 0, html: '' };
      expect(page.status).toBe(400);
      expect(page.html).toContain('invalid_state');
      expect(await eventTypes(world, tenant, connectionId)).toEqual([
        'ConnectionStarted',
        'ConnectionInstalled',
        'TokenIssued',
        'ConnectionCallbackRejected',
      ]);
      // The connection itself is untouched.
      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection?.status).toBe('ACTIVE');
    });

    it('records a user who cancels (access_denied) as a FAILED attempt and tells the app', async () => {
      const { connectionId, callbackUrl } = await authorize(world, tenant, { decision: 'cancel' });
      expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
      const landing = await followCallback(callbackUrl);
      const back = landing.kind === 'callback' ? landing.url : new URL('http://x');
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('connection_id')).toBe(connectionId);
      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection).toMatchObject({ status: 'FAILED', failureReason: 'access_denied' });
      expect(await eventTypes(world, tenant, connectionId)).toEqual([
        'ConnectionStarted',
        'ConnectionFailed',
      ]);
    });

    it('fails an attempt whose state expired (10 minutes), recording state_expired', async () => {
      const { connectionId, state, callbackUrl } = await authorize(world, tenant);
      const code = callbackUrl.searchParams.get('code')!;
      const { createConnectionServices } = await import('../../../src/connections/index.js');
      const base = world.hub.runtime.connections.deps;
      const later = createConnectionServices({ ...base, now: () => new Date(Date.now() + 11 * 60_000) });
      const caller = { actor: 'system:test', correlationId: 'expired' };
      await expect(later.completeConnection(caller, tenant, { state, code })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
      const read = await world.hub.request(ConnectionDocument, { id: connectionId }, asOperator(tenant));
      expect(read.data?.connection).toMatchObject({ status: 'FAILED', failureReason: 'state_expired' });
    });

    it('ends attempts nobody finished once their state expired, and leaves fresh ones PENDING', async () => {
      const start = () =>
        world.hub.request(StartConnectionDocument, { input: { provider: IDP } }, asOperator(tenant));
      const abandoned = (await start()).data!.startConnection.connectionId;
      const { createConnectionServices } = await import('../../../src/connections/index.js');
      const base = world.hub.runtime.connections.deps;
      const later = createConnectionServices({ ...base, now: () => new Date(Date.now() + 12 * 60_000) });
      const fresh = (
        await later.startConnection({ actor: 'system:test', correlationId: 'fresh' }, tenant, {
          provider: IDP,
        })
      ).connectionId;
      const scan = await later.proactiveRefresher.scanOnce();
      expect(scan.expired).toBeGreaterThanOrEqual(1);
      const read = async (id: string) =>
        (await world.hub.request(ConnectionDocument, { id }, asOperator(tenant))).data?.connection;
      expect(await read(abandoned)).toMatchObject({ status: 'FAILED', failureReason: 'state_expired' });
      expect(await read(fresh)).toMatchObject({ status: 'PENDING' });
      expect(await eventTypes(world, tenant, abandoned)).toEqual(['ConnectionStarted', 'ConnectionFailed']);
      // Nothing left to end: a second scan changes nothing.
      expect((await later.proactiveRefresher.scanOnce()).expired).toBe(0);
    });

    it('completes through completeConnection for backends that receive the callback themselves', async () => {
      const { connectionId, state, callbackUrl } = await authorize(world, tenant, { redirectUri: null });
      const code = callbackUrl.searchParams.get('code')!;
      const params = { iss: callbackUrl.searchParams.get('iss') };
      // Another tenant holding the state gets nothing, and the state stays usable for its owner.
      await registerTenant(world, 'flow-b');
      const stolen = await world.hub.request(
        CompleteConnectionDocument,
        { input: { state, code } },
        asOperator('flow-b'),
      );
      expect(codes(stolen)).toEqual(['BAD_USER_INPUT']);
      const done = await world.hub.request(
        CompleteConnectionDocument,
        { input: { state, code, params } },
        asOperator(tenant),
      );
      expect(done.errors).toBeUndefined();
      expect(done.data?.completeConnection).toMatchObject({
        id: connectionId,
        status: 'ACTIVE',
        accountId: 'alice',
      });
      const again = await world.hub.request(
        CompleteConnectionDocument,
        { input: { state, code } },
        asOperator(tenant),
      );
      expect(codes(again)).toEqual(['BAD_USER_INPUT']);
    });

    it('shows a result page when the caller gave no redirectUri', async () => {
      const { callbackUrl } = await authorize(world, tenant, { redirectUri: null });
      const response = await fetch(callbackUrl, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.text()).toContain('Connected');
      const unknown = await fetch(`${world.hub.url}/oauth/callback?code=x&state=never-issued`, {
        redirect: 'manual',
      });
      expect(unknown.status).toBe(400);
      expect(await unknown.text()).toContain('invalid_state');
    });

    it('applies the scope policy: over-broad scopes are refused with the narrower ones to ask for', async () => {
      const refused = await world.hub.request(
        StartConnectionDocument,
        { input: { provider: IDP, scopes: ['files.write'] } },
        asOperator(tenant),
      );
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.message).toContain('files.read');
      const unknown = await world.hub.request(
        StartConnectionDocument,
        { input: { provider: 'no-such-provider' } },
        asOperator(tenant),
      );
      expect(codes(unknown)).toEqual(['PROVIDER_NOT_SUPPORTED']);
    });
  },
);
