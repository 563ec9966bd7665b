import { describe, expect, it } from 'vitest';
import { redact } from '../../src/oauth/redact.js';

describe('redact', () => {
  it('cuts every occurrence of every secret out of what the provider said', () => {
    expect(
      redact("The code 'abc123def' has expired; abc123def", ['abc123def', 'client-secret-1', null]),
    ).toBe("The code '[redacted]' has expired; [redacted]");
    expect(redact('token rt-999999 and secret s3cr3t-value', ['rt-999999', 's3cr3t-value'])).toBe(
      'token [redacted] and secret [redacted]',
    );
  });

  it('leaves values shorter than 6 characters alone, so ordinary words survive', () => {
    expect(redact('invalid grant', ['grant', '', undefined])).toBe('invalid grant');
  });

  it('bounds the text to 300 characters after redacting, so no prefix of a secret is left at the cut', () => {
    const secret = 'S'.repeat(20);
    const text = `${'x'.repeat(290)}${secret}`;
    const result = redact(text, [secret]);
    expect(result).toBe(`${'x'.repeat(290)}[redacted]`);
    expect(redact('y'.repeat(1_000), [])).toHaveLength(300);
  });

  it('is undefined for anything but non-empty text', () => {
    expect(redact('', ['secret-1'])).toBeUndefined();
    expect(redact(undefined, [])).toBeUndefined();
    expect(redact({ error: 'x' }, [])).toBeUndefined();
  });
});
