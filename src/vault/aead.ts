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

/**
 * IVs come from a pool of random bytes filled 512 at a time: one call into the CSPRNG per 512
 * seals instead of one each (a webhook delivery seals two parts; the call cost more than the
 * bytes). Each IV is a copy of bytes handed out once, as random as randomBytes(12).
 */
const IV_POOL_BYTES = IV_BYTES * 512;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  // Handed out: nothing keeps a copy that could be handed out again.
  ivPool.fill(0, ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function seal(key: KeyObject, plaintext: Buffer, aad: Buffer): SealedParts {
  const iv = freshIv();
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
