import { EventEmitter } from 'node:events';
import type { GraphQLFormattedError } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Authenticator, createAuthenticator } from '../../src/auth/authenticate.js';
import type { Principal } from '../../src/auth/principal.js';
import { CurrentTenantDocument, RenameTenantDocument } from '../../src/generated/graphql.js';
import { CredentialEndedReason, guardSocketCredential } from '../../src/http/ws-auth.js';
import { asOperator, bearer, codes, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const TENANT = 'wsauth';
/** The JWT verifier's default leeway, which the hub runs with: HTTP accepts a token this long past `exp`. */
const CLOCK_TOLERANCE_MS = 5_000;
const TENANT_QUERY = { query: 'query { tenant { id name } }' };
const TENANT_EVENTS = { query: 'subscription { tenantEvents { type } }' };

/** The moment the hub stops accepting this JWT, over HTTP as over a socket. */
const acceptedUntil = (token: string) => (decodeJwt(token).exp ?? 0) * 1000 + CLOCK_TOLERANCE_MS;

interface Close {
  code: number;
  reason: string;
  at: number;
}

/** A graphql-ws client that holds its socket open (lazy: false), never retries, and records every close. */
function connect(hub: TestHub, connectionParams: Record<string, unknown>) {
  const closes: Close[] = [];
  let onFirstClose: (close: Close) => void = () => {};
  const firstClose = new Promise<Close>((resolve) => {
    onFirstClose = resolve;
  });
  const client = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => {},
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        closes.push({ code, reason: String(reason), at: Date.now() });
        onFirstClose(closes[0]!);
      },
    },
  });
  const acknowledged = new Promise<void>((resolve) => client.on('connected', () => resolve()));
  return { client, closes, firstClose, acknowledged };
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Outcome {
  data: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  /** The close code when the socket ended before the operation did. */
  closeCode: number | null;
}

/** One operation's outcome whatever it is: its data, its GraphQL errors, or the close that ended it. */
function outcome(client: Client, payload: { query: string; variables?: Record<string, unknown> }) {
  return new Promise<Outcome>((resolve) => {
    let data: Outcome['data'] = null;
    client.subscribe(payload, {
      next: (result) => {
        data = (result.data as Outcome['data']) ?? null;
      },
      error: (error) => {
        if (Array.isArray(error)) resolve({ data, errors: error, closeCode: null });
        else resolve({ data, closeCode: (error as { code?: number }).code ?? null });
      },
      complete: () => resolve({ data, closeCode: null }),
    });
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Renames the tenant every 300 ms (each rename is one TenantRenamed event) until `done`. */
async function renameUntil(hub: TestHub, done: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; !done(); n++) {
    if (Date.now() > deadline) throw new Error('no event delivered in time');
    await hub.request(RenameTenantDocument, { input: { id: TENANT, name: `ws auth ${n}` } }, asOperator());
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

describe('socket credential, alone', () => {
  /** A socket stand-in: the guard only listens for its close. */
  const socket = () => new EventEmitter() as never as WebSocket & EventEmitter;
  const operator: Principal = { kind: 'operator', id: 'abcd1234', permissions: new Set() };
  const authenticatorUntil = (until: Date | null): Authenticator => ({
    authenticate: async () => operator,
    acceptedUntil: () => until,
    status: () => ({ oidc: { state: 'disabled' }, operatorTokens: 1 }),
    warmUp: async () => true,
  });

  it('ends the socket with "token expired" when the credential stops being accepted', async () => {
    const ended: string[] = [];
    guardSocketCredential({
      socket: socket(),
      authorization: 'Bearer x',
      principal: operator,
      authenticator: authenticatorUntil(new Date(Date.now() + 150)),
      end: (reason) => ended.push(reason),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ended).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ended).toEqual([CredentialEndedReason.Expired]);
  });

  it('forgets the expiry once the socket closed, and waits out expiries beyond the 24.8-day timer limit', async () => {
    const ended: string[] = [];
    const closing = socket();
    guardSocketCredential({
      socket: closing,
      authorization: 'Bearer x',
      principal: operator,
      authenticator: authenticatorUntil(new Date(Date.now() + 100)),
      end: (reason) => ended.push(reason),
    });
    closing.emit('close');
    const distant = socket();
    guardSocketCredential({
      socket: distant,
      authorization: 'Bearer x',
      principal: operator,
      authenticator: authenticatorUntil(new Date(Date.now() + 30 * 86_400_000)),
      end: (reason) => ended.push(reason),
    });
    await new Promise((resolve) => setTimeout(resolve, 250));
    distant.emit('close');
    expect(ended).toEqual([]);
  });

  describe('with a real issuer', () => {
    let idp: OidcProviderHarness;
    beforeAll(async () => {
      idp = await startOidcProvider();
    });
    afterAll(async () => {
      await idp?.close();
    });

    it('refuses the operation and ends the socket once the JWT has expired', async () => {
      let now = new Date();
      const authenticator = createAuthenticator({
        operatorTokens: [],
        oidc: { issuer: idp.issuer, audience: idp.audience },
        jwt: { clock: () => now },
      });
      const authorization = `Bearer ${await idp.tokenFor({ scopes: ['audit:read'] })}`;
      const principal = (await authenticator.authenticate(authorization))!;
      const ended: string[] = [];
      const open = socket();
      const credential = guardSocketCredential({
        socket: open,
        authorization,
        principal,
        authenticator,
        end: (reason) => ended.push(reason),
      });
      expect(await credential.recheck()).toBeNull();

      now = new Date(authenticator.acceptedUntil(principal)!.getTime() + 1000);
      const refused = await credential.recheck();
      expect(refused?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      expect(ended).toEqual([CredentialEndedReason.Expired]);
      open.emit('close');
    });

    it('refuses only the operation, keeping the socket, while the issuer cannot be reached', async () => {
      const down = await startOidcProvider();
      const authenticator = createAuthenticator({
        operatorTokens: [],
        oidc: { issuer: down.issuer, audience: down.audience },
        // Refetch the keys on every request, so the outage is seen at once.
        jwt: { jwksMaxAgeMs: 0, requestTimeoutMs: 2_000 },
      });
      const authorization = `Bearer ${await down.tokenFor({ scopes: ['audit:read'] })}`;
      const principal = (await authenticator.authenticate(authorization))!;
      const ended: string[] = [];
      const open = socket();
      const credential = guardSocketCredential({
        socket: open,
        authorization,
        principal,
        authenticator,
        end: (reason) => ended.push(reason),
      });
      await down.close();
      const refused = await credential.recheck();
      expect(refused?.[0]?.extensions.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(ended).toEqual([]);
      open.emit('close');
    });
  });
});

describeWithPostgres('graphql-ws re-authentication with a real issuer and client (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;
  const clients: Client[] = [];
  const open = (params: Record<string, unknown>) => {
    const connection = connect(hub, params);
    clients.push(connection.client);
    return connection;
  };
  /** Tokens live 2 s (plus the 5 s tolerance): each test sees one expire. */
  const freshToken = () => idp.tokenFor({ scopes: ['audit:read', 'tenants:admin'], tenantId: TENANT });

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: [TENANT], accessTokenTtlSeconds: 2 });
    hub = await startTestHub({
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    await registerTenant(hub, TENANT);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await hub?.close();
    await idp?.close();
  });

  it('answers a query before the JWT expires; after, the socket is closed with 4401 and neither query nor mutation runs', async () => {
    const token = await freshToken();
    const { client, firstClose, acknowledged } = open({ authorization: `Bearer ${token}`, tenantId: TENANT });
    await within(acknowledged, 5_000, 'connection_ack');
    expect((await outcome(client, TENANT_QUERY)).data).toEqual({
      tenant: { id: TENANT, name: expect.any(String) },
    });
    const nameBefore = (await hub.request(CurrentTenantDocument, {}, asOperator(TENANT))).data?.tenant?.name;

    const close = await within(firstClose, 15_000, 'the socket to close at expiry');
    expect(close).toMatchObject({ code: 4401, reason: 'Unauthorized: token expired' });
    expect(close.at).toBeGreaterThanOrEqual(acceptedUntil(token) - 20);
    expect(close.at).toBeLessThan(acceptedUntil(token) + 2_500);
    // HTTP refuses the same token by then: the socket lasted exactly as long as a request would.
    expect(codes(await hub.request(CurrentTenantDocument, {}, bearer(token, TENANT)))).toEqual([
      'UNAUTHENTICATED',
    ]);

    const query = await outcome(client, TENANT_QUERY);
    expect(query).toMatchObject({ data: null, closeCode: 4401 });
    const mutation = await outcome(client, {
      query: 'mutation($input: RenameTenantInput!) { renameTenant(input: $input) { name } }',
      variables: { input: { id: TENANT, name: 'renamed after expiry' } },
    });
    expect(mutation).toMatchObject({ data: null, closeCode: 4401 });
    const nameAfter = (await hub.request(CurrentTenantDocument, {}, asOperator(TENANT))).data?.tenant?.name;
    expect(nameAfter).toBe(nameBefore);
  }, 30_000);

  it('ends a subscription that is streaming when its JWT expires, with 4401 at that moment', async () => {
    const token = await freshToken();
    const { client, firstClose, acknowledged } = open({ authorization: `Bearer ${token}`, tenantId: TENANT });
    await within(acknowledged, 5_000, 'connection_ack');
    const received: unknown[] = [];
    let ended: unknown;
    client.subscribe(TENANT_EVENTS, {
      next: (value) => received.push(value),
      error: (error) => {
        ended = error;
      },
      complete: () => {
        ended = 'completed';
      },
    });
    await renameUntil(hub, () => received.length > 0);

    const close = await within(firstClose, 15_000, 'the subscription to be closed at expiry');
    expect(close).toMatchObject({ code: 4401, reason: 'Unauthorized: token expired' });
    expect(close.at).toBeGreaterThanOrEqual(acceptedUntil(token) - 20);
    expect(close.at).toBeLessThan(acceptedUntil(token) + 2_500);
    await until(() => ended !== undefined, 'the subscription to end');
    expect(ended).toMatchObject({ code: 4401 });
    const delivered = received.length;
    await hub.request(RenameTenantDocument, { input: { id: TENANT, name: 'after the close' } }, asOperator());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toHaveLength(delivered);
  }, 30_000);

  it('goes on after a 4401 when the client subscribes again: its new socket presents a fresh token', async () => {
    const presented: string[] = [];
    const closes: Close[] = [];
    // As in the README: connectionParams is called for every socket the client opens.
    const client = createClient({
      url: hub.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: async () => {
        presented.push(await freshToken());
        return { authorization: `Bearer ${presented.at(-1)}`, tenantId: TENANT };
      },
      on: {
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          closes.push({ code, reason: String(reason), at: Date.now() });
        },
      },
    });
    clients.push(client);
    const events: unknown[] = [];
    const follow = (async () => {
      for (;;) {
        try {
          for await (const message of client.iterate(TENANT_EVENTS)) events.push(message);
          return;
        } catch (error) {
          if ((error as { code?: number }).code !== 4401) throw error;
        }
      }
    })();

    await renameUntil(hub, () => events.length > 0);
    await until(() => closes.length > 0, 'the socket to close at expiry', 15_000);
    expect(closes[0]).toMatchObject({ code: 4401, reason: 'Unauthorized: token expired' });

    const before = events.length;
    await renameUntil(hub, () => events.length > before);
    expect(presented).toHaveLength(2);
    expect(presented[1]).not.toBe(presented[0]);
    expect(closes).toHaveLength(1);
    await client.dispose();
    await within(follow, 5_000, 'the subscription to end on dispose');
  }, 30_000);

  it('closes a socket with 4401 at its next operation once its operator token is no longer accepted (a rotation)', async () => {
    // The token set is read at startup; this stands in for a configuration that replaced the token.
    const rotatedToken = 'rotated-operator-token-9876543210';
    const rotated = createAuthenticator({
      operatorTokens: [rotatedToken],
      oidc: { issuer: idp.issuer, audience: idp.audience },
    });
    const { client, firstClose, acknowledged } = open({
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      tenantId: TENANT,
    });
    await within(acknowledged, 5_000, 'connection_ack');
    expect((await outcome(client, TENANT_QUERY)).data).toMatchObject({ tenant: { id: TENANT } });

    const authenticator = hub.runtime.authenticator;
    const original = authenticator.authenticate;
    authenticator.authenticate = rotated.authenticate;
    try {
      const query = await outcome(client, TENANT_QUERY);
      expect(query).toMatchObject({ data: null, closeCode: 4401 });
      expect(await within(firstClose, 5_000, 'the close')).toMatchObject({
        code: 4401,
        reason: 'Unauthorized: token no longer valid',
      });

      const replacement = open({ authorization: `Bearer ${rotatedToken}`, tenantId: TENANT });
      await within(replacement.acknowledged, 5_000, 'connection_ack with the new token');
      expect((await outcome(replacement.client, TENANT_QUERY)).data).toMatchObject({
        tenant: { id: TENANT },
      });
    } finally {
      authenticator.authenticate = original;
    }
  }, 30_000);
});
