import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { PERMISSIONS } from '../../src/auth/principal.js';

/**
 * A real authorization server for tests: oidc-provider 9 on 127.0.0.1 (random port), issuing
 * RFC 9068 JWT access tokens over HTTP. One per suite: start it in beforeAll, close it in afterAll.
 *
 * Clients: one without a tenant (the default for tokenFor), one per tenant in `tenants` (their
 * tokens carry a `tenant_id` claim, taken from the client's metadata), and any raw oidc-provider
 * client metadata in `clients`, e.g. an authorization-code + PKCE client for the OAuth broker tests.
 * `features` and `configuration` are merged over the defaults for flows not enabled here (auth code
 * with devInteractions or custom interactions, refresh-token rotation, revocation, ...).
 *
 * Tokens and secrets are never logged; token request failures report only OAuth error codes.
 */

export interface StartOidcProviderOptions {
  /** The resource server's identifier: the `aud` of tokens. Must be an absolute URI. */
  audience?: string;
  /** One client_credentials client per tenant id, whose tokens carry `tenant_id`. */
  tenants?: readonly string[];
  /** Extra clients as oidc-provider metadata (`tenant_id` is honoured here too). */
  clients?: ReadonlyArray<Record<string, unknown>>;
  /** Scopes the resource server grants; others are dropped from tokens. Default: every Permission. */
  scopes?: readonly string[];
  accessTokenTtlSeconds?: number;
  /** Default 0 (random). A fixed port lets a test point a verifier at an issuer before it runs. */
  port?: number;
  /** Each feature given replaces its default entry (defaults: clientCredentials, resourceIndicators, devInteractions off). */
  features?: Record<string, unknown>;
  /**
   * Any other oidc-provider configuration. `ttl` and `extraClientMetadata` are merged per key and
   * `extraTokenClaims` is combined with the tenant claim; everything else replaces the default.
   */
  configuration?: Record<string, unknown>;
  /**
   * Koa middleware around every request (oidc-provider's `provider.use`), for a provider's quirks
   * a test must reproduce, e.g. extra fields in token responses.
   */
  middleware?: ReadonlyArray<(context: OidcKoaContext, next: () => Promise<void>) => Promise<void>>;
}

/** The part of oidc-provider's Koa context a middleware here reads or writes. */
export interface OidcKoaContext {
  path: string;
  body: unknown;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  tenantId: string | null;
}

export interface TokenRequest {
  scopes: readonly string[];
  /** Picks the client registered for this tenant (see `tenants`). */
  tenantId?: string;
  clientId?: string;
  /** A resource indicator other than the default audience, e.g. to mint a token for another API. */
  audience?: string;
}

export interface OidcProviderHarness {
  issuer: string;
  audience: string;
  clients: readonly TestClient[];
  /** A real access token from the token endpoint (client_credentials grant). */
  tokenFor(request: TokenRequest): Promise<string>;
  /** Signs with a new key from now on; old keys stay published, as in a real rotation. */
  rotateKeys(): Promise<void>;
  /** The kid new tokens are signed with. */
  readonly signingKeyId: string;
  /** Public JWKS as served (for tests that forge tokens with the wrong algorithm). */
  publicJwks(): JWK[];
  /** Errors the provider raised internally (500s); a healthy test leaves this empty. */
  readonly serverErrors: readonly Error[];
  /** The live oidc-provider instance, for flows this harness does not wrap yet. */
  readonly provider: OidcProviderInstance;
  close(): Promise<void>;
}

/** The part of oidc-provider's API used here (the package ships no types). */
export interface OidcProviderInstance {
  readonly issuer: string;
  callback(): (request: IncomingMessage, response: ServerResponse) => void;
  on(event: 'server_error', listener: (context: unknown, error: Error) => void): unknown;
}
type OidcProviderConstructor = new (
  issuer: string,
  configuration: Record<string, unknown>,
) => OidcProviderInstance;
type AdapterFactory = (clockTolerance?: number) => unknown;

interface ClientContext {
  oidc?: { client?: { metadata(): Record<string, unknown> } };
}

const DEFAULT_AUDIENCE = 'https://api.switchboard.test';
const DEFAULT_CLIENT_ID = 'switchboard-test';

export async function startOidcProvider(
  options: StartOidcProviderOptions = {},
): Promise<OidcProviderHarness> {
  const { Provider, createMemoryAdapter } = await loadOidcProvider();
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const ttl = options.accessTokenTtlSeconds ?? 300;
  const resourceScopes = options.scopes ?? PERMISSIONS;
  const clients: TestClient[] = [
    { clientId: DEFAULT_CLIENT_ID, clientSecret: secret(), tenantId: null },
    ...(options.tenants ?? []).map((tenantId) => ({
      clientId: `tenant-${tenantId}`,
      clientSecret: secret(),
      tenantId,
    })),
  ];
  const clientMetadata = [
    ...clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
      ...(client.tenantId === null ? {} : { tenant_id: client.tenantId }),
    })),
    ...(options.clients ?? []),
  ];
  for (const extra of options.clients ?? []) {
    if (typeof extra['client_id'] === 'string' && typeof extra['client_secret'] === 'string') {
      const tenantId = typeof extra['tenant_id'] === 'string' ? extra['tenant_id'] : null;
      clients.push({ clientId: extra['client_id'], clientSecret: extra['client_secret'], tenantId });
    }
  }

  const server = http.createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // Shared by every provider instance of this harness, so rotating keys keeps grants and sessions.
  const adapter = createMemoryAdapter(0);
  const cookieKeys = [secret()];
  const signingKeys: JWK[] = [await newSigningKey()];
  const serverErrors: Error[] = [];

  const features = {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Without resource indicators oidc-provider issues opaque access tokens; with them, JWTs.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_context: unknown, resourceIndicator: string) => ({
        scope: resourceScopes.join(' '),
        audience: resourceIndicator,
        accessTokenTTL: ttl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
    ...options.features,
  };
  const configurationOverrides = options.configuration ?? {};
  const extraTokenClaims: unknown = configurationOverrides['extraTokenClaims'];
  const extraProperties = (
    configurationOverrides['extraClientMetadata'] as { properties?: string[] } | undefined
  )?.properties;

  function createProvider(): OidcProviderInstance {
    const configuration = {
      adapter,
      clients: clientMetadata,
      cookies: { keys: cookieKeys },
      features,
      findAccount: (_context: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id }) }),
      scopes: ['openid', 'offline_access', ...resourceScopes],
      ...configurationOverrides,
      jwks: { keys: signingKeys },
      extraClientMetadata: {
        ...(configurationOverrides['extraClientMetadata'] as object | undefined),
        properties: ['tenant_id', ...(extraProperties ?? [])],
      },
      // The tenant claim comes from the client that asked: a tenant's client gets tokens for that tenant.
      extraTokenClaims: async (context: ClientContext, token: unknown) => {
        const tenantId = context.oidc?.client?.metadata()['tenant_id'];
        const extra: unknown =
          typeof extraTokenClaims === 'function' ? await extraTokenClaims(context, token) : undefined;
        return {
          ...(extra as object | undefined),
          ...(typeof tenantId === 'string' ? { tenant_id: tenantId } : {}),
        };
      },
      ttl: {
        // Explicit TTLs also keep oidc-provider from printing "you SHOULD change it" notices.
        AuthorizationCode: 60,
        Grant: 3600,
        IdToken: 3600,
        Interaction: 600,
        RefreshToken: 86_400,
        Session: 3600,
        AccessToken: (_c: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
          token.resourceServer?.accessTokenTTL ?? ttl,
        ClientCredentials: (_c: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
          token.resourceServer?.accessTokenTTL ?? ttl,
        ...(configurationOverrides['ttl'] as object | undefined),
      },
    };
    // A suite that enables devInteractions asked for them (OAuth flow tests walk their pages).
    const provider = withoutWarning('devInteractions is enabled', () => new Provider(issuer, configuration));
    for (const middleware of options.middleware ?? []) {
      (provider as unknown as { use(fn: typeof middleware): void }).use(middleware);
    }
    // Only the error itself: the context holds request bodies (client secrets, codes).
    provider.on('server_error', (_context, error) => {
      serverErrors.push(error);
      console.error(`oidc-provider server_error: ${error.message}`);
    });
    return provider;
  }

  let provider: OidcProviderInstance;
  let handler: ReturnType<OidcProviderInstance['callback']>;
  let tokenEndpoint: string;
  try {
    provider = createProvider();
    handler = provider.callback();
    tokenEndpoint = await discoverTokenEndpoint(issuer);
  } catch (error) {
    // A bad configuration must not leave a listening server behind.
    server.close();
    throw error;
  }

  return {
    issuer,
    audience,
    clients,
    serverErrors,
    get provider() {
      return provider;
    },
    get signingKeyId() {
      return String(signingKeys[0]?.kid);
    },
    publicJwks: () => signingKeys.map(({ kty, kid, alg, use, n, e }) => ({ kty, kid, alg, use, n, e })),
    async tokenFor(request) {
      const client = pickClient(clients, request);
      const body = new URLSearchParams({ grant_type: 'client_credentials' });
      if (request.scopes.length > 0) body.set('scope', request.scopes.join(' '));
      if (request.audience) body.set('resource', request.audience);
      const credentials = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`;
      const response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
      });
      const json: unknown = await response.json();
      const record = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
      if (!response.ok || typeof record['access_token'] !== 'string') {
        throw new Error(
          `token request for ${client.clientId} failed: HTTP ${response.status} ${String(record['error'])} ${String(record['error_description'] ?? '')}`,
        );
      }
      return record['access_token'];
    },
    async rotateKeys() {
      signingKeys.unshift(await newSigningKey());
      provider = createProvider();
      handler = provider.callback();
    },
    async close() {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function pickClient(clients: readonly TestClient[], request: TokenRequest): TestClient {
  const client = request.clientId
    ? clients.find((candidate) => candidate.clientId === request.clientId)
    : clients.find((candidate) => candidate.tenantId === (request.tenantId ?? null));
  if (!client) {
    throw new Error(
      `no test client for ${request.clientId ?? `tenant ${request.tenantId}`}: register it in startOidcProvider`,
    );
  }
  if (request.tenantId !== undefined && client.tenantId !== request.tenantId) {
    throw new Error(
      `client ${client.clientId} is registered for tenant ${client.tenantId}, not ${request.tenantId}`,
    );
  }
  return client;
}

async function discoverTokenEndpoint(issuer: string): Promise<string> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  const metadata = (await response.json()) as { token_endpoint?: unknown };
  if (typeof metadata.token_endpoint !== 'string')
    throw new Error('oidc-provider published no token_endpoint');
  return metadata.token_endpoint;
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    ...(await exportJWK(privateKey)),
    kid: randomBytes(8).toString('base64url'),
    alg: 'RS256',
    use: 'sig',
  };
}

function secret(): string {
  return randomBytes(24).toString('base64url');
}

const PROVIDER_MODULE: string = 'oidc-provider';
const MEMORY_ADAPTER_MODULE: string = 'oidc-provider/lib/adapters/memory_adapter.js';

let loaded: Promise<{ Provider: OidcProviderConstructor; createMemoryAdapter: AdapterFactory }> | undefined;

/**
 * oidc-provider 9 warns "Unsupported runtime" when it is imported on Node 20 (it targets 22+; every
 * feature used here works on 20). That one line is dropped; every other warning still shows.
 *
 * Its in-memory adapter is taken from its own module (the package has no export map, so the path
 * is reachable): passing our own instance of it avoids the "development-only adapter" warning and
 * lets several provider instances (key rotation) share one store.
 */
function loadOidcProvider() {
  loaded ??= (async () => {
    // The package ships no types and @types/oidc-provider is not a dependency: importing through
    // a variable keeps tsc from asking for declarations; the results are typed just above.
    const providerModule: { default: OidcProviderConstructor } = await withoutWarning(
      'Unsupported runtime',
      () => import(PROVIDER_MODULE),
    );
    const adapterModule: { createMemoryAdapter: AdapterFactory } = await import(MEMORY_ADAPTER_MODULE);
    return { Provider: providerModule.default, createMemoryAdapter: adapterModule.createMemoryAdapter };
  })();
  return loaded;
}

/** Runs `action` with one known oidc-provider warning dropped; every other warning still shows. */
function withoutWarning<T>(text: string, action: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING:') && args[0].includes(text))
      return;
    warn(...args);
  };
  const restore = () => {
    console.warn = warn;
  };
  try {
    const result = action();
    if (result instanceof Promise) {
      result.then(restore, restore);
    } else restore();
    return result;
  } catch (error) {
    restore();
    throw error;
  }
}
