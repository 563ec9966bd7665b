import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../../src/connectors/sdk/manifest.js';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import { createProviderHttp, staticCredentials } from '../../../src/sync/provider-client/index.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;
let handler: Handler = (_req, res) => res.end();
let server: http.Server;
let base: string;
const seen: Array<{ url: string; authorization: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    seen.push({ url: `${url.pathname}${url.search}`, authorization: req.headers.authorization });
    handler(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function manifest(api: Record<string, unknown>) {
  return manifestSchema.parse({
    id: 'fake',
    displayName: 'Fake',
    categories: ['testing'],
    auth: { mode: 'api_key', apiKey: { in: 'header', name: 'Authorization', prefix: 'Bearer ' } },
    scopes: [],
    api: { baseUrl: `${base}/api/v3`, ...api },
  });
}

const connection = { id: 'c1', accountId: null, values: { org: 'a b' } };
const json = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

describe('provider client', () => {
  it('keeps the base path, fills placeholders and follows Link rel="next" to the last page', async () => {
    seen.length = 0;
    handler = (_req, res, url) => {
      const page = Number(url.searchParams.get('page') ?? '1');
      const link =
        page < 3
          ? `<${base}/api/v3/orgs/a%20b/items?page=${page + 1}&per_page=2>; rel="next", <${base}/x>; rel="last"`
          : '';
      json(res, 200, [page], link ? { link } : {});
    };
    const client = createProviderHttp({
      manifest: manifest({ pagination: { style: 'link_header', limitParam: 'per_page' } }),
      connection,
      credentials: staticCredentials({ authorization: 'Bearer t1' }),
    });
    const bodies: unknown[] = [];
    for await (const page of client.paginate({ path: '/orgs/{org}/items' }, { pageSize: 2 }))
      bodies.push(page.response.body);
    expect(bodies).toEqual([[1], [2], [3]]);
    expect(seen.map((request) => request.url)).toEqual([
      '/api/v3/orgs/a%20b/items?per_page=2',
      '/api/v3/orgs/a%20b/items?page=2&per_page=2',
      '/api/v3/orgs/a%20b/items?page=3&per_page=2',
    ]);
    expect(seen.every((request) => request.authorization === 'Bearer t1')).toBe(true);
  });

  it('pages a body cursor and resumes from a saved page reference', async () => {
    handler = (_req, res, url) => {
      const cursor = Number(url.searchParams.get('cursor') ?? '0');
      json(res, 200, { items: [cursor], meta: { next: cursor < 2 ? String(cursor + 1) : '' } });
    };
    const client = createProviderHttp({
      manifest: manifest({
        pagination: { style: 'cursor', cursorParam: 'cursor', nextCursorPath: 'meta.next' },
      }),
      connection,
      credentials: staticCredentials({}),
    });
    const refs: unknown[] = [];
    for await (const page of client.paginate({ path: '/list' }, { from: { cursor: '1' } }))
      refs.push(page.next);
    expect(refs).toEqual([{ cursor: '2' }, null]);
  });

  it('asks for fresh credentials once after a 401 and retries with them', async () => {
    seen.length = 0;
    handler = (req, res) =>
      req.headers.authorization === 'Bearer new'
        ? json(res, 200, { ok: true })
        : json(res, 401, { message: 'Bad credentials' });
    let refreshes = 0;
    const client = createProviderHttp({
      manifest: manifest({}),
      connection,
      credentials: {
        authentication: async () => ({ headers: { authorization: 'Bearer old' } }),
        afterUnauthorized: async (rejected) => {
          refreshes++;
          expect(rejected).toEqual({ headers: { authorization: 'Bearer old' } });
          return { headers: { authorization: 'Bearer new' } };
        },
      },
    });
    await expect(client.request({ path: '/user' })).resolves.toMatchObject({
      status: 200,
      body: { ok: true },
    });
    expect(refreshes).toBe(1);
    expect(seen.map((request) => request.authorization)).toEqual(['Bearer old', 'Bearer new']);
  });

  it('classifies failures: auth, rate limits with the advised time, retryable, terminal, accepted statuses', async () => {
    let answer: [number, unknown, Record<string, string>] = [401, {}, {}];
    handler = (_req, res) => json(res, ...answer);
    const now = Date.parse('2026-12-03T10:00:00Z');
    const client = createProviderHttp({
      manifest: manifest({
        rateLimit: {
          remainingHeader: 'x-ratelimit-remaining',
          resetHeader: 'x-ratelimit-reset',
          resetUnit: 'epoch_seconds',
        },
      }),
      connection,
      credentials: staticCredentials({}),
      now: () => now,
      // Retries of the 502 happen at once (backoff is tested in backoff.test.ts).
      sleep: async () => {},
    });
    const failure = async () => {
      try {
        await client.request({ path: '/thing', query: { q: 'secret search' } });
      } catch (error) {
        return error as ProviderCallError;
      }
      throw new Error('expected a failure');
    };
    expect((await failure()).failureClass).toBe('auth');
    answer = [429, {}, { 'retry-after': '30' }];
    expect(await failure()).toMatchObject({ failureClass: 'rate_limited', retryAt: new Date(now + 30_000) });
    answer = [403, { message: 'You have exceeded a secondary rate limit.' }, {}];
    expect(await failure()).toMatchObject({ failureClass: 'rate_limited', retryAt: new Date(now + 60_000) });
    answer = [
      403,
      { message: 'API rate limit exceeded' },
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 600) },
    ];
    expect(await failure()).toMatchObject({ failureClass: 'rate_limited', retryAt: new Date(now + 600_000) });
    answer = [403, { message: 'Resource not accessible by integration' }, {}];
    expect((await failure()).failureClass).toBe('terminal');
    answer = [502, {}, {}];
    const retryable = await failure();
    expect(retryable).toBeInstanceOf(ProviderCallError);
    expect(retryable.failureClass).toBe('retryable');
    expect(retryable.message).not.toContain('secret');
    answer = [304, {}, {}];
    await expect(client.request({ path: '/thing', accept: [304] })).resolves.toMatchObject({ status: 304 });
  });

  it('refuses a next-page link on another origin', async () => {
    const client = createProviderHttp({
      manifest: manifest({}),
      connection,
      credentials: staticCredentials({}),
    });
    await expect(client.request({ path: 'http://evil.example/steal' })).rejects.toThrow(/Refusing to call/);
  });
});
