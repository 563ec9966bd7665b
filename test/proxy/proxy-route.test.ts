import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { ConnectWithCredentialsDocument } from '../../src/generated/graphql.js';
import { type EchoApi, type Echoed, startEchoApi } from '../support/fakes/echo-api.js';
import { type GithubApiFake, startGithubApiFake } from '../support/fakes/github-api.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { dumpEverything, writeProvidersFile } from '../support/loopback-providers.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

const ECHO_KEY = 'echo_key_9b1d2c3e4f5a6b7c8d9e0f1a';
const FLAKY_KEY = 'flaky_key_0f1e2d3c4b5a69788796a5b4';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** node:http, so the path goes out byte for byte (fetch would resolve `..` and re-encode). */
function raw(
  hub: TestHub,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${hub.url}/`,
      { method: options.method ?? 'GET', headers: options.headers, path },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describeWithPostgres('/proxy/:connectionId/* (PostgreSQL, loopback echo and GitHub fakes)', () => {
  const tenant = 'proxy-tenant-a';
  const otherTenant = 'proxy-tenant-b';
  let hub: TestHub;
  let echo: EchoApi;
  let flaky: EchoApi;
  let inward: EchoApi;
  let github: GithubApiFake;
  const logLines: string[] = [];
  const ids: Record<string, string> = {};

  const apiKeyAuth = (name: string, prefix = '') => ({
    mode: 'api_key',
    apiKey: { in: 'header', name, prefix },
  });

  beforeAll(async () => {
    [echo, flaky, inward, github] = await Promise.all([
      startEchoApi(),
      startEchoApi(),
      startEchoApi(),
      startGithubApiFake(),
    ]);
    github.addRepository('octocat/hello-world');
    github.seedIssues('octocat/hello-world', 3);
    const { port } = new URL(inward.origin);
    const providers = await writeProvidersFile([
      {
        id: 'echo',
        displayName: 'Echo',
        categories: ['testing'],
        auth: apiKeyAuth('X-Api-Key'),
        scopes: [],
        api: { baseUrl: `${echo.origin}/v1`, allowPrivateNetwork: true, proxyHeaders: ['X-Echo-Version'] },
      },
      {
        id: 'flaky',
        displayName: 'Flaky',
        categories: ['testing'],
        auth: apiKeyAuth('Authorization', 'Bearer '),
        scopes: [],
        api: { baseUrl: flaky.origin, allowPrivateNetwork: true },
      },
      {
        id: 'github-loopback',
        displayName: 'GitHub (loopback)',
        categories: ['testing'],
        auth: apiKeyAuth('Authorization', 'Bearer '),
        scopes: [],
        api: { ...githubManifest.api, baseUrl: github.origin, allowPrivateNetwork: true },
      },
      // The same loopback server, declared as a public provider would be: never reached.
      ...[
        ['inward-literal', `http://127.0.0.1:${port}`],
        ['inward-name', `http://localhost:${port}`],
        ['inward-metadata', 'http://169.254.169.254/latest'],
        ['inward-mapped', `http://[::ffff:127.0.0.1]:${port}`],
      ].map(([id, baseUrl]) => ({
        id,
        displayName: id,
        categories: ['testing'],
        auth: apiKeyAuth('X-Api-Key'),
        scopes: [],
        api: { baseUrl },
      })),
    ]);
    hub = await startTestHub({
      env: { SWITCHBOARD_PROVIDERS_FILE: providers.path, LOG_LEVEL: 'debug' },
      logDestination: { write: (line: string) => void logLines.push(line) },
    });
    await registerTenant(hub, tenant);
    await registerTenant(hub, otherTenant);
    const connect = async (provider: string, apiKey: string) => {
      const result = await hub.request(
        ConnectWithCredentialsDocument,
        { input: { provider, credentials: { apiKey } } },
        asOperator(tenant),
      );
      expect(result.errors).toBeUndefined();
      return result.data!.connectWithCredentials.id;
    };
    ids['echo'] = await connect('echo', ECHO_KEY);
    ids['flaky'] = await connect('flaky', FLAKY_KEY);
    ids['github'] = await connect('github-loopback', github.token);
    // A second connection: the rate-limit tests' holds are per connection.
    ids['github2'] = await connect('github-loopback', github.token);
    for (const id of ['inward-literal', 'inward-name', 'inward-metadata', 'inward-mapped'])
      ids[id] = await connect(id, ECHO_KEY);
  });
  afterAll(async () => {
    await hub?.close();
    await Promise.all([echo?.close(), flaky?.close(), inward?.close(), github?.close()]);
  });

  it("injects the connection's key, forwards the allowlisted headers, query and body, and strips the caller's credentials", async () => {
    const answer = await raw(hub, `/proxy/${ids['echo']}/echo/items?page=2&q=a%20b`, {
      method: 'POST',
      headers: {
        ...asOperator(tenant),
        cookie: 'hub_session=secret',
        'content-type': 'application/json',
        accept: 'application/json',
        'if-none-match': '"v1"',
        'idempotency-key': 'idem-1',
        'x-echo-version': '2026-01-01',
        'x-internal-debug': 'not for providers',
      },
      body: '{"name":"widget"}',
    });
    expect(answer.status).toBe(200);
    const echoed = JSON.parse(answer.body) as Echoed;
    expect(echoed.method).toBe('POST');
    expect(echoed.url).toBe('/v1/echo/items?page=2&q=a%20b');
    expect(echoed.body).toBe('{"name":"widget"}');
    expect(echoed.headers['x-api-key']).toBe(ECHO_KEY);
    expect(echoed.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'if-none-match': '"v1"',
      'idempotency-key': 'idem-1',
      'x-echo-version': '2026-01-01',
    });
    for (const name of ['authorization', 'cookie', 'x-tenant-id', 'x-internal-debug'])
      expect(echoed.headers[name]).toBeUndefined();
    expect(JSON.stringify(echoed.headers)).not.toContain(OPERATOR_TOKEN);
    // The provider's own headers come back, but not its cookie nor its CORS policy.
    expect(answer.headers['x-request-echo']).toBe('yes');
    expect(answer.headers['set-cookie']).toBeUndefined();
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    expect(answer.headers['server-timing']).toMatch(/^hub;dur=\d+\.\d+, provider;dur=\d+\.\d+/);
  });

  it('passes recorded GitHub traffic through: status, Link and rate-limit headers, the JSON as sent', async () => {
    const answer = await raw(hub, `/proxy/${ids['github']}/repos/octocat/hello-world/issues?per_page=2`, {
      headers: asOperator(tenant),
    });
    expect(answer.status).toBe(200);
    const issues = JSON.parse(answer.body) as Array<{ number: number; title: string }>;
    expect(issues).toHaveLength(2);
    expect(answer.headers['link']).toContain('rel="next"');
    expect(answer.headers['x-ratelimit-remaining']).toMatch(/^\d+$/);
    expect(github.calls.log.at(-1)?.route).toBe('GET /repos/{owner}/{repo}/issues');
  });

  it("refuses another tenant's connection as not found, and callers without credentials", async () => {
    const crossTenant = await raw(hub, `/proxy/${ids['echo']}/echo/x`, { headers: asOperator(otherTenant) });
    expect(crossTenant.status).toBe(404);
    expect(JSON.parse(crossTenant.body)).toMatchObject({ code: 'CONNECTION_NOT_FOUND' });
    const anonymous = await raw(hub, `/proxy/${ids['echo']}/echo/x`, { headers: { 'x-tenant-id': tenant } });
    expect(anonymous.status).toBe(401);
    const noTenant = await raw(hub, `/proxy/${ids['echo']}/echo/x`, { headers: asOperator() });
    expect(JSON.parse(noTenant.body)).toMatchObject({ code: 'TENANT_HEADER_REQUIRED' });
  });

  const PATH_PAYLOADS = [
    '../admin',
    'echo/../../etc/passwd',
    './echo',
    '%2e%2e/admin',
    '%2E%2e%2Fadmin',
    '.%2e/admin',
    'echo%2f..%2f..%2fadmin',
    '%252e%252e/admin',
    '/evil.example/x',
    'echo//x',
    'echo\\..\\admin',
    'echo%5c..%5cadmin',
    '@evil.example/x',
    'user%40evil.example/x',
    'echo%0d%0aX-Injected:%201',
    'echo%00',
    'http:%2f%2fevil.example/',
  ];

  it.each(PATH_PAYLOADS)('refuses the path %j before any connection opens', async (payload) => {
    const before = { connections: echo.connections, received: echo.received.length };
    const answer = await raw(hub, `/proxy/${ids['echo']}/${payload}`, { headers: asOperator(tenant) });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'PROXY_PATH_REFUSED' });
    expect(echo.received.length).toBe(before.received);
    expect(echo.connections).toBe(before.connections);
  });

  it.each(['inward-literal', 'inward-name', 'inward-metadata', 'inward-mapped'])(
    'never connects a provider declared without allowPrivateNetwork to an inward address (%s)',
    async (provider) => {
      const answer = await raw(hub, `/proxy/${ids[provider]}/echo/x`, { headers: asOperator(tenant) });
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'PROXY_PATH_REFUSED' });
      expect(inward.connections).toBe(0);
    },
  );

  it("answers RATE_LIMITED with Retry-After at once when the wait does not fit, and holds the connection's calls until then", async () => {
    github.secondaryRateLimit({ retryAfterSeconds: 60, status: 429 });
    const started = Date.now();
    const limited = await raw(hub, `/proxy/${ids['github']}/repos/octocat/hello-world/issues`, {
      headers: asOperator(tenant),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(55);
    github.liftRateLimits();
    // The hub holds this connection's calls until then, though the provider has lifted its limit.
    const held = await raw(hub, `/proxy/${ids['github']}/repos/octocat/hello-world/issues`, {
      headers: asOperator(tenant),
    });
    expect(held.status).toBe(429);
  });

  it('retries a GET after a Retry-After that fits the 10 s window, and answers the retry', async () => {
    github.secondaryRateLimit({ retryAfterSeconds: 1, status: 429 });
    const calls = github.calls.total;
    const answer = await raw(hub, `/proxy/${ids['github2']}/repos/octocat/hello-world/issues?state=all`, {
      headers: asOperator(tenant),
    });
    expect(answer.status).toBe(200);
    expect(github.calls.total - calls).toBe(2);
    expect(github.calls.early).toBe(0);
    expect(answer.headers['server-timing']).toMatch(/wait;dur=\d{3,}/);
  });

  it('opens the circuit of an origin that keeps failing, and spares it until the circuit may close', async () => {
    // POST without an Idempotency-Key is never retried: each call is one failure.
    for (let call = 0; call < 5; call++) {
      const answer = await raw(hub, `/proxy/${ids['flaky']}/status/503`, {
        method: 'POST',
        headers: asOperator(tenant),
      });
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.body)).toEqual({ status: 503 });
    }
    const received = flaky.received.length;
    const refused = await raw(hub, `/proxy/${ids['flaky']}/status/200`, { headers: asOperator(tenant) });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(flaky.received.length).toBe(received);
  });

  it('streams 50 MB back as the caller reads it: a paused reader holds the provider back', async () => {
    const size = 50 * 1024 * 1024;
    const sentBefore = echo.bytesSent;
    let bytes = 0;
    let sentWhilePaused = 0;
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${hub.url}/proxy/${ids['echo']}/bytes/${size}`, { headers: asOperator(tenant) }, (response) => {
          expect(response.statusCode).toBe(200);
          expect(response.headers['content-length']).toBe(String(size));
          let paused = false;
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (!paused && bytes > 1024 * 1024) {
              paused = true;
              response.pause();
              setTimeout(() => {
                sentWhilePaused = echo.bytesSent - sentBefore;
                response.resume();
              }, 500);
            }
          });
          response.on('end', resolve);
          response.on('error', reject);
        })
        .on('error', reject);
    });
    expect(bytes).toBe(size);
    // Socket buffers on three hops hold a few MB; buffering the body would have let all 50 through.
    expect(sentWhilePaused).toBeLessThan(16 * 1024 * 1024);
  });

  it('streams a 50 MB upload to the provider (never buffered, never retried)', async () => {
    const size = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 'y');
    const answer = await new Promise<RawAnswer>((resolve, reject) => {
      const request = http.request(
        `${hub.url}/proxy/${ids['echo']}/echo/upload`,
        { method: 'PUT', headers: { ...asOperator(tenant), 'content-type': 'application/octet-stream' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      request.on('error', reject);
      let sent = 0;
      const write = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!request.write(chunk)) return void request.once('drain', write);
        }
        request.end();
      };
      write();
    });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Echoed).bodyBytes).toBe(size);
  });

  it('leaves no token in responses, events, read models or logs', async () => {
    const tokens = [ECHO_KEY, FLAKY_KEY, github.token];
    const everything = await dumpEverything(hub.databaseUrl, hub.runtime.eventStore);
    for (const token of tokens) {
      expect(everything).not.toContain(token);
      expect(logLines.join('\n')).not.toContain(token);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });
});
