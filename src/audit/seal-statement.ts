import type { AuditSeal } from '../events/audit.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { type AuditPublicJwk, verifySignature } from './signing-key.js';

/** Prefixed to what is signed, so a seal's signature can never be replayed as any other message. */
const CONTEXT = 'switchboard-audit-seal-v1\n';

export type SealStatement = Omit<AuditSeal, 'signature' | 'sealedAt'>;

/**
 * The bytes a seal's signature covers: the context line, then the seal's range, count, root,
 * previous root, leaf format and key id as canonical JSON. `sealedAt` is informational and not signed.
 */
export function sealStatementBytes(seal: SealStatement): Buffer {
  const { fromPosition, toPosition, count, root, previousRoot, leafFormat, keyId } = seal;
  return Buffer.from(
    CONTEXT + canonicalJson({ count, fromPosition, keyId, leafFormat, previousRoot, root, toPosition }),
    'utf8',
  );
}

export const sealSignatureValid = (seal: AuditSeal, key: AuditPublicJwk): boolean =>
  verifySignature(key, sealStatementBytes(seal), seal.signature);
