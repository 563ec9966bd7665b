import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeyUnwrapFailedError, MasterKeyUnavailableError } from '../../src/vault/errors.js';
import { LocalKms, masterKeyId } from '../../src/vault/local-kms.js';

describe('LocalKms (master key ring)', () => {
  const current = randomBytes(32);
  const previous = randomBytes(32);
  const dataKey = randomBytes(32);
  const aad = Buffer.from('tenant-1/dk_1');

  it('names a key by a stable, non-secret fingerprint', () => {
    expect(masterKeyId(current)).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(masterKeyId(Buffer.from(current))).toBe(masterKeyId(current));
    expect(masterKeyId(previous)).not.toBe(masterKeyId(current));
    expect(masterKeyId(current)).not.toContain(current.toString('hex').slice(0, 16));
  });

  it('wraps with the current key and unwraps with any key in the ring', async () => {
    const old = new LocalKms(previous);
    const wrappedByOld = await old.wrap(dataKey, aad);
    expect(wrappedByOld.keyId).toBe(masterKeyId(previous));
    expect(wrappedByOld.wrapped.includes(dataKey)).toBe(false);

    const ring = new LocalKms(current, [previous]);
    expect(ring.currentKeyId).toBe(masterKeyId(current));
    expect(ring.keyIds).toEqual([masterKeyId(current), masterKeyId(previous)]);
    expect((await ring.unwrap(wrappedByOld.keyId, wrappedByOld.wrapped, aad)).equals(dataKey)).toBe(true);
    const rewrapped = await ring.wrap(dataKey, aad);
    expect(rewrapped.keyId).toBe(ring.currentKeyId);
    expect((await ring.unwrap(rewrapped.keyId, rewrapped.wrapped, aad)).equals(dataKey)).toBe(true);
  });

  it('does not depend on the caller keeping its key buffers', async () => {
    const key = Buffer.from(current);
    const kms = new LocalKms(key);
    key.fill(0);
    const { keyId, wrapped } = await kms.wrap(dataKey, aad);
    expect((await kms.unwrap(keyId, wrapped, aad)).equals(dataKey)).toBe(true);
  });

  it('refuses a retired master key by id, and altered or misbound wraps, without key material in the error', async () => {
    const { keyId, wrapped } = await new LocalKms(previous).wrap(dataKey, aad);
    const error = await new LocalKms(current).unwrap(keyId, wrapped, aad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MasterKeyUnavailableError);
    expect((error as Error).message).toContain(keyId);
    expect((error as Error).message).toContain('SWITCHBOARD_MASTER_KEYS_PREVIOUS');

    const kms = new LocalKms(previous);
    const altered = Buffer.from(wrapped);
    altered[20]! ^= 1;
    for (const attempt of [
      kms.unwrap(keyId, altered, aad),
      kms.unwrap(keyId, wrapped, Buffer.from('tenant-2/dk_1')),
      kms.unwrap(keyId, wrapped.subarray(0, 20), aad),
    ]) {
      const failure = await attempt.catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(DataKeyUnwrapFailedError);
      const text = JSON.stringify({ message: (failure as Error).message, ...(failure as object) });
      for (const secret of [previous, dataKey]) {
        expect(text).not.toContain(secret.toString('base64'));
        expect(text).not.toContain(secret.toString('hex'));
      }
    }
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => new LocalKms(randomBytes(16))).toThrow('32 bytes');
  });
});
