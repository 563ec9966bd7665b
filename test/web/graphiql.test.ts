import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  collectPageErrors,
  describeWithBrowser,
  launchChromium,
  loopbackOnlyContext,
  screenshot,
} from '../support/browser.js';
import { OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/** Replaces a Monaco editor's whole text, as a user pasting would: focus, select all, insert. */
async function replaceEditorText(page: Page, editorSelector: string, text: string) {
  await page.locator(`${editorSelector} .monaco-editor`).click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  // Monaco auto-closes the first bracket or quote it sees; drop what it added after the cursor.
  await page.keyboard.press('Shift+ControlOrMeta+End');
  await page.keyboard.press('Delete');
}

describeWithBrowser('GraphiQL in Chromium, offline (Chromium)', () => {
  describeWithPostgres('on a hub over loopback (PostgreSQL)', () => {
    let hub: TestHub;
    let browser: Browser;
    beforeAll(async () => {
      [hub, browser] = await Promise.all([
        startTestHub({ env: { SWITCHBOARD_GRAPHQL_INTROSPECTION: 'true' } }),
        launchChromium(),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await hub?.close();
    });

    it('runs { providers { id } } with the operator token typed in the headers editor, reaching nothing but the hub', async () => {
      const { context, offsite } = await loopbackOnlyContext(browser, {
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      const response = await page.goto(`${hub.url}/graphql`);
      expect(response?.status()).toBe(200);
      // Only keywords, hashes and the blob:/data: schemes: no origin, third-party or otherwise, is named.
      const policy = response?.headers()['content-security-policy'] ?? '';
      const sources = policy.split(';').flatMap((directive) => directive.trim().split(/\s+/).slice(1));
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expect(source).toMatch(/^('[^']+'|blob:|data:)$/);
      expect(await page.title()).toBe('Switchboard');

      await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
      await replaceEditorText(page, '.graphiql-query-editor', '{ providers { id } }');
      await page.getByRole('button', { name: 'Headers', exact: true }).click();
      await replaceEditorText(
        page,
        '.graphiql-editor-tool .graphiql-editor:not(.hidden)',
        JSON.stringify({ Authorization: `Bearer ${OPERATOR_TOKEN}` }),
      );
      const sent = page.waitForRequest(
        (request) => request.method() === 'POST' && (request.postData() ?? '').includes('providers'),
      );
      await page.getByRole('button', { name: /^Execute query/ }).click();
      const request = await sent;
      // GraphiQL sends the operation without its insignificant whitespace.
      expect(JSON.parse(request.postData() ?? '{}').query).toBe('{providers{id}}');
      expect(request.headers().authorization).toBe(`Bearer ${OPERATOR_TOKEN}`);
      await expect
        .poll(() => page.locator('.graphiql-response').innerText(), { timeout: 15_000 })
        .toMatch(/"id":\s*"github"/);

      await screenshot(page, 'graphiql');
      expect(offsite.urls).toEqual([]);
      expect(errors).toEqual([]);
      // The token does not outlive the tab: a new one on the same origin finds it neither in what
      // GraphiQL saved (its tabs) nor in its headers editor, which offers a blank Authorization again.
      await page.close();
      const next = await context.newPage();
      await next.goto(`${hub.url}/graphql`);
      await next.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 30_000 });
      await next.getByRole('button', { name: 'Headers', exact: true }).click();
      const headers = await next.locator('.graphiql-editor-tool').innerText();
      expect(headers).toContain('"Authorization"');
      expect(headers).not.toContain(OPERATOR_TOKEN);
      const stored = await next.evaluate(() => JSON.stringify({ ...localStorage }));
      expect(stored).not.toContain(OPERATOR_TOKEN);
      await context.close();
    }, 90_000);
  });
});
