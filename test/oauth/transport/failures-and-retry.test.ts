import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import {
  isRetryable,
  OAuthConfigurationError,
  ProviderInvalidGrantError,
  ProviderRateLimitedError,
  ProviderTransientError,
  refresh,
  withRetry,
} from '../../../src/oauth/index.js';
import {
  atFixture,
  inSequence,
  json,
  type ProviderFixture,
  startProviderFixture,
} from '../../support/provider-fixture.js';

const CLIENT = { clientId: 'client-123', clientSecret: 'client-secret-value-0123456789' };
const REFRESH_TOKEN = '1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI';
const SUCCESS = json(200, { access_token: 'ya29.new', expires_in: 3599, token_type: 'Bearer' });
const fast = { retries: 3, baseMs: 1, maxMs: 50 };

describe('failure classification and retry', () => {
  let fixture: ProviderFixture;
  beforeAll(async () => {
    fixture = await startProviderFixture();
  });
  afterAll(() => fixture.close());

  // Google goes through openid-client, Slack through the direct path: both must classify alike.
  const google = () => atFixture(googleCalendarManifest, fixture.origin);
  const refreshGoogle = (timeoutMs?: number) =>
    refresh({ manifest: google(), client: CLIENT, refreshToken: REFRESH_TOKEN, timeoutMs });

  it('retries a 503 and then succeeds', async () => {
    fixture.reply(inSequence({ status: 503, body: 'upstream unavailable' }, SUCCESS));
    const retried: number[] = [];
    const tokens = await withRetry(() => refreshGoogle(), {
      ...fast,
      onRetry: ({ attempt }) => retried.push(attempt),
    });
    expect(tokens.accessToken).toBe('ya29.new');
    expect(fixture.requests).toHaveLength(2);
    expect(retried).toEqual([1]);
  });

  it('does not retry 400 invalid_grant', async () => {
    // RFC 6749 §5.2 error response, as Google sends it for a revoked refresh token.
    fixture.reply(() =>
      json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }),
    );
    const error = await withRetry(() => refreshGoogle(), fast).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderInvalidGrantError);
    expect(isRetryable(error)).toBe(false);
    expect(fixture.requests).toHaveLength(1);
  });

  it('classifies the same failures alike on the direct path (Slack: 5xx, then invalid_refresh_token)', async () => {
    const slack = atFixture(slackManifest, fixture.origin);
    fixture.reply(
      inSequence(
        { status: 502, body: '<html>Bad Gateway</html>' },
        json(200, { ok: false, error: 'invalid_refresh_token' }),
      ),
    );
    const error = await withRetry(
      () => refresh({ manifest: slack, client: CLIENT, refreshToken: 'xoxe-1-old' }),
      fast,
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderInvalidGrantError);
    expect(fixture.requests).toHaveLength(2);
  });

  it('reads Retry-After on 429 and waits at least that long', async () => {
    fixture.reply(inSequence(json(429, { error: 'rate_limited' }, { 'retry-after': '0' }), SUCCESS));
    const delays: number[] = [];
    await withRetry(() => refreshGoogle(), { ...fast, onRetry: ({ delayMs }) => delays.push(delayMs) });
    expect(delays).toHaveLength(1);

    fixture.reply(() => json(429, { error: 'rate_limited' }, { 'retry-after': '120' }));
    const error = await withRetry(() => refreshGoogle(), fast).catch((caught: unknown) => caught);
    // Two minutes is beyond maxMs: thrown at once, for the caller to schedule later.
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(120_000);
    expect((error as ProviderRateLimitedError).message).toBe(
      'Google Calendar is rate limiting requests (rate_limited); retry in 120 s',
    );
    expect(fixture.requests).toHaveLength(1);
  });

  it('times out a provider that never answers (transient, reason timeout)', async () => {
    fixture.reply(() => ({ status: 200, hang: true }));
    const started = Date.now();
    const error = await refreshGoogle(150).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(ProviderTransientError);
    expect((error as ProviderTransientError).detail).toMatchObject({ reason: 'timeout', timeoutMs: 150 });
  });

  it('reports an unreachable provider as transient (network), naming only the system error code', async () => {
    const closed = await closedPort();
    const manifest = atFixture(googleCalendarManifest, `http://127.0.0.1:${closed}`);
    const error = await refresh({ manifest, client: CLIENT, refreshToken: REFRESH_TOKEN }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ProviderTransientError);
    expect((error as ProviderTransientError).detail.reason).toBe('network: ECONNREFUSED');
  });

  it('propagates the caller abort as the caller’s own reason', async () => {
    fixture.reply(() => ({ status: 200, hang: true }));
    const controller = new AbortController();
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(
      refresh({ manifest: google(), client: CLIENT, refreshToken: REFRESH_TOKEN, signal: controller.signal }),
    ).rejects.toBe(reason);
  });

  it('never puts the refresh token or the client secret in an error, even when the provider echoes them', async () => {
    fixture.reply(() =>
      json(400, {
        error: 'invalid_grant',
        error_description: `Bad token ${REFRESH_TOKEN} for ${CLIENT.clientSecret}`,
      }),
    );
    const error = (await refreshGoogle().catch((caught: unknown) => caught)) as ProviderInvalidGrantError;
    const everything = JSON.stringify({ message: error.message, detail: error.detail, cause: error.cause });
    expect(everything).not.toContain(REFRESH_TOKEN);
    expect(everything).not.toContain(CLIENT.clientSecret);
    expect(error.detail.description).toBe('Bad token [redacted] for [redacted]');
  });

  it('refuses plain http off loopback before sending anything', async () => {
    const manifest = atFixture(googleCalendarManifest, 'http://oauth.example.com');
    await expect(refresh({ manifest, client: CLIENT, refreshToken: REFRESH_TOKEN })).rejects.toBeInstanceOf(
      OAuthConfigurationError,
    );
  });
});

describe('withRetry', () => {
  const transient = () => new ProviderTransientError('down', { provider: 'p', operation: 'refresh' });

  it('backs off exponentially with full jitter, capped at maxMs', async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls <= 4) throw transient();
        return 'ok';
      },
      {
        retries: 4,
        baseMs: 10,
        maxMs: 40,
        random: () => 0.999,
        onRetry: ({ delayMs }) => delays.push(delayMs),
      },
    );
    // Ceilings 10, 20, 40, 40 (capped); a random draw just under 1 lands just under each.
    expect(delays).toEqual([9, 19, 39, 39]);
  });

  it('gives up after `retries` more attempts and throws the last error', async () => {
    let calls = 0;
    const last = transient();
    await expect(
      withRetry(
        async () => {
          calls++;
          throw last;
        },
        { retries: 2, baseMs: 1, maxMs: 1, random: () => 0 },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(3);
  });

  it('does not retry errors that are not provider failures', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        { retries: 5, baseMs: 1, maxMs: 1 },
      ),
    ).rejects.toBeInstanceOf(TypeError);
    expect(calls).toBe(1);
  });
});

async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
