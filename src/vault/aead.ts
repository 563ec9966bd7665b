import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';

/** AES-256-GCM, the one cipher of the vault: for data keys under master keys and for secrets under data keys. */
export const KEY_BYTES = 32;
/** 96 bits: GCM's native nonce size; random per message, never reused with one key in practice. */
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

export interface SealedParts {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function seal(key: KeyObject, plaintext: Buffer, aad: Buffer): SealedParts {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Returns the plaintext, or null when authentication fails (altered bytes, another key, other
 * associated data). Null rather than OpenSSL's error so callers raise their own, id-only error.
 */
export function open(key: KeyObject, parts: SealedParts, aad: Buffer): Buffer | null {
  if (parts.iv.length !== IV_BYTES || parts.tag.length !== TAG_BYTES) return null;
  const decipher = createDecipheriv(ALGORITHM, key, parts.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(parts.tag);
  const head = decipher.update(parts.ciphertext);
  try {
    return Buffer.concat([head, decipher.final()]);
  } catch {
    // Unauthenticated plaintext must not outlive the failed check.
    head.fill(0);
    return null;
  }
}

/**
 * Associated data as length-prefixed fields, a purpose label first, so no two different field
 * lists encode alike ("a|bc" vs "ab|c") whatever characters the ids hold, and a wrapped data key
 * can never pass for a sealed secret or the other way round.
 */
export function associatedData(purpose: string, ...fields: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (const field of [purpose, ...fields]) {
    const bytes = Buffer.from(field, 'utf8');
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  }
  return Buffer.concat(parts);
}
