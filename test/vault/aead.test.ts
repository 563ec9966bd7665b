import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { associatedData, open, seal } from '../../src/vault/aead.js';

describe('AES-256-GCM primitives', () => {
  const key = createSecretKey(randomBytes(32));

  it('opens what it sealed, with a fresh IV each time', () => {
    const aad = associatedData('test', 'a');
    const first = seal(key, Buffer.from('secret'), aad);
    const second = seal(key, Buffer.from('secret'), aad);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(open(key, first, aad)?.toString()).toBe('secret');
  });

  it('never hands out an IV twice across refills of its random pool, and each is its own buffer', () => {
    const aad = associatedData('test', 'a');
    const ivs = Array.from({ length: 2_000 }, () => seal(key, Buffer.from('x'), aad).iv);
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(ivs.length);
    expect(ivs.every((iv) => iv.length === 12)).toBe(true);
    const before = Buffer.from(ivs[1]!);
    ivs[0]!.fill(0);
    expect(ivs[1]!.equals(before)).toBe(true);
  });

  it('returns null, not partial plaintext, when anything was altered', () => {
    const aad = associatedData('test', 'a');
    const parts = seal(key, Buffer.from('secret'), aad);
    const flipped = Buffer.from(parts.ciphertext);
    flipped[0]! ^= 1;
    expect(open(key, { ...parts, ciphertext: flipped }, aad)).toBeNull();
    expect(open(key, parts, associatedData('test', 'b'))).toBeNull();
    expect(open(createSecretKey(randomBytes(32)), parts, aad)).toBeNull();
    expect(open(key, { ...parts, tag: parts.tag.subarray(0, 12) }, aad)).toBeNull();
  });

  it('encodes associated data unambiguously', () => {
    expect(associatedData('p', 'ab', 'c').equals(associatedData('p', 'a', 'bc'))).toBe(false);
    expect(associatedData('p', 'a', '').equals(associatedData('p', 'a'))).toBe(false);
    expect(associatedData('pa', 'b').equals(associatedData('p', 'ab'))).toBe(false);
  });
});
