import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegisterTenantDocument } from '../../src/generated/graphql.js';
import { graphiqlPage } from '../../src/http/graphiql-page.js';
import { webhookConnection } from '../e2e/webhooks-support.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/** Directive name → its sources. */
function policyOf(header: string | null): Map<string, string[]> {
  return new Map(
    (header ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** What every HTML page of the hub must carry, whatever it is. */
function expectPageHeaders(response: Response) {
  expect(response.headers.get('content-type')).toContain('text/html');
  const policy = policyOf(response.headers.get('content-security-policy'));
  expect(policy.get('default-src')).toEqual(["'none'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.get('base-uri')).toEqual(["'none'"]);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return policy;
}

describeWithPostgres('the HTML pages the hub serves (PostgreSQL)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ env: { SWITCHBOARD_GRAPHQL_INTROSPECTION: 'true' } });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('serves GraphiQL titled Switchboard, with its code inline and allowed by hash, naming no origin', async () => {
    const response = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const policy = expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('YogaGraphiQL');
    expect(html).toMatch(/<title>\s*Switchboard\s*<\/title>/);
    const scripts = policy.get('script-src') ?? [];
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]!);
    expect(inline.length).toBeGreaterThan(0);
    expect(scripts).toEqual(
      inline.map((script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`),
    );
    // The editor's workers are built from code inside the page, as blob: URLs.
    expect(policy.get('worker-src')).toEqual(['blob:']);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    // Keywords, hashes and schemes only: no directive names a host, third-party or otherwise.
    for (const [directive, sources] of policy)
      for (const source of sources) expect(source, directive).toMatch(/^('[^']+'|blob:|data:)$/);
  });

  it('serves a GraphiQL page that loads nothing from outside this origin', async () => {
    const html = await (await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    // The markup itself, with the bodies of its scripts and stylesheets set aside.
    const markup = html.replace(/(<(script|style)\b[^>]*>)[\s\S]*?(<\/\2>)/g, '$1$3');
    const attributes = [
      ...markup.matchAll(/\s(src|href|action|srcset|data|poster)\s*=\s*["']?([^\s"'>]*)/gi),
    ];
    expect(attributes.map(([, name]) => name)).toContain('href'); // the icon: the pattern does match
    for (const [, name, value] of attributes) expect(value, name).not.toMatch(/^(https?:|wss?:|\/\/)/i);
    const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)]
      .map((match) => match[1]!)
      .join('\n');
    expect(styles).not.toMatch(/@import/);
    const stylesheetUrls = [...styles.matchAll(/url\(\s*["']?([^"')\s]*)/g)].map((match) => match[1]!);
    expect(stylesheetUrls.length).toBeGreaterThan(0);
    for (const url of stylesheetUrls) expect(url).toMatch(/^(data:|#)/);
    // The code names documentation and XML namespaces, which it never loads; what a browser
    // actually requests is what test/web/graphiql.test.ts watches. No CDN, in any case:
    expect(html).not.toMatch(
      /https?:\/\/(unpkg\.com|cdn\.jsdelivr\.net|esm\.sh|cdnjs\.cloudflare\.com|fonts\.googleapis\.com)/,
    );
  });

  it('serves the OAuth callback result page uncached, unframed, with nothing to load', async () => {
    const response = await fetch(`${hub.url}/oauth/callback?code=c&state=unknown-state`);
    expect(response.status).toBe(400);
    const policy = expectPageHeaders(response);
    expect(policy.get('script-src')).toBeUndefined();
    expect(policy.get('style-src')).toEqual(["'unsafe-inline'"]);
    expect(await response.text()).toContain('<h1>Not connected</h1>');
  });

  it('marks every other answer nosniff, the Graph handshake echo among them', async () => {
    for (const path of ['/healthz', '/graphql?query=%7B__typename%7D', '/nowhere']) {
      const response = await fetch(`${hub.url}${path}`);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('content-type'), path).not.toContain('text/html');
    }
    // Graph's handshake echoes a caller's token as text/plain: a browser must not take it for HTML.
    await hub.request(RegisterTenantDocument, { input: { id: 'pages', name: 'Pages' } }, asOperator());
    const graph = await webhookConnection(hub, 'pages', 'microsoft-365');
    const echo = await fetch(
      `${hub.url}/webhooks/microsoft-365/${graph.connectionId}?validationToken=%3Cscript%3Ealert(1)%3C%2Fscript%3E`,
      { method: 'POST' },
    );
    expect(echo.status).toBe(200);
    expect(await echo.text()).toBe('<script>alert(1)</script>');
    expect(echo.headers.get('content-type')).toContain('text/plain');
    expect(echo.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('the GraphiQL page policy', () => {
  it('is computed from the page itself: another rendering, other hashes', () => {
    const a = graphiqlPage({ subscriptionsProtocol: 'WS' });
    const b = graphiqlPage({ subscriptionsProtocol: 'SSE' });
    expect(a.html).not.toBe(b.html);
    expect(a.contentSecurityPolicy).not.toBe(b.contentSecurityPolicy);
  });
});
