import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import path from 'node:path';
import { parseAuditSigningKey } from '../config/audit-signing-key.js';
import type { Config } from '../config/config.js';
import { StartupError } from '../platform/startup.js';
import { readOrCreateKeyFile } from '../vault/key-file.js';

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface AuditPublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

/** Where the embedded profile keeps its generated signing key, inside DATA_DIR. */
export const AUDIT_KEY_FILE = 'audit-signing.key';

/** The key's RFC 7638 thumbprint (SHA-256, base64url): a name anyone can recompute from the key. */
export function keyIdOf(jwk: AuditPublicJwk): string {
  const members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(members).digest('base64url');
}

export function publicJwkOf(key: KeyObject): AuditPublicJwk {
  const { x } = createPublicKey(key).export({ format: 'jwk' }) as { x: string };
  return { kty: 'OKP', crv: 'Ed25519', x };
}

export class AuditSigningKey {
  readonly publicJwk: AuditPublicJwk;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    this.publicJwk = publicJwkOf(privateKey);
    this.keyId = keyIdOf(this.publicJwk);
  }

  /** Ed25519 signature of `message`, base64url. */
  sign(message: Buffer): string {
    return sign(null, message, this.privateKey).toString('base64url');
  }
}

export function verifySignature(jwk: AuditPublicJwk, message: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    return verify(null, message, key, Buffer.from(signature, 'base64url'));
  } catch {
    return false;
  }
}

type AuditKeyConfig = Pick<Config, 'profile' | 'dataDir'> & { audit: Pick<Config['audit'], 'signingKey'> };

interface KeyLogger {
  warn(details: object, message: string): void;
}

/** Warned about once per process and file, not at every runtime the tests create. */
const warnedFiles = new Set<string>();

/**
 * The key this instance seals with: SWITCHBOARD_AUDIT_SIGNING_KEY, or, on the embedded profile
 * only, one generated once in DATA_DIR (said loudly: whoever can write the data directory can also
 * sign, so such seals prove nothing to an outside auditor). Production refuses to start without it.
 */
export async function loadAuditSigningKey(
  config: AuditKeyConfig,
  logger: KeyLogger,
): Promise<AuditSigningKey> {
  if (config.audit.signingKey) return new AuditSigningKey(parseAuditSigningKey(config.audit.signingKey));
  if (config.profile === 'production') {
    throw new StartupError(
      'SWITCHBOARD_AUDIT_SIGNING_KEY',
      'is required in the production profile: it signs the audit seals over the event log, and a key ' +
        'generated beside the database would let whoever edits the database sign again. Set it to an ' +
        'Ed25519 private key (`openssl genpkey -algorithm ed25519`, PEM) or its 32-byte seed in base64, ' +
        'kept in your secret manager.',
    );
  }
  const file = path.join(config.dataDir, AUDIT_KEY_FILE);
  const seed = await readOrCreateKeyFile(file, { what: 'the audit signing key', logger });
  try {
    if (!warnedFiles.has(file)) {
      warnedFiles.add(file);
      logger.warn(
        { file, variable: 'SWITCHBOARD_AUDIT_SIGNING_KEY' },
        `DEVELOPMENT ONLY: no SWITCHBOARD_AUDIT_SIGNING_KEY, so audit seals are signed with the generated key in ${file}. ` +
          'Whoever can write the data directory can sign seals too. Set SWITCHBOARD_AUDIT_SIGNING_KEY for seals an auditor can trust.',
      );
    }
    return new AuditSigningKey(parseAuditSigningKey(seed.toString('base64')));
  } finally {
    seed.fill(0);
  }
}
