import { describe, expect, it } from 'vitest';
import { refreshFailureOf } from '../../../src/connections/tokens/refresh-failure.js';
import {
  ProviderInvalidClientError,
  ProviderInvalidGrantError,
  ProviderRateLimitedError,
  ProviderTransientError,
} from '../../../src/oauth/index.js';

const detail = { provider: 'github', operation: 'refresh' } as const;

describe('refreshFailureOf', () => {
  it('marks invalid_grant as needing the user to reconnect, and not worth retrying', () => {
    const error = new ProviderInvalidGrantError('GitHub rejected the grant (bad_refresh_token)', 400, detail);
    expect(refreshFailureOf(error, 1)).toEqual({
      failure: 'invalid_grant',
      message: 'GitHub rejected the grant (bad_refresh_token)',
      retryable: false,
      attempts: 1,
      reauthRequired: true,
    });
  });

  it('marks outages and rate limits as retryable, without asking the user for anything', () => {
    for (const error of [
      new ProviderTransientError('GitHub is unavailable (HTTP 503)', detail, null),
      new ProviderRateLimitedError('GitHub is rate limiting requests', detail, 30_000),
    ])
      expect(refreshFailureOf(error, 3), error.message).toMatchObject({
        failure: error.classification,
        retryable: true,
        attempts: 3,
        reauthRequired: false,
      });
  });

  it('records a configuration problem as such: not retryable, but no reconnect either', () => {
    const error = new ProviderInvalidClientError(
      "GitHub refused the integration's configuration",
      400,
      detail,
    );
    expect(refreshFailureOf(error, 1)).toMatchObject({
      failure: 'invalid_client',
      retryable: false,
      reauthRequired: false,
    });
  });

  it('records anything else in our own words, never the text of an arbitrary error', () => {
    expect(refreshFailureOf(new Error('secret-token leaked in a stack'), 2)).toEqual({
      failure: 'error',
      message: 'The authorization could not be completed',
      retryable: false,
      attempts: 2,
      reauthRequired: false,
    });
  });

  it('counts at least one attempt', () => {
    expect(refreshFailureOf(new Error('x'), 0).attempts).toBe(1);
  });
});
