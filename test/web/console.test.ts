import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildWeb } from '../../scripts/build-web.js';
import { ConnectionDocument, RegisterTenantDocument } from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { post, settled, type WebhookConnection, webhookConnection } from '../e2e/webhooks-support.js';
import { githubHeaders } from '../ingress/sign.js';
import {
  collectPageErrors,
  describeWithBrowser,
  launchChromium,
  loopbackOnlyContext,
  type OffsiteRequests,
  screenshot,
} from '../support/browser.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { lowContrastText } from './contrast.js';

const TENANT = 'console-acme';

/** An `issues.opened` delivery about a new issue (signals of the same issue and action are one). */
const issueOpened = (title: string, number: number) => {
  const example = githubExamples().find(
    (candidate) =>
      candidate.source === 'api.github.com' &&
      candidate.eventName === 'issues' &&
      candidate.payload['action'] === 'opened',
  )!;
  const issue = example.payload['issue'] as Record<string, unknown>;
  return JSON.stringify({
    ...example.payload,
    issue: { ...issue, id: 7_000_000 + number, number, title, created_at: new Date().toISOString() },
  });
};

describeWithBrowser('operator console in Chromium (PostgreSQL)', () => {
  let dir: string;
  let hub: TestHub;
  let browser: Browser;
  let context: BrowserContext;
  let offsite: OffsiteRequests;
  let page: Page;
  let errors: string[];
  let hooks: WebhookConnection;
  let doomed: WebhookConnection;

  let issues = 0;
  const deliver = async (title: string) => {
    const body = issueOpened(title, ++issues);
    const url = `${hub.url}/webhooks/github/${hooks.connectionId}`;
    expect((await post(url, githubHeaders(hooks.secret, 'issues', body), body)).status).toBe(200);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchboard-web-'));
    await buildWeb(dir);
    hub = await startTestHub({ webAssetsDir: dir });
    await hub.request(RegisterTenantDocument, { input: { id: TENANT, name: 'Acme' } }, asOperator());
    hooks = await webhookConnection(hub, TENANT, 'github', undefined, 'Acme GitHub');
    doomed = await webhookConnection(hub, TENANT, 'github', undefined, 'Old GitHub hook');
    await settled(hub);
    browser = await launchChromium();
    // A phone's width: every step below must work at 375 px.
    ({ context, offsite } = await loopbackOnlyContext(browser, { viewport: { width: 375, height: 800 } }));
    page = await context.newPage();
    errors = collectPageErrors(page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs in with the operator token, kept in this tab only', async () => {
    await page.goto(`${hub.url}/console`);
    await page.getByLabel('Operator token').fill('not-an-operator-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('The hub refused this token.');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // Chromium reports the hub's 401 itself; that one is expected, nothing else.
    expect(errors.splice(0)).toEqual([expect.stringContaining('401 (Unauthorized)')]);
    // By keyboard this time: Enter in the field submits.
    await page.getByLabel('Operator token').fill(OPERATOR_TOKEN);
    await page.getByLabel('Operator token').press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: 'Tenants' }).isVisible()).toBe(true);
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('switchboard.console.token'),
      local: localStorage.length,
      cookie: document.cookie,
    }));
    expect(stored).toEqual({ session: OPERATOR_TOKEN, local: 0, cookie: '' });
  });

  it("lists a tenant's connections and revokes one after confirmation", async () => {
    await page.getByRole('link', { name: 'Acme' }).click();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await expect.poll(() => row('Old GitHub hook').isVisible()).toBe(true);
    expect(await row('Acme GitHub').getByText('ACTIVE').isVisible()).toBe(true);
    expect(await row('Old GitHub hook').textContent()).toContain(doomed.connectionId);

    // Escape cancels the confirmation: nothing is revoked.
    await page.getByRole('button', { name: 'Revoke Acme GitHub' }).click();
    await page.getByRole('dialog', { name: 'Revoke Acme GitHub?' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    await page.getByRole('button', { name: 'Revoke Old GitHub hook' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke Old GitHub hook?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => row('Old GitHub hook').getByText('REVOKED').isVisible()).toBe(true);
    expect(await row('Acme GitHub').getByText('ACTIVE').isVisible()).toBe(true);
    const queried = await hub.request(ConnectionDocument, { id: doomed.connectionId }, asOperator(TENANT));
    expect(queried.data?.connection?.status).toBe('REVOKED');

    // Usable on a phone: the page itself never scrolls sideways (wide tables scroll in their own box).
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await lowContrastText(page)).toEqual([]);
    await screenshot(page, 'console-connections');
  });

  it('shows a signal arriving live, without a reload', async () => {
    await deliver('Printer on fire');
    await settled(hub);
    await page.getByRole('link', { name: 'Live signals' }).click();
    await expect.poll(() => page.getByText('Printer on fire').first().isVisible()).toBe(true);
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('Live');
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await deliver('Coffee machine empty');
    await expect
      .poll(() => page.getByText('Coffee machine empty').first().isVisible(), { timeout: 10_000 })
      .toBe(true);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    // Newest first: the live one is above the one loaded with the page.
    const items = await page
      .getByRole('list', { name: 'Signals, newest first' })
      .getByRole('listitem')
      .allTextContents();
    expect(items[0]).toContain('Coffee machine empty');
    expect(await lowContrastText(page)).toEqual([]);
    await screenshot(page, 'console-signals');
  });

  it('opens every other page of the tenant and of the hub without an error', async () => {
    const pages: [string, string][] = [
      ['Webhook dead letters', 'Webhook dead letters of console-acme'],
      ['Audit log', 'Audit log of console-acme'],
      ['Syncs and drift', 'Syncs and drift of console-acme'],
      ['Proxy calls', 'Proxy calls of console-acme'],
      ['Audit seals', 'Audit seals'],
      ['Readiness', 'Readiness and projection lag'],
    ];
    for (const [link, heading] of pages) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await expect.poll(() => page.getByRole('heading', { name: heading, level: 1 }).isVisible()).toBe(true);
      await expect.poll(() => page.locator('.status').first().textContent()).not.toMatch(/Loading/);
      expect(await page.getByRole('alert').count(), `an error on ${link}`).toBe(0);
      if (link === 'Audit seals') await page.goBack();
    }
    // The audit log has the revocation the second test made.
    await page.getByRole('link', { name: 'Tenants', exact: true }).click();
    await page.getByRole('link', { name: 'Acme' }).click();
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    await expect.poll(() => page.getByText('ConnectionRevoked').first().isVisible()).toBe(true);
  });

  it('asked nothing of the internet and reported no console or CSP error', () => {
    expect(offsite.urls).toEqual([]);
    expect(errors).toEqual([]);
  });
});
