import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_FAILED_ATTEMPTS } from '../../src/connections/connect-session/store.js';
import { CreateConnectSessionDocument } from '../../src/generated/graphql.js';
import { framingAllowed } from '../../src/http/security-headers.js';
import { keysManifest } from '../connections/world.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { writeProvidersFile } from '../support/loopback-providers.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const KEYS = 'pages-keys';

it('takes a page as framable only when its frame-ancestors names someone', () => {
  expect(framingAllowed("default-src 'none'; frame-ancestors 'none'")).toBe(false);
  expect(framingAllowed("default-src 'none'")).toBe(false);
  expect(framingAllowed("default-src 'none'; frame-ancestors https://app.example.com")).toBe(true);
  expect(framingAllowed("frame-ancestors 'self'; base-uri 'none'")).toBe(true);
});

describeWithPostgres('Connect pages over HTTP (PostgreSQL)', () => {
  let hub: TestHub;
  let file: Awaited<ReturnType<typeof writeProvidersFile>>;
  const tenant = 'pages-a';

  beforeAll(async () => {
    file = await writeProvidersFile([
      // Markup in the name: the page must show it as text.
      { ...keysManifest('http://127.0.0.1:9'), id: KEYS, displayName: 'Pages <Keys>' },
    ]);
    hub = await startTestHub({
      env: {
        SWITCHBOARD_PROVIDERS_FILE: file.path,
        SWITCHBOARD_CONNECT_FRAME_ANCESTORS: "https://app.example.com,'self'",
      },
    });
    await registerTenant(hub, tenant);
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await file?.remove();
  });

  const session = async () => {
    const result = await hub.request(
      CreateConnectSessionDocument,
      { input: { allowedProviders: [KEYS] } },
      asOperator(tenant),
    );
    expect(result.errors).toBeUndefined();
    return result.data!.createConnectSession;
  };

  it('may be framed by the configured ancestors, and X-Frame-Options does not say otherwise', async () => {
    const { url } = await session();
    const page = await fetch(url.replace(/^https?:\/\/[^/]+/, hub.url));
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("frame-ancestors https://app.example.com 'self'");
    expect(policy).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(page.headers.get('x-frame-options')).toBeNull();
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    // The display name is data: escaped, never markup.
    const html = await page.text();
    expect(html).toContain('Pages &lt;Keys&gt;');
    expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
  });

  it('refuses a form without the session CSRF token, and stores nothing', async () => {
    const { token } = await session();
    const post = (body: string) =>
      fetch(`${hub.url}/connect/${token}/providers/${KEYS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        redirect: 'manual',
      });
    for (const body of ['apiKey=k', 'csrf=&apiKey=k', `csrf=${'x'.repeat(43)}&apiKey=k`]) {
      const response = await post(body);
      expect(response.status, body).toBe(403);
      expect(await response.text()).toContain('The form could not be verified');
    }
    const connections = await hub.runtime.readModels.prisma.connection.count({ where: { tenantId: tenant } });
    expect(connections).toBe(0);
    const other = await fetch(`${hub.url}/connect/${token}/providers/github`);
    expect(other.status).toBe(404);
  });

  it('spends a link after ten failed credential attempts, so it cannot be used to try keys', async () => {
    const { token } = await session();
    const form = await (await fetch(`${hub.url}/connect/${token}/providers/${KEYS}`)).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(form)?.[1];
    expect(csrf).toBeTruthy();
    const attempt = () =>
      fetch(`${hub.url}/connect/${token}/providers/${KEYS}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrf!, apiKey: 'not-the-key' }).toString(),
        redirect: 'manual',
      });
    // The provider (127.0.0.1:9) never answers its test request: each attempt fails.
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) expect((await attempt()).status).not.toBe(429);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many attempts');
    expect(await hub.runtime.readModels.prisma.connection.count({ where: { tenantId: tenant } })).toBe(0);
  });
});
