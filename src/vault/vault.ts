import { createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { associatedData, KEY_BYTES, open, seal } from './aead.js';
import { DecryptionFailedError, TenantKeyDestroyedError } from './errors.js';
import { LruTtlCache } from './key-cache.js';
import { type DataKeyRecord, type NewDataKey, newDataKeyId, type TenantKeyStore } from './key-store.js';
import type { KeyEncryptionService } from './kms.js';
import { fromSealed, type Sealed, toSealed } from './sealed.js';

// Purpose labels of the associated data: a wrapped data key can never pass for a sealed secret.
const SECRET_AAD = 'switchboard/vault/secret/v1';
const DATA_KEY_AAD = 'switchboard/vault/data-key/v1';
const CONTENT_AAD = 'switchboard/vault/content/v1';
const DERIVED_KEY_INFO = 'switchboard/vault/derived-key/v1';

const secretAad = (tenantId: string, connectionId: string) =>
  associatedData(SECRET_AAD, tenantId, connectionId);
const dataKeyAad = (tenantId: string, keyId: string) => associatedData(DATA_KEY_AAD, tenantId, keyId);
const contentAad = (tenantId: string, binding: readonly string[]) =>
  associatedData(CONTENT_AAD, tenantId, ...binding);

export interface TokenVaultOptions {
  kms: KeyEncryptionService;
  keys: TenantKeyStore;
  cache?: {
    /** Unwrapped data keys held at once (default 10,000). */
    maxKeys?: number;
    /**
     * How long an unwrapped key is trusted without asking the key store (default 60 s): also the
     * longest another instance keeps using a key this one rotated or destroyed, unless told
     * through forgetTenant.
     */
    ttlMs?: number;
  };
  now?: () => Date;
  /**
   * Told after this vault destroyed or rotated a tenant's keys, so other instances can drop their
   * cached copies at once (runtime.ts sends it through pubsub; see key-notices.ts).
   */
  onKeysChanged?: (tenantId: string) => Promise<void>;
}

interface LoadedKey {
  tenantId: string;
  /** Null when destroyed; such entries are never cached. */
  key: KeyObject | null;
}

interface ActiveKey {
  keyId: string;
  key: KeyObject;
}

/**
 * Envelope encryption of secrets (tokens, client secrets) with per-tenant data keys. Each secret
 * is AES-256-GCM under its tenant's active data key, with tenant and connection as associated
 * data; data keys are wrapped by the master key (KeyEncryptionService) and stored outside the
 * event log (TenantKeyStore), so destroying them crypto-shreds the tenant. Unwrapped keys stay
 * in memory as KeyObjects in a bounded LRU with a TTL: a warm decrypt is one AES-GCM operation.
 */
export class TokenVault {
  private readonly kms: KeyEncryptionService;
  private readonly store: TenantKeyStore;
  private readonly now: () => Date;
  private readonly onKeysChanged: (tenantId: string) => Promise<void>;
  /** keyId → unwrapped key. */
  private readonly keys: LruTtlCache<string, LoadedKey & { key: KeyObject }>;
  /** tenantId → its active keyId. */
  private readonly active: LruTtlCache<string, string>;
  private readonly loadingActive = new Map<string, Promise<ActiveKey>>();
  private readonly loadingKeys = new Map<string, Promise<LoadedKey | null>>();
  /** Bumped by every eviction: a load that started before one must not put its key back. */
  private evictions = 0;

  constructor(options: TokenVaultOptions) {
    this.kms = options.kms;
    this.store = options.keys;
    this.now = options.now ?? (() => new Date());
    this.onKeysChanged = options.onKeysChanged ?? (async () => {});
    const cache = { maxEntries: options.cache?.maxKeys ?? 10_000, ttlMs: options.cache?.ttlMs ?? 60_000 };
    this.keys = new LruTtlCache(cache);
    this.active = new LruTtlCache(cache);
  }

  /** Seals `plaintext` for one connection of one tenant; creates the tenant's data key on first use. */
  async encrypt(tenantId: string, connectionId: string, plaintext: string | Buffer): Promise<Sealed> {
    const { keyId, key } = await this.activeKey(tenantId);
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    try {
      return toSealed(keyId, seal(key, bytes, secretAad(tenantId, connectionId)));
    } finally {
      // Our copy only: a Buffer passed in stays the caller's to wipe.
      if (typeof plaintext === 'string') bytes.fill(0);
    }
  }

  /**
   * The plaintext, which the caller should zero-fill when done. Throws DecryptionFailedError when
   * the ciphertext was altered or belongs to another tenant or connection, TenantKeyDestroyedError
   * after crypto-shredding.
   */
  async decrypt(tenantId: string, connectionId: string, sealed: Sealed): Promise<Buffer> {
    const parts = fromSealed(sealed);
    if (!parts) throw new DecryptionFailedError('MALFORMED', { tenantId, connectionId });
    const key = await this.keyFor(tenantId, connectionId, sealed.keyId);
    const plaintext = open(key, parts, secretAad(tenantId, connectionId));
    if (!plaintext)
      throw new DecryptionFailedError('AUTHENTICATION_FAILED', {
        tenantId,
        connectionId,
        keyId: sealed.keyId,
      });
    return plaintext;
  }

  /**
   * Seals a tenant's customer content (a webhook payload, a dead letter's body) for the event log,
   * so that destroying the tenant's keys shreds it too. `binding` names what it belongs to (a
   * record kind and ids kept beside it in the clear): the ciphertext opens only with the same
   * binding, so it cannot be moved to another record, and a sealed token never opens as content.
   */
  async sealContent(tenantId: string, binding: readonly string[], plaintext: Buffer): Promise<Sealed> {
    const { keyId, key } = await this.activeKey(tenantId);
    return toSealed(keyId, seal(key, plaintext, contentAad(tenantId, binding)));
  }

  /** What sealContent sealed, given the same binding; throws like decrypt. */
  async openContent(tenantId: string, binding: readonly string[], sealed: Sealed): Promise<Buffer> {
    const ids = { tenantId, connectionId: binding.join('/') };
    const parts = fromSealed(sealed);
    if (!parts) throw new DecryptionFailedError('MALFORMED', ids);
    const key = await this.keyFor(tenantId, ids.connectionId, sealed.keyId);
    const plaintext = open(key, parts, contentAad(tenantId, binding));
    if (!plaintext) throw new DecryptionFailedError('AUTHENTICATION_FAILED', { ...ids, keyId: sealed.keyId });
    return plaintext;
  }

  /**
   * A key for one purpose (a MAC, never encryption of secrets), derived from one of the tenant's
   * data keys with HKDF-SHA256; the purpose and tenant are the HKDF info, so no two purposes or
   * tenants share a derived key, and the data key itself never leaves the vault. Without `keyId`
   * it derives from the active data key; with one, from that key (retired keys still derive, so
   * what was made before a rotation still verifies). Throws TenantKeyDestroyedError after
   * crypto-shredding: nothing derived from the tenant's keys can be recomputed then.
   */
  async deriveKey(
    tenantId: string,
    purpose: string,
    keyId?: string,
  ): Promise<{ keyId: string; key: KeyObject }> {
    const source =
      keyId === undefined
        ? await this.activeKey(tenantId)
        : { keyId, key: await this.keyFor(tenantId, purpose, keyId) };
    const derived = Buffer.from(
      hkdfSync(
        'sha256',
        source.key,
        Buffer.alloc(0),
        associatedData(DERIVED_KEY_INFO, tenantId, purpose),
        KEY_BYTES,
      ),
    );
    try {
      return { keyId: source.keyId, key: createSecretKey(derived) };
    } finally {
      derived.fill(0);
    }
  }

  /**
   * The same secret sealed under the tenant's active key, for migrating ciphertexts after a
   * rotation; returns `sealed` itself (verified) when it already uses the active key.
   */
  async reencrypt(tenantId: string, connectionId: string, sealed: Sealed): Promise<Sealed> {
    const plaintext = await this.decrypt(tenantId, connectionId, sealed);
    try {
      const active = await this.activeKey(tenantId);
      if (active.keyId === sealed.keyId) return sealed;
      return toSealed(active.keyId, seal(active.key, plaintext, secretAad(tenantId, connectionId)));
    } finally {
      plaintext.fill(0);
    }
  }

  /** A new active data key for the tenant; older keys are RETIRED and still decrypt. */
  async rotateTenantKey(tenantId: string): Promise<{ keyId: string; generation: number }> {
    let generation = 0;
    const created = await this.createKey(tenantId, async (key) => {
      const record = await this.store.rotate(key, this.now());
      generation = record?.generation ?? 0;
      return record !== null;
    });
    if (!created) throw new TenantKeyDestroyedError(tenantId);
    // Other instances would seal with the retired key until their cache entry expires.
    await this.onKeysChanged(tenantId);
    return { keyId: created.keyId, generation };
  }

  /**
   * Master key rotation: re-wraps every live data key not yet under the current master key.
   * Data keys (and so every ciphertext) stay the same. Safe to re-run and to run beside traffic.
   */
  async rewrapAll(options: { batchSize?: number } = {}): Promise<{ rewrapped: number; masterKeyId: string }> {
    const masterKeyId = this.kms.currentKeyId;
    let rewrapped = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.store.wrappedByOtherThan(masterKeyId, after, options.batchSize ?? 100);
      if (batch.length === 0) return { rewrapped, masterKeyId };
      for (const record of batch) if (await this.rewrap(record)) rewrapped++;
      after = batch[batch.length - 1]!.keyId;
    }
  }

  /** Live data keys per master key id: a previous master key can be retired once it has none. */
  masterKeyUsage(): Promise<Record<string, number>> {
    return this.store.countByMasterKey();
  }

  /**
   * Crypto-shredding: every data key of the tenant is destroyed (material wiped, state DESTROYED)
   * and dropped from this process's cache. Afterwards decrypt and encrypt throw
   * TenantKeyDestroyedError. Other instances stop at once when onKeysChanged reaches them, and
   * within the cache TTL if it does not.
   */
  async destroyTenantKeys(tenantId: string): Promise<{ destroyed: number }> {
    // Before and after: a load racing the destroy cannot cache a key it read just before.
    this.forgetTenant(tenantId);
    const destroyed = await this.store.destroy(tenantId, this.now());
    this.forgetTenant(tenantId);
    await this.onKeysChanged(tenantId);
    return { destroyed };
  }

  /** Drops every unwrapped key from memory: for when a change notice may have been missed. */
  forgetAll(): void {
    this.evictions++;
    this.active.clear();
    this.keys.clear();
  }

  /** Drops the tenant's unwrapped keys from memory; the next use asks the key store again. */
  forgetTenant(tenantId: string): void {
    this.evictions++;
    this.active.delete(tenantId);
    this.keys.deleteWhere((entry) => entry.tenantId === tenantId);
  }

  private async activeKey(tenantId: string): Promise<ActiveKey> {
    const keyId = this.active.get(tenantId);
    const cached = keyId === undefined ? undefined : this.keys.get(keyId);
    if (keyId !== undefined && cached) return { keyId, key: cached.key };
    return shared(this.loadingActive, tenantId, () => this.loadActive(tenantId));
  }

  private async loadActive(tenantId: string): Promise<ActiveKey> {
    // A few rounds: each one either finds the key or loses a creation race to someone who made it.
    for (let round = 0; round < 3; round++) {
      const evictions = this.evictions;
      const latest = await this.store.latest(tenantId);
      if (latest?.state === 'DESTROYED') throw new TenantKeyDestroyedError(tenantId);
      if (latest?.state === 'ACTIVE') {
        const key = await this.unwrap(latest);
        this.remember(latest.keyId, tenantId, key, { active: true, evictions });
        return { keyId: latest.keyId, key };
      }
      // Nothing yet: create the first key. (A RETIRED latest is a state rotate never leaves; a
      // rotation repairs it.)
      const created =
        latest === null
          ? await this.createKey(tenantId, (key) => this.store.insertFirst(key, this.now()))
          : await this.createKey(
              tenantId,
              async (key) => (await this.store.rotate(key, this.now())) !== null,
            );
      if (created) return created;
    }
    throw new Error(`The active data key of tenant ${tenantId} kept changing while it was being read`);
  }

  /** Generates, wraps and persists a data key; null when `persist` says another one won. */
  private async createKey(
    tenantId: string,
    persist: (key: NewDataKey) => Promise<boolean>,
  ): Promise<ActiveKey | null> {
    const keyId = newDataKeyId();
    const raw = randomBytes(KEY_BYTES);
    try {
      const { keyId: masterKeyId, wrapped } = await this.kms.wrap(raw, dataKeyAad(tenantId, keyId));
      if (!(await persist({ keyId, tenantId, wrappedKey: wrapped, masterKeyId }))) return null;
      const key = createSecretKey(raw);
      // A load that read the previous active key before this one existed must not point back to it.
      const evictions = ++this.evictions;
      this.remember(keyId, tenantId, key, { active: true, evictions });
      return { keyId, key };
    } finally {
      raw.fill(0);
    }
  }

  private async keyFor(tenantId: string, connectionId: string, keyId: string): Promise<KeyObject> {
    const entry: LoadedKey | null =
      this.keys.get(keyId) ?? (await shared(this.loadingKeys, keyId, () => this.loadKey(keyId)));
    // Another tenant's key is refused before it is used at all, not only by the AAD check.
    if (!entry || entry.tenantId !== tenantId)
      throw new DecryptionFailedError(entry ? 'OTHER_TENANT' : 'UNKNOWN_KEY', {
        tenantId,
        connectionId,
        keyId,
      });
    if (!entry.key) throw new TenantKeyDestroyedError(tenantId);
    return entry.key;
  }

  private async loadKey(keyId: string): Promise<LoadedKey | null> {
    const evictions = this.evictions;
    const record = await this.store.findByKeyId(keyId);
    if (!record) return null;
    if (record.state === 'DESTROYED') return { tenantId: record.tenantId, key: null };
    const key = await this.unwrap(record);
    this.remember(keyId, record.tenantId, key, { active: false, evictions });
    return { tenantId: record.tenantId, key };
  }

  private async unwrap(record: DataKeyRecord): Promise<KeyObject> {
    const raw = await this.kms.unwrap(
      record.masterKeyId!,
      record.wrappedKey!,
      dataKeyAad(record.tenantId, record.keyId),
    );
    try {
      return createSecretKey(raw);
    } finally {
      raw.fill(0);
    }
  }

  private async rewrap(record: DataKeyRecord): Promise<boolean> {
    const aad = dataKeyAad(record.tenantId, record.keyId);
    const raw = await this.kms.unwrap(record.masterKeyId!, record.wrappedKey!, aad);
    try {
      const { keyId: masterKeyId, wrapped } = await this.kms.wrap(raw, aad);
      return await this.store.replaceWrap(record.keyId, record.masterKeyId!, {
        wrappedKey: wrapped,
        masterKeyId,
      });
    } finally {
      raw.fill(0);
    }
  }

  private remember(
    keyId: string,
    tenantId: string,
    key: KeyObject,
    options: { active: boolean; evictions: number },
  ): void {
    if (options.evictions !== this.evictions) return;
    this.keys.set(keyId, { tenantId, key });
    if (options.active) this.active.set(tenantId, keyId);
  }
}

/** One load per key at a time in this process: 20 concurrent first uses make one key-store round trip. */
function shared<T>(loading: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const pending = loading.get(key);
  if (pending) return pending;
  const started = load().finally(() => loading.delete(key));
  loading.set(key, started);
  return started;
}
