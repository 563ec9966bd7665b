import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import {
  createProviderHttp,
  DEFAULT_BACKOFF,
  fullJitterDelay,
  staticCredentials,
} from '../../../src/sync/provider-client/index.js';
import {
  type FixtureReply,
  inSequence,
  json,
  type ProviderFixture,
  startProviderFixture,
} from '../../support/provider-fixture.js';
import { GITHUB_ISSUES_PATH, githubIssuesPage, githubManifest, onLoopback } from './provider-fakes.js';

describe('full jitter', () => {
  const policy = { minDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

  it('stays between 1 s and the doubling ceiling, never above 15 minutes, for any draw', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, 1_000 * 2 ** (attempt + 1));
      for (const draw of [0, 0.25, 0.5, 0.999_999, ...Array.from({ length: 50 }, Math.random)]) {
        const delay = fullJitterDelay(attempt, { ...policy, random: () => draw });
        expect(delay).toBeGreaterThanOrEqual(1_000);
        expect(delay).toBeLessThanOrEqual(ceiling);
        expect(delay).toBeLessThanOrEqual(15 * 60_000);
      }
    }
  });

  it('spreads over the whole range: the lowest draw waits the minimum, the highest nearly the ceiling', () => {
    expect(fullJitterDelay(0, { ...policy, random: () => 0 })).toBe(1_000);
    expect(fullJitterDelay(3, { ...policy, random: () => 0.999_999 })).toBe(15_999);
    expect(fullJitterDelay(30, { ...policy, random: () => 0.999_999 })).toBe(899_999);
    const draws = Array.from({ length: 2_000 }, () => fullJitterDelay(5, { ...policy, random: Math.random }));
    // Uniform over [1 s, 64 s): both ends of the range are reached, not just its middle.
    expect(Math.min(...draws)).toBeLessThan(5_000);
    expect(Math.max(...draws)).toBeGreaterThan(60_000);
  });

  it('defaults to 3 retries from 1 s to 15 minutes', () => {
    expect(DEFAULT_BACKOFF).toMatchObject({ retries: 3, minDelayMs: 1_000, maxDelayMs: 900_000 });
  });
});

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
    // random 0.5: halfway between 1 s and the ceiling of each attempt (2 s, then 4 s).
    expect(waits).toEqual([1_500, 2_500]);
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
    expect(waits).toEqual([1_500]);
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
    expect(waits).toEqual([1_500, 2_500, 4_500]);
  });

  it('gives up after the retries with the failure and when to try again', async () => {
    fixture.reply(() => serverError(500));
    const before = Date.now();
    const { http, waits } = client({ retries: 2 });
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure).toBeInstanceOf(ProviderCallError);
    expect(failure.failureClass).toBe('retryable');
    expect(fixture.requests).toHaveLength(3);
    expect(waits).toHaveLength(2);
    // Attempt 2's jitter (random 0.5 of [1 s, 8 s)) from now.
    expect(failure.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 4_500);
    expect(failure.retryAt!.getTime()).toBeLessThanOrEqual(Date.now() + 4_500);
  });

  it('does not sit through a backoff longer than the inline limit: it throws with retryAt', async () => {
    fixture.reply(() => serverError(502));
    const before = Date.now();
    const { http, waits } = client({ maxInlineWaitMs: 1_000 });
    const failure = (await http
      .request({ path: GITHUB_ISSUES_PATH })
      .catch((error) => error)) as ProviderCallError;
    expect(failure.failureClass).toBe('retryable');
    expect(waits).toEqual([]);
    expect(fixture.requests).toHaveLength(1);
    expect(failure.retryAt!.getTime()).toBeGreaterThanOrEqual(before + 1_500);
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
