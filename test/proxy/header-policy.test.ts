import { describe, expect, it } from 'vitest';
import { forwardedRequestHeaders, returnedResponseHeaders } from '../../src/proxy/header-policy.js';

describe('forwardedRequestHeaders', () => {
  it('passes the allowlist, if-* and the declared names (any case), and never the caller credentials', () => {
    const declared = ['X-GitHub-Api-Version', 'Authorization', 'X-Custom-List'];
    const headers = {
      accept: 'application/vnd.github+json',
      'if-none-match': '"abc"',
      'x-github-api-version': '2022-11-28',
      authorization: 'Bearer caller-token',
      cookie: 'session=1',
      'x-tenant-id': 'acme',
      'user-agent': 'curl/8',
      'x-custom-list': ['a', 'b'],
    };
    const expected = {
      accept: 'application/vnd.github+json',
      'if-none-match': '"abc"',
      'x-github-api-version': '2022-11-28',
      'x-custom-list': 'a, b',
    };
    expect(forwardedRequestHeaders(headers, declared)).toEqual(expected);
    // Same manifest array again (the declared names are remembered per array).
    expect(forwardedRequestHeaders(headers, declared)).toEqual(expected);
    expect(forwardedRequestHeaders(headers, [])).toEqual({
      accept: headers.accept,
      'if-none-match': '"abc"',
    });
  });
});

describe('returnedResponseHeaders', () => {
  it('drops hop-by-hop headers, those the Connection header names, cookies and CORS', () => {
    const returned = returnedResponseHeaders({
      'content-type': 'application/json',
      connection: 'keep-alive, X-Trace-Hop',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'x-trace-hop': '1',
      'set-cookie': ['a=1', 'b=2'],
      'access-control-allow-origin': '*',
      'x-ratelimit-remaining': '4999',
      etag: '"abc"',
      vary: undefined,
    });
    expect(returned).toEqual({
      'content-type': 'application/json',
      'x-ratelimit-remaining': '4999',
      etag: '"abc"',
    });
  });

  it('keeps every end-to-end header when the Connection header names none', () => {
    expect(returnedResponseHeaders({ 'X-Request-Id': 'r1', 'content-length': '2' })).toEqual({
      'x-request-id': 'r1',
      'content-length': '2',
    });
  });
});
