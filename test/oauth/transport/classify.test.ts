import { describe, expect, it } from 'vitest';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import type { CallContext } from '../../../src/oauth/context.js';
import {
  answerOf,
  errorFromAnswer,
  isTimeout,
  transportError,
} from '../../../src/oauth/transport/classify.js';

const context: CallContext = {
  manifest: githubManifest,
  operation: 'refresh',
  timeoutMs: 5_000,
  signal: undefined,
  secrets: ['gho_refresh-token-1', 'client-secret-1'],
};
const response = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: new Headers(headers),
  body,
});

describe('errorFromAnswer', () => {
  it('lets an unambiguous status decide first: 429 rate limited, 5xx transient, whatever the code says', () => {
    expect(errorFromAnswer(context, { status: 429, error: 'invalid_grant' }).classification).toBe(
      'rate_limited',
    );
    expect(errorFromAnswer(context, { status: 503, error: 'invalid_grant' }).classification).toBe(
      'transient',
    );
  });

  it('then the error code, then a 401 as client authentication, else unexpected', () => {
    expect(errorFromAnswer(context, { status: 400, error: 'bad_refresh_token' }).classification).toBe(
      'invalid_grant',
    );
    expect(errorFromAnswer(context, { status: 200, error: 'invalid_auth' }).classification).toBe(
      'invalid_grant',
    );
    expect(errorFromAnswer(context, { status: 401, error: 'something_new' }).classification).toBe(
      'invalid_client',
    );
    expect(errorFromAnswer(context, { status: 400, error: 'something_new' })).toMatchObject({
      classification: 'unexpected',
      status: 502,
    });
    expect(errorFromAnswer(context, { status: undefined }).classification).toBe('unexpected');
  });

  it('names the provider and its code, keeps the detail safe, and scrubs the secrets of the call', () => {
    const error = errorFromAnswer(context, {
      status: 400,
      error: 'bad_refresh_token',
      description: 'The refresh token gho_refresh-token-1 is invalid',
    });
    expect(error.message).toBe(
      'GitHub rejected the grant (bad_refresh_token): the connection must be authorized again',
    );
    expect(error.detail).toEqual({
      provider: 'github',
      operation: 'refresh',
      status: 400,
      providerError: 'bad_refresh_token',
      description: 'The refresh token [redacted] is invalid',
    });
    // A code that does not look like one is not repeated anywhere.
    const odd = errorFromAnswer(context, { status: 400, error: '<b>gho_refresh-token-1</b>' });
    expect(odd.message).toBe('GitHub answered with an unexpected error (HTTP 400)');
    expect(JSON.stringify(odd.detail)).not.toContain('gho_refresh');
  });

  it('carries Retry-After on rate limits and outages', () => {
    const limited = errorFromAnswer(context, { status: 429, retryAfter: '30' });
    expect(limited).toMatchObject({ classification: 'rate_limited', retryAfterMs: 30_000 });
    expect(limited.message).toContain('retry in 30 s');
    expect(errorFromAnswer(context, { status: 503, retryAfter: '5' })).toMatchObject({ retryAfterMs: 5_000 });
    expect(errorFromAnswer(context, { status: 503 })).toMatchObject({ retryAfterMs: null });
  });
});

describe('answerOf', () => {
  it("reads RFC 6749's error fields, or the code and message most REST APIs use, and Retry-After", () => {
    expect(answerOf(response(400, '{"error":"invalid_token","error_description":"expired"}'))).toEqual({
      status: 400,
      error: 'invalid_token',
      description: 'expired',
      retryAfter: null,
    });
    expect(
      answerOf(response(404, '{"code":"object_not_found","message":"gone"}', { 'Retry-After': '7' })),
    ).toEqual({
      status: 404,
      error: 'object_not_found',
      description: 'gone',
      retryAfter: '7',
    });
  });

  it('leaves the status alone to classify a body that is not a JSON object', () => {
    for (const body of ['<html>oops</html>', '["error"]', 'null', ''])
      expect(answerOf(response(502, body)), body).toEqual({ status: 502, retryAfter: null });
  });
});

describe('transportError', () => {
  it('reports a timeout, found anywhere in the cause chain, with the limit', () => {
    const timeout = new Error('aborted', { cause: Object.assign(new Error('t'), { name: 'TimeoutError' }) });
    expect(isTimeout(timeout)).toBe(true);
    const error = transportError(context, timeout);
    expect(error).toMatchObject({
      classification: 'transient',
      detail: { reason: 'timeout', timeoutMs: 5_000 },
    });
    expect(error.message).toBe('GitHub did not answer within 5000 ms; try again later');
  });

  it("reports an unreachable provider by the system's error code, else by the innermost cause's words", () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(transportError(context, refused).detail).toMatchObject({ reason: 'network: ECONNREFUSED' });
    const badPort = new TypeError('fetch failed', { cause: new Error('bad port') });
    expect(transportError(context, badPort).detail).toMatchObject({ reason: 'network: bad port' });
    expect(isTimeout(badPort)).toBe(false);
    expect(transportError(context, 'not an error').detail).toMatchObject({ reason: 'network: unknown' });
  });
});
