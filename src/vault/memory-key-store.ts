import type { DataKeyRecord, NewDataKey, TenantKeyStore } from './key-store.js';

/**
 * Tenant data keys in this process's memory: for tests and benchmarks that need a real vault
 * (real AES-GCM, real shredding) without a database. Everything is lost on exit, so never for a hub.
 */
export class MemoryTenantKeyStore implements TenantKeyStore {
  private readonly records = new Map<string, DataKeyRecord>();

  async latest(tenantId: string): Promise<DataKeyRecord | null> {
    const own = this.ofTenant(tenantId);
    return own.length === 0 ? null : copy(own.reduce((a, b) => (b.generation > a.generation ? b : a)));
  }

  async findByKeyId(keyId: string): Promise<DataKeyRecord | null> {
    const record = this.records.get(keyId);
    return record ? copy(record) : null;
  }

  async insertFirst(key: NewDataKey, now: Date): Promise<boolean> {
    if (this.ofTenant(key.tenantId).length > 0) return false;
    this.records.set(key.keyId, fresh(key, 1, now));
    return true;
  }

  async rotate(key: NewDataKey, now: Date): Promise<DataKeyRecord | null> {
    const own = this.ofTenant(key.tenantId);
    if (own.some((record) => record.state === 'DESTROYED')) return null;
    for (const record of own) {
      if (record.state === 'ACTIVE') Object.assign(record, { state: 'RETIRED', retiredAt: now });
    }
    const record = fresh(key, own.length + 1, now);
    this.records.set(key.keyId, record);
    return copy(record);
  }

  async destroy(tenantId: string, now: Date): Promise<number> {
    const own = this.ofTenant(tenantId);
    for (const record of own) {
      record.wrappedKey?.fill(0);
      Object.assign(record, { state: 'DESTROYED', wrappedKey: null, destroyedAt: now });
    }
    if (own.length === 0) {
      this.records.set(`tombstone:${tenantId}`, {
        keyId: `tombstone:${tenantId}`,
        tenantId,
        generation: 1,
        wrappedKey: null,
        masterKeyId: null,
        state: 'DESTROYED',
        createdAt: now,
        retiredAt: null,
        destroyedAt: now,
      });
    }
    return own.length;
  }

  async wrappedByOtherThan(masterKeyId: string, afterKeyId: string | null, limit: number) {
    return [...this.records.values()]
      .filter((r) => r.state !== 'DESTROYED' && r.masterKeyId !== masterKeyId)
      .filter((r) => afterKeyId === null || r.keyId > afterKeyId)
      .sort((a, b) => (a.keyId < b.keyId ? -1 : 1))
      .slice(0, limit)
      .map(copy);
  }

  async replaceWrap(
    keyId: string,
    fromMasterKeyId: string,
    wrapped: { wrappedKey: Buffer; masterKeyId: string },
  ) {
    const record = this.records.get(keyId);
    if (!record || record.state === 'DESTROYED' || record.masterKeyId !== fromMasterKeyId) return false;
    Object.assign(record, wrapped);
    return true;
  }

  async countByMasterKey(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const record of this.records.values()) {
      if (record.state !== 'DESTROYED' && record.masterKeyId) {
        counts[record.masterKeyId] = (counts[record.masterKeyId] ?? 0) + 1;
      }
    }
    return counts;
  }

  private ofTenant(tenantId: string): DataKeyRecord[] {
    return [...this.records.values()].filter((record) => record.tenantId === tenantId);
  }
}

const fresh = (key: NewDataKey, generation: number, now: Date): DataKeyRecord => ({
  ...key,
  wrappedKey: Buffer.from(key.wrappedKey),
  generation,
  state: 'ACTIVE',
  createdAt: now,
  retiredAt: null,
  destroyedAt: null,
});

const copy = (record: DataKeyRecord): DataKeyRecord => ({
  ...record,
  wrappedKey: record.wrappedKey ? Buffer.from(record.wrappedKey) : null,
});
