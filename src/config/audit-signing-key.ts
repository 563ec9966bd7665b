import { createPrivateKey, type KeyObject } from 'node:crypto';

/** The DER prefix that turns a raw 32-byte Ed25519 seed into a PKCS#8 private key (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
export const ED25519_SEED_BYTES = 32;

/**
 * SWITCHBOARD_AUDIT_SIGNING_KEY: an Ed25519 private key as PKCS#8 PEM (`openssl genpkey -algorithm
 * ed25519`) or its 32-byte seed in base64. Throws a message fit for a configuration report.
 */
export function parseAuditSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: trimmed.replace(/\\n/g, '\n'), format: 'pem' });
    } catch {
      throw new Error('is not a readable PEM private key');
    }
    if (key.asymmetricKeyType !== 'ed25519') {
      throw new Error(`must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'a symmetric key'}`);
    }
    return key;
  }
  const seed = Buffer.from(trimmed, 'base64');
  if (seed.length !== ED25519_SEED_BYTES || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new Error('must be an Ed25519 private key: PKCS#8 PEM, or its 32-byte seed in base64');
  }
  try {
    return createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  } finally {
    seed.fill(0);
  }
}

export function isAuditSigningKey(text: string): boolean {
  try {
    parseAuditSigningKey(text);
    return true;
  } catch {
    return false;
  }
}
