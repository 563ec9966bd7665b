import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectSession } from '../../src/connections/connect-session/create.js';
import {
  ConfigureIntegrationDocument,
  CreateConnectSessionDocument,
  CurrentTenantDocument,
} from '../../src/generated/graphql.js';
import { createLineCensor } from '../../src/platform/log-censor.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { writeProvidersFile } from '../support/loopback-providers.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const APP = 'https://app.test/connected';
const KEYS = 'cs-keys';
const IDP = 'cs-idp';

const providers = [
  {
    id: KEYS,
    displayName: 'Session Keys',
    categories: ['testing'],
    auth: { mode: 'api_key', apiKey: { in: 'header', name: 'X-Api-Key' } },
    scopes: [],
    api: { baseUrl: 'http://127.0.0.1:9/v1' },
  },
  {
    id: IDP,
    displayName: 'Session IdP',
    categories: ['testing'],
    auth: {
      mode: 'oauth2',
      authorizationUrl: 'http://127.0.0.1:9/auth',
      tokenUrl: 'http://127.0.0.1:9/token',
    },
    scopes: [{ id: 'files.read', description: 'Read files.' }],
    api: { baseUrl: 'http://127.0.0.1:9' },
  },
];

describeWithPostgres('createConnectSession (PostgreSQL)', () => {
  let hub: TestHub;
  let file: Awaited<ReturnType<typeof writeProvidersFile>>;
  const lines: string[] = [];
  const tenant = 'cs-a';

  beforeAll(async () => {
    file = await writeProvidersFile(providers);
    hub = await startTestHub({
      env: {
        SWITCHBOARD_PROVIDERS_FILE: file.path,
        SWITCHBOARD_REDIRECT_ALLOWLIST: APP,
        SWITCHBOARD_PUBLIC_URL: 'https://hub.example.test',
        LOG_LEVEL: 'info',
      },
      logDestination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    });
    await registerTenant(hub, tenant);
    await registerTenant(hub, 'cs-b');
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await file?.remove();
  });

  const create = (input: Record<string, unknown>, headers = asOperator(tenant)) =>
    hub.request(CreateConnectSessionDocument, { input }, headers);

  it('answers a random token, the public URL of its page and a 30-minute expiry; only its hash is stored', async () => {
    const before = Date.now();
    const result = await create({ allowedProviders: [KEYS], redirectUri: `${APP}/done` });
    expect(result.errors).toBeUndefined();
    const { token, url, expiresAt } = result.data!.createConnectSession;
    expect(token).toMatch(/^sbcs_[A-Za-z0-9_-]{43}$/);
    expect(url).toBe(`https://hub.example.test/connect/${token}`);
    const lifetime = new Date(expiresAt).getTime() - before;
    expect(lifetime).toBeGreaterThan(29 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000 + 5_000);
    const kv = hub.runtime.connections.deps.kv;
    const stored = await kv.get(`connect-session:${createHash('sha256').update(token).digest('hex')}`);
    expect(stored).not.toBeNull();
    expect(stored).not.toContain(token);
    expect(JSON.parse(stored!)).toMatchObject({
      tenantId: tenant,
      providers: [{ id: KEYS, method: 'api_key' }],
    });
  });

  it('is a tenant-scoped mutation that needs connections:write', async () => {
    expect(codes(await create({ allowedProviders: [KEYS] }, {}))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await create({ allowedProviders: [KEYS] }, asOperator()))).toEqual([
      'TENANT_HEADER_REQUIRED',
    ]);
    expect(codes(await create({ allowedProviders: [KEYS] }, asOperator('cs-nobody')))).toEqual([
      'TENANT_NOT_FOUND',
    ]);
  });

  it('refuses the token as an API credential, over HTTP and for every operation', async () => {
    const { token } = (await create({ allowedProviders: [KEYS] })).data!.createConnectSession;
    const asSession = await hub.request(CurrentTenantDocument, {}, bearer(token, tenant));
    expect(asSession.status).toBe(401);
    expect(codes(asSession)).toEqual(['UNAUTHENTICATED']);
    expect(codes(await create({ allowedProviders: [KEYS] }, bearer(token, tenant)))).toEqual([
      'UNAUTHENTICATED',
    ]);
    const proxy = await fetch(`${hub.url}/proxy/${KEYS}/v1/me`, { headers: bearer(token, tenant) });
    expect(proxy.status).toBe(401);
  });

  it('checks the redirectUri against the redirect allowlist', async () => {
    const off = await create({ allowedProviders: [KEYS], redirectUri: 'https://evil.test/connected' });
    expect(codes(off)).toEqual(['BAD_USER_INPUT']);
    expect(off.errors?.[0]?.message).toContain('not on the redirect allowlist');
    expect(codes(await create({ allowedProviders: [KEYS], redirectUri: 'javascript:alert(1)' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
  });

  it('checks each provider: in the catalog, and with an OAuth app for the tenant when OAuth is its only way', async () => {
    expect(codes(await create({ allowedProviders: ['no-such-provider'] }))).toEqual([
      'PROVIDER_NOT_SUPPORTED',
    ]);
    const noApp = await create({ allowedProviders: [IDP] });
    expect(codes(noApp)).toEqual(['BAD_USER_INPUT']);
    expect(noApp.errors?.[0]?.message).toContain('No OAuth app is configured');
    expect(codes(await create({ allowedProviders: [] }))).toEqual(['BAD_USER_INPUT']);
    const configured = await hub.request(
      ConfigureIntegrationDocument,
      {
        input: {
          provider: IDP,
          clientId: 'cs-client',
          clientSecret: 'cs-secret-0123456789',
          tenantId: tenant,
        },
      },
      asOperator(),
    );
    expect(configured.errors).toBeUndefined();
    expect((await create({ allowedProviders: [IDP, KEYS] })).errors).toBeUndefined();
    // The app is this tenant's only: another tenant still cannot offer OAuth.
    expect(codes(await create({ allowedProviders: [IDP] }, asOperator('cs-b')))).toEqual(['BAD_USER_INPUT']);
  });

  it('bounds the lifetime between a minute and a day', async () => {
    for (const expiresInSeconds of [0, 59, 86_401]) {
      expect(
        codes(await create({ allowedProviders: [KEYS], expiresInSeconds })),
        String(expiresInSeconds),
      ).toEqual(['BAD_USER_INPUT']);
    }
    expect((await create({ allowedProviders: [KEYS], expiresInSeconds: 86_400 })).errors).toBeUndefined();
  });

  it('serves the page until the session expires, then a readable 410; an unknown token gets a 404', async () => {
    const { token } = (await create({ allowedProviders: [KEYS] })).data!.createConnectSession;
    const open = await fetch(`${hub.url}/connect/${token}`);
    expect(open.status).toBe(200);
    expect(await open.text()).toContain('Session Keys');

    const deps = hub.runtime.connections.deps;
    // Created two minutes ago for one minute: expired a minute ago.
    const stale = await createConnectSession(
      { ...deps, now: () => new Date(Date.now() - 120_000) },
      { actor: 'test', correlationId: 'test' },
      tenant,
      { allowedProviders: [KEYS], expiresInSeconds: 60 },
    );
    const expired = await fetch(`${hub.url}/connect/${stale.token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This connection link has expired');

    const unknown = await fetch(`${hub.url}/connect/sbcs_${'x'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('not valid');
  });

  it('never writes a session token to the logs', async () => {
    const { token } = (await create({ allowedProviders: [KEYS] })).data!.createConnectSession;
    await fetch(`${hub.url}/connect/${token}`);
    await fetch(`${hub.url}/connect/${token}/providers/${KEYS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=wrong&apiKey=k',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logged = lines.join('');
    expect(logged).toContain('/connect/');
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(token.slice(5));
    expect(createLineCensor()(`{"msg":"GET /connect/${token}/result","token2":"${token}"}`)).not.toContain(
      token.slice(5),
    );
  });
});
