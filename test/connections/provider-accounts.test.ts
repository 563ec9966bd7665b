import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { providerAccountStream } from '../../src/events/provider-account.js';
import {
  ConnectionDocument,
  MoveProviderAccountBindingDocument,
  ProviderAccountBindingDocument,
  RevokeConnectionDocument,
  SignalsDocument,
} from '../../src/generated/graphql.js';
import { intuitHeaders, notificationsFor } from '../connectors/quickbooks/notifications.js';
import { post, settled } from '../e2e/webhooks-support.js';
import { slackHeaders } from '../ingress/sign.js';
import { asOperator, codes } from '../support/hub.js';
import type { OidcKoaContext } from '../support/oidc-provider.js';
import { json } from '../support/provider-fixture.js';
import { describeWithPostgres } from '../support/services.js';
import {
  authorize,
  followCallback,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from './world.js';

/** QuickBooks-like: the company comes back as ?realmId= on the callback, confirmed by company info. */
const BOOKS = 'loopback-books';
/** Slack-like: the workspace comes in the token response (`team.id`). */
const CHAT = 'loopback-chat';
const VERIFIER = 'books-verifier-token-0123456789';
const SIGNING_SECRET = 'chat-signing-secret-0123456789';
const REALM_A = '1185883450';
const REALM_B = '4620816365';
/** Who may read which company at the fake Intuit API (the login is the token's subject). */
const REALMS_OF: Readonly<Record<string, readonly string[]>> = { alice: [REALM_A], mallory: [REALM_B] };
const slackEvent = JSON.parse(
  readFileSync(new URL('../connectors/slack/fixtures/message-channels.json', import.meta.url), 'utf8'),
) as { team_id: string; event_id: string };
const TEAM = slackEvent.team_id;

const scopes = [
  { id: 'openid', description: 'Who the user is.' },
  { id: 'offline_access', description: 'Refresh tokens.' },
  { id: 'files.read', description: 'Read files.' },
];
const policy = { alwaysRequest: ['openid', 'offline_access'] };

function booksManifest(issuer: string, fixtureOrigin: string) {
  return {
    id: BOOKS,
    displayName: 'Loopback Books',
    categories: ['accounting'],
    auth: {
      mode: 'oauth2',
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      oidcIssuer: issuer,
      callbackParams: ['realmId'],
      accountVerification: { path: '/companyinfo/{realmId}' },
    },
    scopes,
    scopePolicy: policy,
    api: { baseUrl: `${fixtureOrigin}/v3/company/{realmId}`, headers: { Accept: 'application/json' } },
    webhooks: {
      scheme: 'hmac_sha256',
      signature: { header: 'intuit-signature', encoding: 'base64' },
      secret: { perConnection: false, appLevel: 'verification_token' },
      routing: { paths: ['eventNotifications[].realmId'], idKind: 'realm' },
    },
  };
}

function chatManifest(issuer: string) {
  return {
    id: CHAT,
    displayName: 'Loopback Chat',
    categories: ['communication'],
    auth: {
      mode: 'oauth2',
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      oidcIssuer: issuer,
      tokenResponse: { accountFields: { teamId: 'team.id', teamName: 'team.name' } },
    },
    scopes,
    scopePolicy: policy,
    api: { baseUrl: issuer },
    webhooks: {
      scheme: 'slack_v0',
      signature: { header: 'X-Slack-Signature', prefix: 'v0=', signedPayload: 'v0:{timestamp}:{body}' },
      secret: { perConnection: false, appLevel: 'signing_secret' },
      timestamp: { header: 'X-Slack-Request-Timestamp' },
      handshake: 'slack_url_verification',
      deliveryId: { bodyPath: 'event_id' },
      eventType: { bodyPath: 'event.type' },
      routing: { paths: ['team_id', 'team.id'], idKind: 'team' },
    },
  };
}

/** The chat provider's token response names the user's workspace, as Slack's does: logins are `user@TEAM`. */
async function workspaceInTokenResponse(context: OidcKoaContext, next: () => Promise<void>): Promise<void> {
  await next();
  const body = context.body as Record<string, unknown> | undefined;
  if (context.path !== '/token' || typeof body?.['id_token'] !== 'string') return;
  const team = String(decodeJwt(body['id_token']).sub).split('@')[1];
  if (team) context.body = { ...body, team: { id: team, name: `Team ${team}` } };
}

describeWithPostgres(
  'provider account bindings: app-level webhooks reach only the tenant the provider vouched for (PostgreSQL, oidc-provider)',
  () => {
    let world: LoopbackWorld;

    beforeAll(async () => {
      world = await startLoopbackWorld({
        accessTokenTtlSeconds: 300,
        providers: ({ issuer, fixtureOrigin }) => [
          booksManifest(issuer, fixtureOrigin),
          chatManifest(issuer),
        ],
        env: { SWITCHBOARD_WEBHOOK_SECRETS: `${BOOKS}=${VERIFIER},${CHAT}=${SIGNING_SECRET}` },
        idpMiddleware: [workspaceInTokenResponse],
      });
      // Intuit's company info answers only for a company the token's user may read.
      const jwks = createRemoteJWKSet(new URL(`${world.idp.issuer}/jwks`));
      world.fixture.reply(async (request) => {
        const match = /^\/v3\/company\/([^/]+)\/companyinfo\/([^/?]+)$/.exec(request.path);
        if (!match || match[1] !== match[2]) return json(404, { Fault: { type: 'ValidationFault' } });
        const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
        const subject = await jwtVerify(token, jwks, { issuer: world.idp.issuer }).then(
          (verified) => verified.payload.sub ?? '',
          () => null,
        );
        if (subject === null) return json(401, { Fault: { type: 'AUTHENTICATION' } });
        const realm = decodeURIComponent(match[1]!);
        return REALMS_OF[subject]?.includes(realm)
          ? json(200, { CompanyInfo: { CompanyName: `Company ${realm}`, Id: '1' } })
          : json(403, { Fault: { Error: [{ Message: 'ApplicationAuthorizationFailed', code: '3100' }] } });
      });
      for (const tenant of ['books-a', 'books-b', 'chat-c', 'chat-d']) await registerTenant(world, tenant);
    });
    afterAll(async () => {
      expect(world?.idp.serverErrors).toEqual([]);
      await world?.close();
    });

    /** Through the provider's pages and our callback; `params` are added to the callback as a browser could. */
    async function connect(
      tenant: string,
      provider: string,
      login: string,
      params: Record<string, string> = {},
    ) {
      const { callbackUrl } = await authorize(world, tenant, { provider, login });
      for (const [name, value] of Object.entries(params)) callbackUrl.searchParams.set(name, value);
      const landing = await followCallback(callbackUrl);
      const back = landing.kind === 'callback' ? landing.url : null;
      const connectionId = back?.searchParams.get('connection_id');
      expect(back?.searchParams.get('error') ?? null).toBeNull();
      const read = await world.hub.request(ConnectionDocument, { id: connectionId! }, asOperator(tenant));
      return read.data!.connection!;
    }
    const booksDelivery = (body: string) =>
      post(`${world.hub.url}/webhooks/${BOOKS}`, intuitHeaders(VERIFIER, body), body);
    /** Each tenant's signals of a provider: connection and the realms (or team) in their payloads. */
    async function signalsOf(tenant: string, provider: string) {
      await settled(world.hub);
      const result = await world.hub.request(
        SignalsDocument,
        { filter: { provider }, includePayload: true, first: 50 },
        asOperator(tenant),
      );
      return result.data!.signals.edges.map(({ node }) => ({
        connectionId: node.connectionId,
        payload: node.payload as {
          eventNotifications?: Array<{ realmId: string; dataChangeEvent: unknown }>;
        },
      }));
    }
    async function accountEvents(provider: string, accountId: string) {
      const events = [];
      for await (const event of world.hub.runtime.eventStore.readStream(
        providerAccountStream(provider, accountId),
      ))
        events.push({
          type: event.type,
          data: event.data as Record<string, unknown>,
          actor: event.metadata.actor,
        });
      return events;
    }
    let bookA: string;
    let bookB: string;

    it('does not bind a realmId edited in the callback: the victim keeps its webhooks', async () => {
      const a = await connect('books-a', BOOKS, 'alice', { realmId: REALM_A });
      expect(a).toMatchObject({ status: 'ACTIVE', accountId: REALM_A, webhookRouting: 'BOUND' });
      bookA = a.id;
      // Tenant B signs in as its own user and puts tenant A's company into its callback.
      const b = await connect('books-b', BOOKS, 'mallory', { realmId: REALM_A });
      expect(b).toMatchObject({ status: 'ACTIVE', accountId: REALM_A, webhookRouting: 'UNVERIFIED' });
      expect(world.fixture.requests.map((request) => request.path)).toEqual([
        `/v3/company/${REALM_A}/companyinfo/${REALM_A}`,
        `/v3/company/${REALM_A}/companyinfo/${REALM_A}`,
      ]);
      expect(await accountEvents(BOOKS, REALM_A)).toMatchObject([
        {
          type: 'ProviderAccountBound',
          data: { tenantId: 'books-a', connectionId: a.id, proof: 'account_verification' },
        },
        {
          type: 'ProviderAccountClaimUnverified',
          data: {
            tenantId: 'books-b',
            connectionId: b.id,
            reason: 'verification_failed',
            detail: 'the verification answered HTTP 403',
          },
        },
      ]);

      const delivered = await booksDelivery(notificationsFor({ realmId: REALM_A, entityId: 'a-1' }));
      expect(delivered).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect((await signalsOf('books-a', BOOKS)).map((signal) => signal.connectionId)).toEqual([a.id]);
      expect(await signalsOf('books-b', BOOKS)).toEqual([]);
    });

    it("splits a batch of two tenants' realms: each tenant gets only its own entities", async () => {
      const b = await connect('books-b', BOOKS, 'mallory', { realmId: REALM_B });
      expect(b).toMatchObject({ accountId: REALM_B, webhookRouting: 'BOUND' });
      bookB = b.id;
      const body = notificationsFor(
        { realmId: REALM_A, entityId: 'a-2' },
        { realmId: REALM_B, entityId: 'b-1' },
        { realmId: '9341453126', entityId: 'nobody-1' },
      );
      const delivered = await booksDelivery(body);
      expect(delivered.status).toBe(200);
      expect(delivered.body).toMatchObject({
        status: 'accepted',
        parts: [
          { account: REALM_A, status: 'accepted' },
          { account: REALM_B, status: 'accepted' },
          { account: '9341453126', status: 'dead_lettered' },
        ],
      });
      expect(delivered.body['signals']).toHaveLength(2);
      const entityIds = (signals: Awaited<ReturnType<typeof signalsOf>>) =>
        signals.flatMap((signal) =>
          (signal.payload.eventNotifications ?? []).map((n) => [
            n.realmId,
            (n.dataChangeEvent as { entities: Array<{ id: string }> }).entities[0]!.id,
          ]),
        );
      expect(entityIds(await signalsOf('books-a', BOOKS))).toEqual([
        [REALM_A, 'a-2'],
        [REALM_A, 'a-1'],
      ]);
      expect(entityIds(await signalsOf('books-b', BOOKS))).toEqual([[REALM_B, 'b-1']]);
      expect((await signalsOf('books-b', BOOKS)).map((signal) => signal.connectionId)).toEqual([bookB]);
      // Intuit resends the batch: recorded once, answered with the ids the first delivery got.
      const resent = await booksDelivery(body);
      expect(resent.body).toMatchObject({ status: 'duplicate' });
      expect([...(resent.body['signals'] as string[])].sort()).toEqual(
        [...(delivered.body['signals'] as string[])].sort(),
      );
    });

    it('releases the binding on revocation; the same tenant reconnecting binds again, the impostor never', async () => {
      const revoked = await world.hub.request(RevokeConnectionDocument, { id: bookA }, asOperator('books-a'));
      expect(revoked.data?.revokeConnection.connection).toMatchObject({
        status: 'REVOKED',
        webhookRouting: 'RELEASED',
      });
      // Tenant B's unverified claim on the realm does not inherit it.
      const orphan = await booksDelivery(notificationsFor({ realmId: REALM_A, entityId: 'a-3' }));
      expect(orphan).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
      const again = await connect('books-a', BOOKS, 'alice', { realmId: REALM_A });
      expect(again).toMatchObject({ webhookRouting: 'BOUND' });
      expect(await booksDelivery(notificationsFor({ realmId: REALM_A, entityId: 'a-4' }))).toMatchObject({
        status: 200,
      });
      expect((await signalsOf('books-a', BOOKS))[0]?.connectionId).toBe(again.id);
      expect(await signalsOf('books-b', BOOKS)).toHaveLength(1);
    });

    it('refuses a second tenant authorizing the same workspace; only an operator moves it, and routing follows', async () => {
      const c = await connect('chat-c', CHAT, `ana@${TEAM}`);
      expect(c).toMatchObject({ accountId: TEAM, webhookRouting: 'BOUND' });
      const d = await connect('chat-d', CHAT, `ben@${TEAM}`);
      expect(d).toMatchObject({ status: 'ACTIVE', accountId: TEAM, webhookRouting: 'CONFLICT' });
      const deliver = (eventId: string) => {
        const body = JSON.stringify({ ...slackEvent, event_id: eventId });
        return post(`${world.hub.url}/webhooks/${CHAT}`, slackHeaders(SIGNING_SECRET, body), body);
      };
      expect(await deliver('Ev0000000001')).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect((await signalsOf('chat-c', CHAT)).map((signal) => signal.connectionId)).toEqual([c.id]);
      expect(await signalsOf('chat-d', CHAT)).toEqual([]);

      const binding = await world.hub.request(
        ProviderAccountBindingDocument,
        { provider: CHAT, accountId: TEAM },
        asOperator(),
      );
      expect(binding.data?.providerAccountBinding).toMatchObject({
        tenantId: 'chat-c',
        connectionId: c.id,
        state: 'BOUND',
      });
      const moved = await world.hub.request(
        MoveProviderAccountBindingDocument,
        { input: { provider: CHAT, accountId: TEAM, connectionId: d.id } },
        asOperator(),
      );
      expect(moved.errors).toBeUndefined();
      expect(moved.data?.moveProviderAccountBinding).toMatchObject({
        tenantId: 'chat-d',
        connectionId: d.id,
        state: 'BOUND',
        proof: 'operator',
      });
      const wrongAccount = await world.hub.request(
        MoveProviderAccountBindingDocument,
        { input: { provider: CHAT, accountId: 'T0THER', connectionId: c.id } },
        asOperator(),
      );
      expect(codes(wrongAccount)).toEqual(['BAD_USER_INPUT']);
      expect((await accountEvents(CHAT, TEAM)).map(({ type, actor }) => [type, actor.split(':')[0]])).toEqual(
        [
          ['ProviderAccountBound', 'system'],
          ['ProviderAccountBindingRefused', 'system'],
          ['ProviderAccountBindingMoved', 'operator'],
        ],
      );
      const read = await world.hub.request(ConnectionDocument, { id: c.id }, asOperator('chat-c'));
      expect(read.data?.connection?.webhookRouting).toBe('RELEASED');

      expect(await deliver('Ev0000000002')).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect((await signalsOf('chat-d', CHAT)).map((signal) => signal.connectionId)).toEqual([d.id]);
      expect(await signalsOf('chat-c', CHAT)).toHaveLength(1);
    });
  },
);
