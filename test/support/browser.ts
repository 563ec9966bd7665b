import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page, type Request } from 'playwright-core';
import { describeWith } from './services.js';

/**
 * Real-browser tests drive Debian's Chromium (`apt-get install chromium`, done by .ci/run) with
 * playwright-core, which downloads nothing. CHROMIUM_PATH points elsewhere.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumFound = existsSync(CHROMIUM_PATH);

/** `describe` for suites that need Chromium; skipped without it, failing under REQUIRE_SERVICES=1. */
export const describeWithBrowser = describeWith('Chromium', chromiumFound);

/** Screenshots the browser tests take (not committed): test-results/screenshots. */
export const SCREENSHOT_DIR = path.resolve('test-results', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Containers run as root without user namespaces: the sandbox cannot start there.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export interface OffsiteRequests {
  /** Every request the page made to anything but loopback, as URLs. */
  readonly urls: string[];
}

/**
 * A fresh context whose every request to a host other than 127.0.0.1/localhost is aborted and
 * recorded: a page that needs the internet fails visibly, and the test can assert none was tried.
 */
export async function loopbackOnlyContext(
  browser: Browser,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; offsite: OffsiteRequests }> {
  const context = await browser.newContext(options);
  const offsite: OffsiteRequests = { urls: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:') {
      return route.continue();
    }
    offsite.urls.push(url.toString());
    return route.abort('blockedbyclient');
  });
  return { context, offsite };
}

/** Console errors and CSP violations a page reported, for assertions. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('requestfailed', (request: Request) =>
    errors.push(`${request.url()}: ${request.failure()?.errorText}`),
  );
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
