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

  it('serves GraphiQL with a policy that allows its own scripts and no one else’s', async () => {
    const response = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const policy = expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain('YogaGraphiQL');
    const scripts = policy.get('script-src') ?? [];
    expect(scripts).not.toContain("'unsafe-inline'");
    expect(scripts).not.toContain("'unsafe-eval'");
    for (const [, inline] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
      expect(scripts).toContain(`'sha256-${createHash('sha256').update(inline!).digest('base64')}'`);
    }
    const allowedBy = (directive: string, url: string) =>
      (policy.get(directive) ?? []).some((source) => source.endsWith('/') && url.startsWith(source));
    for (const [, url] of html.matchAll(/<script src=([^ >]+)>/g))
      expect(allowedBy('script-src', url!)).toBe(true);
    for (const [, url] of html.matchAll(/rel=stylesheet href=([^ >]+)>/g))
      expect(allowedBy('style-src', url!)).toBe(true);
    for (const [, url] of html.matchAll(/rel=icon href=([^ >]+)>/g))
      expect(allowedBy('img-src', url!)).toBe(true);
    // The editor's workers are fetched, then started from blob: URLs.
    const workers = [...html.matchAll(/"(https:[^"]+worker[^"]*\.js)"/g)].map((match) => match[1]!);
    expect(workers.length).toBeGreaterThan(0);
    for (const url of workers) expect(allowedBy('connect-src', url)).toBe(true);
    expect(policy.get('worker-src')).toEqual(['blob:']);
    expect(policy.get('connect-src')).toContain("'self'");
    // Code only from the CDN directory of one published version, never from a whole host or a branch.
    expect(scripts.filter((source) => source.startsWith('https://'))).toEqual([
      expect.stringMatching(/^https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@\d+\.\d+\.\d+\/dist\/$/),
    ]);
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
