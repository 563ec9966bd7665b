import { describe, expect, it } from 'vitest';
import { withQueryValuesRedacted } from '../../src/platform/request-log.js';

describe('request URLs in logs', () => {
  it('keep the path and parameter names, and replace every value', () => {
    expect(withQueryValuesRedacted('/graphql')).toBe('/graphql');
    expect(withQueryValuesRedacted('/graphql?')).toBe('/graphql?');
    expect(withQueryValuesRedacted('/oauth/callback?code=abc&state=def')).toBe(
      '/oauth/callback?code=[redacted]&state=[redacted]',
    );
    expect(withQueryValuesRedacted('/x?validationToken=a%3Db&=v&flag&empty=')).toBe(
      '/x?validationToken=[redacted]&=[redacted]&[redacted]&empty=[redacted]',
    );
  });
});
