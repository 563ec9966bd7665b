import { describe, expect, it } from 'vitest';
import { pgJson, pgText, pgValue } from '../../../src/projections/read-models/pg-text.js';

describe('pgText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps everything else, pairs included', () => {
    expect(pgText('plain')).toBe('plain');
    expect(pgText('a\u0000b\u0000')).toBe('a\ufffdb\ufffd');
    expect(pgText('emoji 😀 ok')).toBe('emoji 😀 ok');
    expect(pgText('high \ud83d alone')).toBe('high \ufffd alone');
    expect(pgText('low \ude00 alone')).toBe('low \ufffd alone');
    expect(pgText('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(pgText('end \ud83d')).toBe('end \ufffd');
  });

  it('makes column values and JSON storable (jsonb refuses the \\u0000 escape too)', () => {
    expect(pgValue(['ok', 'x\u0000'])).toEqual(['ok', 'x\ufffd']);
    expect(pgValue(42)).toBe(42);
    expect(pgValue(null)).toBeNull();
    const json = pgJson({ a: 'x\u0000', 'k\u0000': ['\ud800'], n: 1 });
    expect(json).not.toContain('\\u0000');
    expect(JSON.parse(json)).toEqual({ a: 'x\ufffd', 'k\ufffd': ['\ufffd'], n: 1 });
  });
});
