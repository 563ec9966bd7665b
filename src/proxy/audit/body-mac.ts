import { createHmac, type Hmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type { BodyMacRecord } from '../../events/provider-call.js';
import type { TokenVault } from '../../vault/vault.js';

/** The part of the vault that derives per-purpose keys from a tenant's data keys. */
export type MacKeys = Pick<TokenVault, 'deriveKey'>;

/** HKDF label of the body MAC key: changing it (a v2) makes a new key, never reuses this one. */
export const BODY_MAC_PURPOSE = 'provider-call/body-mac/v1';

/** What the audit record keeps of a body: its size, and its MAC when it had any bytes. */
export interface CallBodyDigest {
  bytes: number;
  mac: BodyMacRecord | null;
}

/**
 * HMAC-SHA256 of a body as it streams by, for the proxy, which never holds a body whole: feed it
 * every chunk, then `digest()` once. Start it (`CallRecorder.bodyMac`) before the first chunk.
 */
export class BodyMacWriter {
  private readonly hmac: Hmac;
  private size = 0;
  private result: CallBodyDigest | null = null;

  constructor(
    private readonly keyId: string,
    key: KeyObject,
  ) {
    this.hmac = createHmac('sha256', key);
  }

  update(chunk: Uint8Array | string): void {
    if (this.result) throw new Error('BodyMacWriter.update after digest');
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.size += bytes.byteLength;
    this.hmac.update(bytes);
  }

  /** The size and MAC; the same object on every later call. */
  digest(): CallBodyDigest {
    if (!this.result) {
      const hmac = this.hmac.digest('hex');
      this.result = { bytes: this.size, mac: this.size === 0 ? null : { keyId: this.keyId, hmac } };
    }
    return this.result;
  }
}

/** A MAC writer under the tenant's current body-MAC key. */
export async function startBodyMac(keys: MacKeys, tenantId: string): Promise<BodyMacWriter> {
  const { keyId, key } = await keys.deriveKey(tenantId, BODY_MAC_PURPOSE);
  return new BodyMacWriter(keyId, key);
}

/**
 * Whether `body` is the body a record's MAC was made of. Throws TenantKeyDestroyedError once the
 * tenant is deleted: then nobody can say.
 */
export async function verifyBodyMac(
  keys: MacKeys,
  tenantId: string,
  mac: BodyMacRecord,
  body: Uint8Array | string,
): Promise<boolean> {
  const { key } = await keys.deriveKey(tenantId, BODY_MAC_PURPOSE, mac.keyId);
  const expected = createHmac('sha256', key).update(body).digest();
  const recorded = Buffer.from(mac.hmac, 'hex');
  return recorded.length === expected.length && timingSafeEqual(recorded, expected);
}
