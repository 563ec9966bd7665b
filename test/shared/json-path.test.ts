import { describe, expect, it } from 'vitest';
import { firstIdAt, readPath, readSeconds, readString, valuesAt } from '../../src/shared/json-path.js';

describe('valuesAt', () => {
  it('follows objects and spreads arrays, keeping a hole where a branch has no value', () => {
    const document = { value: [{ clientState: 'a' }, {}, { clientState: 'c' }], team: { id: 'T1' } };
    expect(valuesAt(document, 'value[].clientState')).toEqual(['a', undefined, 'c']);
    expect(valuesAt(document, 'team.id')).toEqual(['T1']);
    expect(valuesAt(document, 'missing.path')).toEqual([undefined]);
    expect(valuesAt([{ portalId: 1 }, { portalId: 2 }], '[].portalId')).toEqual([1, 2]);
    expect(valuesAt({ value: 'not an array' }, 'value[].x')).toEqual([undefined]);
  });

  it('flattens nested spreads in document order, one entry per branch', () => {
    const document = { a: [{ b: [{ c: 1 }, { c: 2 }] }, { b: 'no list' }, { b: [{ c: 3 }] }] };
    expect(valuesAt(document, 'a[].b[].c')).toEqual([1, 2, undefined, 3]);
  });

  it('gives no branch at all for an empty array, so "every element has it" is not faked by a hole', () => {
    expect(valuesAt({ value: [] }, 'value[].clientState')).toEqual([]);
    expect(valuesAt({ value: [] }, 'value[]')).toEqual([]);
  });

  it('reads own properties of plain objects only: nothing inherited, no array members, no primitives', () => {
    expect(valuesAt({}, 'constructor')).toEqual([undefined]);
    expect(valuesAt({}, '__proto__')).toEqual([undefined]);
    expect(valuesAt({}, 'toString')).toEqual([undefined]);
    expect(valuesAt(Object.create({ inherited: 'x' }), 'inherited')).toEqual([undefined]);
    expect(valuesAt({ constructor: 'own' }, 'constructor')).toEqual(['own']);
    expect(valuesAt({ list: [1, 2] }, 'list.length')).toEqual([undefined]);
    expect(valuesAt({ list: [1, 2] }, 'list.0')).toEqual([undefined]);
    expect(valuesAt('text', 'length')).toEqual([undefined]);
    expect(valuesAt(null, 'a')).toEqual([undefined]);
    expect(valuesAt({ a: null }, 'a.b')).toEqual([undefined]);
  });
});

describe('firstIdAt', () => {
  it('takes the first non-empty string or finite number, as a string, skipping the rest', () => {
    const document = {
      value: [{}, { id: '' }, { id: Number.NaN }, { id: true }, { id: { x: 1 } }, { id: 'x-1' }],
    };
    expect(firstIdAt(document, 'value[].id')).toBe('x-1');
    expect(firstIdAt({ a: { b: 7 } }, 'a.b')).toBe('7');
    expect(firstIdAt({ a: [{ id: 0 }, { id: 'later' }] }, 'a[].id')).toBe('0');
  });

  it('is null when no branch carries an id', () => {
    expect(firstIdAt({ a: '' }, 'a')).toBeNull();
    expect(firstIdAt({ a: Number.POSITIVE_INFINITY }, 'a')).toBeNull();
    expect(firstIdAt({ a: [] }, 'a[].id')).toBeNull();
    expect(firstIdAt({}, 'constructor')).toBeNull();
  });
});

describe('readPath', () => {
  it('reads the single value at a dotted path, whatever its type', () => {
    const response = { authed_user: { access_token: 'xoxp-1', scopes: ['a'] }, ok: true };
    expect(readPath(response, 'authed_user.access_token')).toBe('xoxp-1');
    expect(readPath(response, 'authed_user')).toEqual({ access_token: 'xoxp-1', scopes: ['a'] });
    expect(readPath(response, 'ok')).toBe(true);
    expect(readPath(response, 'authed_user.missing')).toBeUndefined();
  });

  it('refuses paths that spread over arrays, even when they would find a value', () => {
    expect(readPath({ a: [{ b: 'x' }] }, 'a[].b')).toBeUndefined();
    expect(readPath([{ b: 'x' }], '[].b')).toBeUndefined();
  });

  it("reads a key with dots in its name, as Graph's OData annotations are, before the nested path", () => {
    const page = {
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users/delta?$skiptoken=abc',
      '@odata': { nextLink: 'nested' },
      value: [],
    };
    expect(readPath(page, '@odata.nextLink')).toBe(page['@odata.nextLink']);
    expect(readPath({ '@odata': { nextLink: 'nested' } }, '@odata.nextLink')).toBe('nested');
    expect(readPath({ value: [] }, '@odata.deltaLink')).toBeUndefined();
  });
});

describe('readString', () => {
  it('reads a non-empty string, or a finite number written as one', () => {
    expect(readString({ team: { id: 'T1' } }, 'team.id')).toBe('T1');
    expect(readString({ hub_id: 62515 }, 'hub_id')).toBe('62515');
  });

  it('is null for no path, an absent or empty value, other types, and spreads', () => {
    expect(readString({ a: 'x' }, undefined)).toBeNull();
    expect(readString({}, 'a')).toBeNull();
    expect(readString({ a: '' }, 'a')).toBeNull();
    expect(readString({ a: Number.NaN }, 'a')).toBeNull();
    expect(readString({ a: true }, 'a')).toBeNull();
    expect(readString({ a: { b: 'x' } }, 'a')).toBeNull();
    expect(readString({ a: [{ b: 'x' }] }, 'a[].b')).toBeNull();
  });
});

describe('readSeconds', () => {
  it('reads a non-negative number, or one written as a string (form-encoded responses)', () => {
    expect(readSeconds({ expires_in: 3600 }, 'expires_in')).toBe(3600);
    expect(readSeconds({ expires_in: '3600' }, 'expires_in')).toBe(3600);
    expect(readSeconds({ expires_in: 0 }, 'expires_in')).toBe(0);
    expect(readSeconds({ expires_in: 1.5 }, 'expires_in')).toBe(1.5);
    expect(readSeconds({ token: { ttl: '60' } }, 'token.ttl')).toBe(60);
  });

  it('is null for no path, absent, blank, non-numeric, negative or infinite values', () => {
    expect(readSeconds({ expires_in: 3600 }, undefined)).toBeNull();
    expect(readSeconds({}, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: '' }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: '   ' }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: 'soon' }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: -1 }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: '-5' }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: Number.POSITIVE_INFINITY }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: null }, 'expires_in')).toBeNull();
    expect(readSeconds({ expires_in: true }, 'expires_in')).toBeNull();
  });
});
