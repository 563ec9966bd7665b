import type { Prisma } from '../generated/prisma/client.js';
import type { Sealed } from './sealed.js';

/**
 * A Sealed value read back from a JSON read-model column; null when absent. Only the shape is
 * looked at (no zod parse on the checkout hot path): the vault refuses anything malformed anyway.
 */
export function fromSealedJson(value: Prisma.JsonValue | null | undefined): Sealed | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  return typeof value['keyId'] === 'string' ? (value as unknown as Sealed) : null;
}
