import { describe, expect, it } from 'vitest';
import { anyEqual, equalBytes, equalTokens } from '../../src/shared/constant-time.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('constant-time comparisons', () => {
  it('equalBytes: equal content only, a length mismatch included', () => {
    expect(equalBytes(bytes('digest'), bytes('digest'))).toBe(true);
    expect(equalBytes(bytes('digest'), bytes('digesT'))).toBe(false);
    expect(equalBytes(bytes('digest'), bytes('digest!'))).toBe(false);
    expect(equalBytes(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });

  it('anyEqual: true when any candidate matches, wherever it stands; false for none or no candidates', () => {
    const expected = bytes('v1,sig');
    expect(anyEqual([bytes('v1,sig'), bytes('other')], expected)).toBe(true);
    expect(anyEqual([bytes('other'), bytes('short'), bytes('v1,sig')], expected)).toBe(true);
    expect(anyEqual([bytes('other'), bytes('v1,siG')], expected)).toBe(false);
    expect(anyEqual([], expected)).toBe(false);
  });

  it('equalTokens: compares tokens of any length, equal only when identical', () => {
    expect(equalTokens(bytes('client-state-secret'), bytes('client-state-secret'))).toBe(true);
    expect(equalTokens(bytes('client-state-secre'), bytes('client-state-secret'))).toBe(false);
    expect(equalTokens(bytes(''), bytes('client-state-secret'))).toBe(false);
    expect(equalTokens(bytes(''), bytes(''))).toBe(true);
  });
});
