import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import {
  ConfigureIntegrationDocument,
  RegisterTenantDocument,
  StartConnectionDocument,
} from '../../src/generated/graphql.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { reservePort, writeProvidersFile } from '../support/loopback-providers.js';
import {
  type OidcProviderHarness,
  type StartOidcProviderOptions,
  startOidcProvider,
} from '../support/oidc-provider.js';
import { signInThroughProviderPages } from '../support/oidc-provider-login.js';
import { type ProviderFixture, startProviderFixture } from '../support/provider-fixture.js';
import { TestBrowser } from '../support/test-browser.js';

/**
 * The connections capability end to end, on loopback: a real OAuth server (oidc-provider 9 with
 * its login and consent pages, PKCE, rotating refresh tokens, short-lived access tokens and a
 * revocation endpoint) declared as a custom provider through SWITCHBOARD_PROVIDERS_FILE, an API-key
 * provider backed by a fixture server, and the hub over a scratch PostgreSQL database.
 */
export const IDP = 'loopback-idp';
export const KEYS = 'loopback-keys';
/** A client-credentials (oauth2_cc) provider whose token endpoint the fixture scripts (see tokenReplies). */
export const MACHINE = 'loopback-machine';
/** Where the caller's app wants its users back after the callback; the test browser stops there. */
export const APP_REDIRECT = 'https://app.test/connected';
export const API_KEY = `lbk_${randomBytes(24).toString('base64url')}`;
/** The same OAuth server declared without discovery: `auth.issuer` and RFC 9207's "always sends iss". */
export const PLAIN_IDP = 'loopback-idp-plain';
/** The same OAuth server declared with no issuer at all, although it sends `iss`. */
export const UNDECLARED_IDP = 'loopback-idp-undeclared';

export interface LoopbackWorld {
  hub: TestHub;
  idp: OidcProviderHarness;
  fixture: ProviderFixture;
  client: { clientId: string; clientSecret: string };
  /**
   * What the fixture's token endpoint (loopback-machine) answers next, one status per request;
   * 200 (a fresh token) once the list is empty. Every request is recorded in `fixture.requests`.
   */
  tokenReplies: number[];
  /** Successful and failed refresh_token grants the OAuth server has answered. */
  refreshGrants(): number;
  close(): Promise<void>;
}

function idpManifest(issuer: string) {
  return {
    id: IDP,
    displayName: 'Loopback IdP',
    categories: ['testing'],
    auth: {
      mode: 'oauth2',
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      revocationUrl: `${issuer}/token/revocation`,
      // Discovery gives the ID token (the provider account) and the RFC 9207 iss check.
      oidcIssuer: issuer,
      pkce: true,
      tokenResponse: { refreshTokenRotation: 'rotating' },
    },
    scopes: [
      { id: 'openid', description: 'Who the user is.' },
      { id: 'offline_access', description: 'Refresh tokens.' },
      { id: 'files.read', description: 'Read files.' },
      { id: 'files.write', description: 'Write, share and delete every file.' },
    ],
    scopePolicy: {
      internal: { 'documents.read': ['files.read'] },
      overBroad: {
        'files.write': { suggest: ['files.read'], reason: 'It can delete every file of the account.' },
      },
      alwaysRequest: ['openid', 'offline_access'],
    },
    api: { baseUrl: issuer },
  };
}

/** The OAuth server without discovery: `issuer` (and `issParameterSupported`) as the manifest declares them. */
function plainIdpManifest(id: string, issuer: string, declared: Record<string, unknown>) {
  const { auth, ...rest } = idpManifest(issuer);
  const { oidcIssuer: _discovery, ...plain } = auth;
  return { ...rest, id, displayName: `Loopback IdP (${id})`, auth: { ...plain, ...declared } };
}

/** An operator-declared API-key provider whose test request is GET <origin>/v1/me. */
export function keysManifest(origin: string) {
  return {
    id: KEYS,
    displayName: 'Loopback Keys',
    categories: ['testing'],
    auth: {
      mode: 'api_key',
      apiKey: { in: 'header', name: 'X-Api-Key' },
      testRequest: { method: 'GET', path: '/me', expectedStatus: 200 },
    },
    scopes: [],
    api: { baseUrl: `${origin}/v1` },
  };
}

function machineManifest(origin: string) {
  return {
    id: MACHINE,
    displayName: 'Loopback Machine',
    categories: ['testing'],
    auth: { mode: 'oauth2_cc', tokenUrl: `${origin}/oauth/token` },
    scopes: [{ id: 'reports.read', description: 'Read reports.' }],
    api: { baseUrl: `${origin}/v1` },
  };
}

interface GrantContext {
  oidc?: { params?: { grant_type?: unknown } };
}

export interface LoopbackWorldOptions {
  accessTokenTtlSeconds: number;
  /** More custom providers (authorization code, on the same OAuth server and client as IDP). */
  providers?: (servers: { issuer: string; fixtureOrigin: string }) => Array<{ id: string }>;
  /** More hub environment (SWITCHBOARD_WEBHOOK_SECRETS ...). */
  env?: Record<string, string>;
  /** Koa middleware for the OAuth server (see startOidcProvider). */
  idpMiddleware?: StartOidcProviderOptions['middleware'];
  /** More scopes the OAuth server grants (an extra provider's own, such as read:jira-work). */
  scopes?: string[];
}

export async function startLoopbackWorld(options: LoopbackWorldOptions): Promise<LoopbackWorld> {
  const [idpReservation, hubReservation] = [await reservePort(), await reservePort()];
  const [idpPort, hubPort] = [idpReservation.port, hubReservation.port];
  const issuer = `http://127.0.0.1:${idpPort}`;
  const fixture = await startProviderFixture();
  const tokenReplies: number[] = [];
  let issued = 0;
  fixture.reply((request) => {
    if (request.path === '/oauth/token') {
      const status = tokenReplies.shift() ?? 200;
      if (status !== 200) return { status, body: '{"error":"temporarily_unavailable"}' };
      const token = {
        access_token: `mach_${++issued}_${randomBytes(16).toString('hex')}`,
        token_type: 'Bearer',
        expires_in: 3600,
      };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(token) };
    }
    return request.headers['x-api-key'] === API_KEY
      ? { status: 200, body: '{"id":"me"}' }
      : { status: 401, body: '{}' };
  });
  const extraProviders = options.providers?.({ issuer, fixtureOrigin: fixture.origin }) ?? [];
  const providers = await writeProvidersFile([
    idpManifest(issuer),
    plainIdpManifest(PLAIN_IDP, issuer, { issuer, issParameterSupported: true }),
    plainIdpManifest(UNDECLARED_IDP, issuer, {}),
    keysManifest(fixture.origin),
    machineManifest(fixture.origin),
    ...extraProviders,
  ]);
  await hubReservation.release();
  const hub = await startTestHub({
    port: hubPort,
    env: {
      SWITCHBOARD_PROVIDERS_FILE: providers.path,
      SWITCHBOARD_PUBLIC_URL: `http://127.0.0.1:${hubPort}`,
      // The app's page every tenant's users come back to (redirect allowlist).
      SWITCHBOARD_REDIRECT_ALLOWLIST: APP_REDIRECT,
      ...options.env,
    },
  });
  // Tests drive the proactive refresher themselves (scanOnce), so its timing is theirs.
  await hub.runtime.connections.proactiveRefresher.stop();
  const client = { clientId: 'switchboard-hub', clientSecret: randomBytes(24).toString('base64url') };
  await idpReservation.release();
  const idp = await startOidcProvider({
    port: idpPort,
    scopes: ['files.read', 'files.write', ...(options.scopes ?? [])],
    accessTokenTtlSeconds: options.accessTokenTtlSeconds,
    clients: [
      {
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uris: [`${hub.url}/oauth/callback`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    features: {
      devInteractions: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, c: { clientId: string }, token: { clientId: string }) =>
          token.clientId === c.clientId,
      },
    },
    configuration: { rotateRefreshToken: true, issueRefreshToken: () => true },
    ...(options.idpMiddleware ? { middleware: options.idpMiddleware } : {}),
  });
  let refreshGrants = 0;
  const countRefresh = (context: GrantContext) => {
    if (context.oidc?.params?.grant_type === 'refresh_token') refreshGrants++;
  };
  const events = idp.provider as unknown as {
    on(event: string, listener: (context: GrantContext) => void): void;
  };
  events.on('grant.success', countRefresh);
  events.on('grant.error', countRefresh);

  for (const provider of [IDP, PLAIN_IDP, UNDECLARED_IDP, ...extraProviders.map((manifest) => manifest.id)]) {
    const configured = await hub.request(
      ConfigureIntegrationDocument,
      {
        input: {
          provider,
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          scopes: extraProviders.some((manifest) => manifest.id === provider) ? [] : ['documents.read'],
        },
      },
      asOperator(),
    );
    expect(configured.errors).toBeUndefined();
  }
  const machine = await hub.request(
    ConfigureIntegrationDocument,
    {
      input: {
        provider: MACHINE,
        clientId: 'machine-client',
        clientSecret: client.clientSecret,
        scopes: ['reports.read'],
      },
    },
    asOperator(),
  );
  expect(machine.errors).toBeUndefined();
  return {
    hub,
    idp,
    fixture,
    client,
    tokenReplies,
    refreshGrants: () => refreshGrants,
    async close() {
      await hub.close();
      await idp.close();
      await fixture.close();
      await providers.remove();
    },
  };
}

export async function registerTenant(world: LoopbackWorld, id: string): Promise<void> {
  const result = await world.hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
  expect(result.errors).toBeUndefined();
}

/** startConnection, then the provider's login and consent pages: returns our callback URL as the provider sent it. */
export async function authorize(
  world: LoopbackWorld,
  tenantId: string,
  options: {
    decision?: 'approve' | 'cancel';
    redirectUri?: string | null;
    login?: string;
    provider?: string;
    /** Internal or provider scopes; the integration's defaults when left out. */
    scopes?: string[];
  } = {},
) {
  const started = await world.hub.request(
    StartConnectionDocument,
    {
      input: {
        provider: options.provider ?? IDP,
        redirectUri: options.redirectUri === undefined ? APP_REDIRECT : options.redirectUri,
        ...(options.scopes ? { scopes: options.scopes } : {}),
      },
    },
    asOperator(tenantId),
  );
  expect(started.errors).toBeUndefined();
  const { connectionId, authorizeUrl, state } = started.data!.startConnection;
  const browser = new TestBrowser(`${world.hub.url}/oauth/callback`);
  const callbackUrl = await signInThroughProviderPages(browser, authorizeUrl, {
    login: options.login ?? 'alice',
    decision: options.decision,
  });
  return { connectionId, authorizeUrl, state, callbackUrl, browser };
}

/** The user's browser hitting our callback: where it is sent next (the caller's app, or our page). */
export async function followCallback(callbackUrl: URL) {
  const landing = await new TestBrowser(APP_REDIRECT).open(callbackUrl);
  return landing;
}

/** authorize + callback: an ACTIVE connection. */
export async function connect(world: LoopbackWorld, tenantId: string, login = 'alice'): Promise<string> {
  const { callbackUrl } = await authorize(world, tenantId, { login });
  const landing = await followCallback(callbackUrl);
  if (landing.kind !== 'callback')
    throw new Error(`no redirect back to the app: ${landing.page.html.slice(0, 200)}`);
  const connectionId = landing.url.searchParams.get('connection_id');
  if (!connectionId || landing.url.searchParams.get('error'))
    throw new Error(`connect failed: ${landing.url.href}`);
  return connectionId;
}
