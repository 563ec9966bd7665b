import { describe, expect, it } from 'vitest';
import { decisionId, errorText } from '../../../src/projections/runner/decisions.js';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('decisionId', () => {
  it('is the same UUIDv5 for the same decision, so a repeated decision appends nothing new', () => {
    const id = decisionId('connections', 42n, 'parked');
    expect(id).toMatch(UUID_V5);
    expect(decisionId('connections', 42n, 'parked')).toBe(id);
    expect(decisionId('connections', 42, 'parked')).toBe(id);
  });

  it('differs by projection, position, kind and every further part, with no ambiguity between parts', () => {
    const ids = [
      decisionId('connections', 42n, 'parked'),
      decisionId('tenants', 42n, 'parked'),
      decisionId('connections', 43n, 'parked'),
      decisionId('connections', 42n, 'stopped'),
      decisionId('connections', 42n, 'parked', 50n),
      // Joined without a separator, this one would read as the first.
      decisionId('connections', 4n, '2parked'),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('errorText', () => {
  it("keeps an error's message, or the text of anything else thrown", () => {
    expect(errorText(new Error('duplicate key'))).toBe('duplicate key');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(42)).toBe('42');
  });

  it('makes it storable and bounds it at 2,000 characters', () => {
    expect(errorText(new Error('bad \u0000 value \ud83d'))).toBe('bad \ufffd value \ufffd');
    expect(errorText(new Error('x'.repeat(5_000)))).toHaveLength(2_000);
  });
});
