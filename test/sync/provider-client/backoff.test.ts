import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import { createProviderHttp, staticCredentials } from '../../../src/sync/provider-client/index.js';
import {
  type FixtureReply,
  inSequence,
  json,
  type ProviderFixture,
  startProviderFixture,
} from '../../support/provider-fixture.js';
import { GITHUB_ISSUES_PATH, githubIssuesPage, githubManifest, onLoopback } from './provider-fakes.js';

describe('backoff of the provider client (loopback GitHub)', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  /** A client whose waits are recorded and return at once. */
  function client(
    options: { maxInlineWaitMs?: number; retries?: number; now?: () => number; timeoutMs?: number } = {},
  ) {
    const waits: number[] = [];
    const http = createProviderHttp({
      manifest: onLoopback(githubManifest, fixture.origin),
      connection: { id: 'c1', accountId: null, values: {} },
      credentials: staticCredentials({}),
      sleep: async (ms) => {
        waits.push(ms);
      },
      maxInlineWaitMs: options.maxInlineWaitMs,
      retry: { retries: options.retries, random: () => 0.5 },
      now: options.now,
      timeoutMs: options.timeoutMs,
    });
    return { http, waits };
  }
  const serverError = (status: number, headers: Record<string, string> = {}): FixtureReply =>
    json(status, { message: 'Server Error' }, headers);

  it('retries 5xx with full-jitter waits and returns the answer that finally succeeds', async () => {
    fixture.reply(inSequence(serverError(502), serverError(503), githubIssuesPage()));
    const { http, waits } = client();
    const response = await http.request({ path: GITHUB_ISSUES_PATH });
    expect(response.status).toBe(200);
    expect(fixture.requests).toHaveLength(3);
    // Full jitter (domain/sync-retry.ts) with random 0.5: 1 s (the first cap is the floor), then halfway to 2 s.
    expect(waits).toEqual([1_000, 1_500]);
  });

  it("waits exactly as a 503's Retry-After advises", async () => {
    fixture.reply(inSequence(serverError(503, { 'retry-after': '3' }), githubIssuesPage()));
    const now = Date.parse('2026-12-03T10:00:00Z');
    const { http, waits } = client({ now: () => now });
    await http.request({ path: GITHUB_ISSUES_PATH });
    expect(waits).toEqual([3_000]);
  });

  it('retries a request the provider never answered (timeout)', async () => {
    let answered = 0;
    fixture.reply(() => (answered++ === 0 ? { status: 200, hang: true } : githubIssuesPage()));
    const { http, waits } = client({ timeoutMs: 200 });
    await expect(http.request({ path: GITHUB_ISSUES_PATH })).resolves.toMatchObject({ status: 200 });
    expect(waits).toEqual([1_000]);
    expect(fixture.requests).toHaveLength(2);
  });

  it('tries four times by default, then gives up', async () => {
    fixture.reply(() => serverError(503));
    const { http, waits } = client();
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure.failureClass).toBe('retryable');
    expect(fixture.requests).toHaveLength(4);
    expect(waits).toEqual([1_000, 1_500, 2_500]);
  });

  it('gives up after the retries, leaving the next time to the engine unless the provider said', async () => {
    fixture.reply(() => serverError(500));
    const { http, waits } = client({ retries: 2 });
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure).toBeInstanceOf(ProviderCallError);
    expect(failure).toMatchObject({ failureClass: 'retryable', status: 500, retryAt: null });
    expect(fixture.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);

    fixture.reply(() => serverError(503, { 'retry-after': '120' }));
    const before = Date.now();
    const advised = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(advised.failureClass).toBe('retryable');
    expect(advised.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    expect(fixture.requests).toHaveLength(1);
  });

  it('does not sit through a backoff longer than the inline limit', async () => {
    fixture.reply(() => serverError(502));
    const { http, waits } = client({ maxInlineWaitMs: 500 });
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure.failureClass).toBe('retryable');
    expect(waits).toEqual([]);
    expect(fixture.requests).toHaveLength(1);
  });

  it('never retries what cannot get better', async () => {
    fixture.reply(() =>
      json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }),
    );
    const { http, waits } = client();
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure.failureClass).toBe('terminal');
    expect(fixture.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
