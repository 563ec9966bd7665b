import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson } from '../../src/platform/json-codec.js';

const roundTrip = (value: unknown) => decodeJson(encodeJson(value));

describe('json codec', () => {
  it('writes bigints in the documented tagged form and reads them back', () => {
    expect(encodeJson({ position: 12n })).toBe('{"position":{"$bigint":"12"}}');
    expect(roundTrip(-(2n ** 100n))).toBe(-(2n ** 100n));
    expect(roundTrip([1n, { deep: [2n] }])).toEqual([1n, { deep: [2n] }]);
  });

  it('leaves plain JSON untouched', () => {
    const value = { a: 1, b: 'x', c: [true, null], d: { e: 1.5 } };
    expect(encodeJson(value)).toBe(JSON.stringify(value));
  });

  it('round-trips objects that look like tags', () => {
    for (const value of [
      { $bigint: '12' },
      { $bigint: 12 },
      { $literal: 'x' },
      { $literal: { $bigint: '1' } },
      { $literal: { $literal: { $bigint: 3n } } },
      { $bigint: '1', other: true },
    ]) {
      expect(roundTrip(value)).toEqual(value);
    }
  });

  it('follows JSON.stringify for toJSON, undefined and functions', () => {
    const value = { at: new Date(0), missing: undefined, list: [undefined, () => 1], f: () => 1 };
    expect(encodeJson(value)).toBe(JSON.stringify(value));
    expect(encodeJson({ toJSON: () => 5n })).toBe('{"$bigint":"5"}');
  });

  it('keeps a __proto__ key an ordinary key', () => {
    const decoded = decodeJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuses cycles but accepts shared references', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => encodeJson(cyclic)).toThrow(TypeError);
    const shared = { n: 1n };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { n: 1n }, b: { n: 1n } });
  });

  it('returns deep-frozen values', () => {
    const decoded = roundTrip({ list: [{ x: 1 }] }) as { list: { x: number }[] };
    expect(Object.isFrozen(decoded)).toBe(true);
    expect(Object.isFrozen(decoded.list)).toBe(true);
    expect(Object.isFrozen(decoded.list[0])).toBe(true);
  });
});
