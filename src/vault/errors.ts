import { SwitchboardError } from '../shared/errors.js';

/**
 * Vault errors carry ids (tenant, connection, key ids: none of them secret) and never key
 * material or plaintext: they end up in logs, and a message is the first thing people paste.
 */

/** Why a ciphertext was refused; for logs only, the client-facing message stays the same. */
export type DecryptionFailure =
  /** Not a v1 sealed value, or its IV or tag has the wrong length. */
  | 'MALFORMED'
  /** No data key has this id. */
  | 'UNKNOWN_KEY'
  /** The data key belongs to another tenant: the ciphertext was moved. */
  | 'OTHER_TENANT'
  /** GCM authentication failed: altered bytes, or sealed for another tenant or connection. */
  | 'AUTHENTICATION_FAILED';

export class DecryptionFailedError extends SwitchboardError {
  readonly reason: DecryptionFailure;

  constructor(reason: DecryptionFailure, ids: { tenantId: string; connectionId: string; keyId?: string }) {
    super(
      'DECRYPTION_FAILED',
      'A stored secret could not be decrypted: it was altered, or it does not belong to this tenant and connection',
      { status: 500, detail: { reason, ...ids } },
    );
    this.reason = reason;
  }
}

/** The tenant's keys were crypto-shredded (tenant deleted): its secrets are gone for good. */
export class TenantKeyDestroyedError extends SwitchboardError {
  constructor(tenantId: string) {
    super(
      'TENANT_KEYS_DESTROYED',
      `The keys of tenant ${tenantId} were destroyed: its secrets are unreadable`,
      {
        status: 410,
        detail: { tenantId },
      },
    );
  }
}

/** A data key is wrapped by a master key this process does not hold (retired too early, or missing). */
export class MasterKeyUnavailableError extends SwitchboardError {
  constructor(masterKeyId: string) {
    super(
      'MASTER_KEY_UNAVAILABLE',
      `Master key ${masterKeyId} is not in the key ring: a data key is still wrapped by it. ` +
        'Put it back in SWITCHBOARD_MASTER_KEYS_PREVIOUS, run rewrapAll, and retire it only when nothing uses it.',
      { status: 500, detail: { masterKeyId } },
    );
  }
}

/** A wrapped data key failed authentication under its master key: the key store row was altered or moved. */
export class DataKeyUnwrapFailedError extends SwitchboardError {
  constructor(masterKeyId: string) {
    super(
      'DATA_KEY_UNWRAP_FAILED',
      `A data key wrapped by master key ${masterKeyId} failed authentication: its key store row was altered or moved`,
      { status: 500, detail: { masterKeyId } },
    );
  }
}
