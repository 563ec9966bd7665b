import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import {
  collectPageErrors,
  describeWithBrowser,
  launchChromium,
  loopbackOnlyContext,
} from '../support/browser.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { freePort } from '../support/loopback-providers.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';

const AUDIENCE = 'https://api.switchboard.test';
const CLIENT_ID = 'switchboard-console';

/**
 * "Sign in with OIDC" against oidc-provider through its real login and consent pages: the console
 * is a public client (PKCE S256, no secret) that discovers the issuer, exchanges the code from the
 * browser, and uses the JWT access token on the GraphQL API.
 */
describeWithBrowser('operator console sign-in through OIDC in Chromium (PostgreSQL)', () => {
  let dir: string;
  let idp: OidcProviderHarness;
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let offsite: { urls: string[] };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-web-oidc-'));
    await buildWeb(dir);
    // The hub must know the issuer and the issuer the hub's callback: fix the issuer's port first.
    const idpPort = await freePort();
    hub = await startTestHub({
      webAssetsDir: dir,
      env: {
        SWITCHBOARD_OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        SWITCHBOARD_OIDC_AUDIENCE: AUDIENCE,
        SWITCHBOARD_CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
      },
    });
    idp = await startOidcProvider({
      port: idpPort,
      audience: AUDIENCE,
      clients: [
        {
          client_id: CLIENT_ID,
          grant_types: ['authorization_code'],
          response_types: ['code'],
          redirect_uris: [`${hub.url}/console/oidc/callback`],
          token_endpoint_auth_method: 'none',
        },
      ],
      features: { devInteractions: { enabled: true } },
    });
    await hub.request(
      RegisterTenantDocument,
      { input: { id: 'oidc-acme', name: 'OIDC Acme' } },
      asOperator(),
    );
    browser = await launchChromium();
    const loopback = await loopbackOnlyContext(browser);
    offsite = loopback.offsite;
    page = await loopback.context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await idp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs in with PKCE through the issuer and lists tenants with the access token', async () => {
    await page.goto(`${hub.url}/console`);
    const authorize = page.waitForRequest((request) => request.url().startsWith(`${idp.issuer}/auth`));
    await page.getByRole('button', { name: 'Sign in with OIDC' }).click();
    const authorization = new URL((await authorize).url());
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${hub.url}/console/oidc/callback`,
      resource: AUDIENCE,
    });
    expect(authorization.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorization.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // oidc-provider's own development login and consent pages.
    await page.locator('input[name="login"]').fill('ops-alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').click();

    await page.waitForURL(`${hub.url}/console/tenants`);
    const errors = collectPageErrors(page);
    await expect.poll(() => page.getByRole('link', { name: 'OIDC Acme' }).isVisible()).toBe(true);
    const token = await page.evaluate(() => sessionStorage.getItem('switchboard.console.token'));
    expect(token?.split('.')).toHaveLength(3);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(errors).toEqual([]);
    expect(idp.serverErrors).toEqual([]);
    // oidc-provider's development login page (the issuer's, not the console's) asks for Google Fonts.
    expect(offsite.urls.filter((url) => !url.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
  });

  it('refuses a callback whose state this tab did not issue', async () => {
    await page.goto(`${hub.url}/console/oidc/callback?code=forged&state=forged`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('state mismatch');
  });
});
