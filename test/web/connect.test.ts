import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectSession } from '../../src/connections/connect-session/create.js';
import { ConnectionDocument, CreateConnectSessionDocument } from '../../src/generated/graphql.js';
import {
  API_KEY,
  IDP,
  KEYS,
  type LoopbackWorld,
  registerTenant,
  startLoopbackWorld,
} from '../connections/world.js';
import {
  collectPageErrors,
  describeWithBrowser,
  launchChromium,
  loopbackOnlyContext,
  type OffsiteRequests,
  screenshot,
} from '../support/browser.js';
import { asOperator } from '../support/hub.js';

/**
 * The Connect UI in Chromium, against the hub on loopback: a product's page (a small server here)
 * sends its user to a session's link, directly or in a popup; the user connects an API-key
 * provider (its test request answered by a fixture) and an OAuth provider (oidc-provider's own
 * login and consent pages), and the connections are ACTIVE.
 */
const TENANT = 'connect-ui';
/** oidc-provider's development pages (not ours) @import Google Fonts; nothing else may leave loopback. */
const IDP_FONTS = 'https://fonts.googleapis.com/';

interface ProductApp {
  origin: string;
  close(): Promise<void>;
}

/** The product: a landing page for redirects, and a page that opens the Connect link as a popup. */
async function startProductApp(): Promise<ProductApp> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://app');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    if (url.pathname === '/app/opener') {
      const connectUrl = url.searchParams.get('connect') ?? '';
      const hubOrigin = new URL(connectUrl).origin;
      response.end(`<!doctype html><title>Product</title>
<button id="open">Connect an account</button><pre id="received"></pre>
<script>
window.received = [];
window.addEventListener('message', (event) => {
  if (event.origin !== ${JSON.stringify(hubOrigin)}) return;
  window.received.push(event.data);
  document.getElementById('received').textContent = JSON.stringify(window.received);
});
document.getElementById('open').addEventListener('click', () =>
  window.open(${JSON.stringify(connectUrl)}, 'switchboard-connect', 'popup,width=420,height=640'));
</script>`);
      return;
    }
    response.end(`<!doctype html><title>Back in the product</title><h1>Back in the product</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describeWithBrowser('Connect UI in Chromium (PostgreSQL, oidc-provider)', () => {
  let app: ProductApp;
  let world: LoopbackWorld;
  let browser: Browser;
  let context: BrowserContext;
  let offsite: OffsiteRequests;

  beforeAll(async () => {
    app = await startProductApp();
    world = await startLoopbackWorld({
      accessTokenTtlSeconds: 300,
      env: { SWITCHBOARD_REDIRECT_ALLOWLIST: `${app.origin}/app` },
    });
    await registerTenant(world, TENANT);
    browser = await launchChromium();
    ({ context, offsite } = await loopbackOnlyContext(browser, { viewport: { width: 375, height: 740 } }));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await world?.close();
    await app?.close();
  });

  async function newSession(input: { allowedProviders: string[]; redirectUri?: string }) {
    const result = await world.hub.request(CreateConnectSessionDocument, { input }, asOperator(TENANT));
    expect(result.errors).toBeUndefined();
    return result.data!.createConnectSession;
  }

  async function connectionStatus(id: string) {
    const result = await world.hub.request(ConnectionDocument, { id }, asOperator(TENANT));
    return result.data?.connection?.status;
  }

  const fitsWidth = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('connects an API-key provider with the keyboard: a wrong key is explained, the right one is ACTIVE, the link is then used up', async () => {
    const session = await newSession({ allowedProviders: [KEYS, IDP] });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    const opened = await page.goto(session.url);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect.poll(() => page.getByRole('heading', { name: 'Connect an account' }).isVisible()).toBe(true);
    expect(await page.getByRole('button').allInnerTexts()).toEqual([
      expect.stringContaining('Loopback Keys'),
      expect.stringContaining('Loopback IdP'),
    ]);
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'connect-providers');

    // Keyboard only: Tab reaches the first provider with a visible focus ring, Enter opens its form.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return { text: element.innerText, outline: getComputedStyle(element).outlineStyle };
    });
    expect(focused.text).toContain('Loopback Keys');
    expect(focused.outline).not.toBe('none');
    await page.keyboard.press('Enter');
    const apiKey = page.getByLabel('API key');
    await apiKey.waitFor();
    await expect.poll(() => apiKey.evaluate((input) => input === document.activeElement)).toBe(true);
    await page.keyboard.type('lbk_not-the-key');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Not connected' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Loopback Keys did not accept this API key');

    await page.getByRole('link', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Loopback Keys' }).click();
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await fitsWidth(page)).toBe(true);
    await screenshot(page, 'connect-result');

    const connections = await world.hub.runtime.readModels.prisma.connection.findMany({
      where: { tenantId: TENANT, provider: KEYS },
    });
    expect(connections).toHaveLength(1);
    expect(await connectionStatus(connections[0]!.id)).toBe('ACTIVE');
    expect(world.fixture.requests.some((request) => request.headers['x-api-key'] === API_KEY)).toBe(true);

    // No CSP violation or script error on any Connect page so far.
    expect(errors).toEqual([]);
    const reused = await page.goto(session.url);
    expect(reused?.status()).toBe(410);
    await page.getByRole('heading', { name: 'Link already used' }).waitFor();
    expect(offsite.urls).toEqual([]);
    await page.close();
  });

  it("connects an OAuth provider through the provider's real login and consent pages, then returns to the product", async () => {
    const session = await newSession({ allowedProviders: [IDP], redirectUri: `${app.origin}/app/done` });
    const page = await context.newPage();
    await page.goto(session.url);
    await page.getByRole('button', { name: 'Loopback IdP' }).click();
    // oidc-provider's login page, then its consent page.
    await page.locator('input[name=login]').fill('connect-user');
    await page.locator('input[name=password]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${app.origin}/app/done`));
    const connectionId = new URL(page.url()).searchParams.get('connection_id');
    expect(connectionId).toMatch(/.+/);
    expect(await connectionStatus(connectionId!)).toBe('ACTIVE');
    const reused = await page.goto(session.url);
    expect(reused?.status()).toBe(410);
    expect(offsite.urls.filter((url) => !url.startsWith(IDP_FONTS))).toEqual([]);
    await page.close();
  });

  it("tells the product's page that opened it as a popup, at the product's origin only", async () => {
    const session = await newSession({ allowedProviders: [KEYS], redirectUri: `${app.origin}/app/done` });
    const opener = await context.newPage();
    await opener.goto(`${app.origin}/app/opener?connect=${encodeURIComponent(session.url)}`);
    const [popup] = await Promise.all([
      opener.waitForEvent('popup'),
      opener.getByRole('button', { name: 'Connect an account' }).click(),
    ]);
    await popup.getByRole('button', { name: 'Loopback Keys' }).click();
    await popup.getByLabel('API key').fill(API_KEY);
    await popup.getByRole('button', { name: 'Connect' }).click();
    await expect
      .poll(() => opener.evaluate(() => (window as unknown as { received: unknown[] }).received), {
        timeout: 10_000,
      })
      .toHaveLength(1);
    const [message] = await opener.evaluate(
      () => (window as unknown as { received: Array<{ type: string; connectionId: string }> }).received,
    );
    expect(message?.type).toBe('switchboard:connected');
    expect(await connectionStatus(message!.connectionId)).toBe('ACTIVE');
    await popup.waitForURL((url) => url.searchParams.get('connection_id') === message!.connectionId);
    await opener.close();
  });

  it('shows a readable page for an expired link and an unknown one', async () => {
    const deps = world.hub.runtime.connections.deps;
    const stale = await createConnectSession(
      { ...deps, now: () => new Date(Date.now() - 120_000) },
      { actor: 'test', correlationId: 'test' },
      TENANT,
      { allowedProviders: [KEYS], expiresInSeconds: 60 },
    );
    const page = await context.newPage();
    const expired = await page.goto(stale.url);
    expect(expired?.status()).toBe(410);
    await page.getByRole('heading', { name: 'Link expired' }).waitFor();
    expect(await page.locator('main').innerText()).toContain('start again to get a new link');
    const unknown = await page.goto(`${world.hub.url}/connect/sbcs_${'A'.repeat(43)}`);
    expect(unknown?.status()).toBe(404);
    await page.getByRole('heading', { name: 'Link not found' }).waitFor();
    await page.close();
  });
});
