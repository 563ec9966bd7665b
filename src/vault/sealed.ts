import { z } from 'zod';
import { IV_BYTES, type SealedParts, TAG_BYTES } from './aead.js';

/**
 * A secret sealed by the vault, JSON-safe: what events and read-model columns carry instead of
 * token material. `keyId` names the tenant data key; tenant and connection are not in it because
 * they are bound as associated data and the holder already knows them.
 */
export interface Sealed {
  v: 1;
  keyId: string;
  iv: string;
  ciphertext: string;
  tag: string;
}

const base64OfLength = (bytes: number) =>
  z.base64().refine((value) => Buffer.from(value, 'base64').length === bytes, `must be ${bytes} bytes`);

/** For event schemas (`token: SealedSchema`): shape only; whether it decrypts is the vault's call. */
export const SealedSchema = z
  .object({
    v: z.literal(1),
    keyId: z.string().min(1),
    iv: base64OfLength(IV_BYTES),
    ciphertext: z.base64(),
    tag: base64OfLength(TAG_BYTES),
  })
  .strict() satisfies z.ZodType<Sealed>;

export function toSealed(keyId: string, parts: SealedParts): Sealed {
  return {
    v: 1,
    keyId,
    iv: parts.iv.toString('base64'),
    ciphertext: parts.ciphertext.toString('base64'),
    tag: parts.tag.toString('base64'),
  };
}

/** Null for anything that is not a v1 sealed value; the decrypt hot path skips the zod parse. */
export function fromSealed(sealed: Sealed): SealedParts | null {
  if (
    sealed?.v !== 1 ||
    typeof sealed.keyId !== 'string' ||
    typeof sealed.iv !== 'string' ||
    typeof sealed.ciphertext !== 'string' ||
    typeof sealed.tag !== 'string'
  )
    return null;
  const parts = {
    iv: Buffer.from(sealed.iv, 'base64'),
    ciphertext: Buffer.from(sealed.ciphertext, 'base64'),
    tag: Buffer.from(sealed.tag, 'base64'),
  };
  return parts.iv.length === IV_BYTES && parts.tag.length === TAG_BYTES ? parts : null;
}
