import { describe, expect, it } from 'vitest';
import { classifyErrorCode, safeErrorCode } from '../../src/oauth/error-codes.js';

describe('classifyErrorCode', () => {
  it('maps RFC 6749 and OpenID Connect codes to what the caller should do', () => {
    expect(classifyErrorCode('invalid_grant')).toBe('invalid_grant');
    expect(classifyErrorCode('unauthorized_client')).toBe('invalid_client');
    expect(classifyErrorCode('access_denied')).toBe('access_denied');
    expect(classifyErrorCode('login_required')).toBe('access_denied');
    expect(classifyErrorCode('temporarily_unavailable')).toBe('transient');
    expect(classifyErrorCode('slow_down')).toBe('rate_limited');
  });

  it("maps providers' own words for the same failures", () => {
    expect(classifyErrorCode('bad_verification_code')).toBe('invalid_grant'); // GitHub
    expect(classifyErrorCode('incorrect_client_credentials')).toBe('invalid_client'); // GitHub
    expect(classifyErrorCode('invalid_refresh_token')).toBe('invalid_grant'); // Slack
    expect(classifyErrorCode('bad_client_secret')).toBe('invalid_client'); // Slack
    expect(classifyErrorCode('ratelimited')).toBe('rate_limited'); // Slack
  });

  it('knows nothing of other codes, inherited object members included', () => {
    expect(classifyErrorCode(undefined)).toBeUndefined();
    expect(classifyErrorCode('something_new')).toBeUndefined();
    expect(classifyErrorCode('constructor')).toBeUndefined();
    expect(classifyErrorCode('INVALID_GRANT')).toBeUndefined();
  });
});

describe('safeErrorCode', () => {
  it('repeats what looks like an error code', () => {
    for (const code of ['invalid_grant', 'urn:ietf:params:oauth:error', 'token.expired-1', 'x'.repeat(80)])
      expect(safeErrorCode(code), code).toBe(code);
  });

  it('repeats nothing else: spaces, quotes, markup, long or empty text, other types', () => {
    for (const value of [
      'has space',
      "code 'abc' expired",
      '<script>',
      'x'.repeat(81),
      '',
      42,
      null,
      { error: 'x' },
    ])
      expect(safeErrorCode(value), String(value)).toBeUndefined();
  });
});
