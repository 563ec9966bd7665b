import { createHash, createSecretKey, type KeyObject } from 'node:crypto';
import { IV_BYTES, KEY_BYTES, open, seal, TAG_BYTES } from './aead.js';
import { DataKeyUnwrapFailedError, MasterKeyUnavailableError } from './errors.js';
import type { KeyEncryptionService, WrappedKey } from './kms.js';

/** First byte of a wrapped key, so the layout can change without guessing what an old row holds. */
const FORMAT_V1 = 0x01;

/**
 * A master key's id: a fingerprint, so the same key gets the same id in every process and
 * restart without anyone writing ids down. 64 bits of a domain-separated SHA-256 of a random
 * 256-bit key say nothing usable about it.
 */
export function masterKeyId(key: Buffer): string {
  const digest = createHash('sha256').update('switchboard/master-key-id/v1\0').update(key).digest('hex');
  return `mk_${digest.slice(0, 16)}`;
}

/**
 * The local key ring: the current master key wraps, it and the previous ones unwrap. Keys are
 * held as KeyObjects (native memory, not on the JS heap); the Buffers passed in stay the caller's.
 * Retiring a master key = leaving it out of the ring at the next start, once rewrapAll has moved
 * every data key off it (TokenVault.masterKeyUsage tells).
 */
export class LocalKms implements KeyEncryptionService {
  readonly currentKeyId: string;
  /** Every id this ring can unwrap, the current one first. */
  readonly keyIds: readonly string[];
  private readonly ring = new Map<string, KeyObject>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== KEY_BYTES) throw new Error(`A master key must be ${KEY_BYTES} bytes`);
      const id = masterKeyId(key);
      if (!this.ring.has(id)) this.ring.set(id, createSecretKey(key));
    }
    this.currentKeyId = masterKeyId(current);
    this.keyIds = [...this.ring.keys()];
  }

  async wrap(plaintextKey: Buffer, aad: Buffer): Promise<WrappedKey> {
    const { iv, ciphertext, tag } = seal(this.ring.get(this.currentKeyId)!, plaintextKey, aad);
    return { keyId: this.currentKeyId, wrapped: Buffer.concat([Buffer.of(FORMAT_V1), iv, ciphertext, tag]) };
  }

  async unwrap(keyId: string, wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    const key = this.ring.get(keyId);
    if (!key) throw new MasterKeyUnavailableError(keyId);
    if (wrapped.length <= 1 + IV_BYTES + TAG_BYTES || wrapped[0] !== FORMAT_V1)
      throw new DataKeyUnwrapFailedError(keyId);
    const plaintext = open(
      key,
      {
        iv: wrapped.subarray(1, 1 + IV_BYTES),
        ciphertext: wrapped.subarray(1 + IV_BYTES, wrapped.length - TAG_BYTES),
        tag: wrapped.subarray(wrapped.length - TAG_BYTES),
      },
      aad,
    );
    if (!plaintext) throw new DataKeyUnwrapFailedError(keyId);
    return plaintext;
  }
}
