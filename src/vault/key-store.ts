import { randomBytes } from 'node:crypto';

/**
 * Where wrapped tenant data keys live: mutable state outside the event log, so destroying a row's
 * key material destroys the only way to read the tenant's ciphertexts, which the log keeps forever.
 */
export type DataKeyState = 'ACTIVE' | 'RETIRED' | 'DESTROYED';

export interface DataKeyRecord {
  keyId: string;
  tenantId: string;
  /** 1 for the first key, +1 per rotation: the highest generation is the one new secrets use. */
  generation: number;
  /** Null once destroyed. */
  wrappedKey: Buffer | null;
  /** Null only for a tombstone (destroyed before any key existed). */
  masterKeyId: string | null;
  state: DataKeyState;
  createdAt: Date;
  retiredAt: Date | null;
  destroyedAt: Date | null;
}

export interface NewDataKey {
  keyId: string;
  tenantId: string;
  wrappedKey: Buffer;
  masterKeyId: string;
}

export interface TenantKeyStore {
  /** The tenant's highest generation: its ACTIVE key, or DESTROYED once shredded; null before any key. */
  latest(tenantId: string): Promise<DataKeyRecord | null>;
  findByKeyId(keyId: string): Promise<DataKeyRecord | null>;
  /** Stores generation 1 unless the tenant has any key already; false when another creator won. */
  insertFirst(key: NewDataKey, now: Date): Promise<boolean>;
  /**
   * Atomically stores `key` as the next generation (ACTIVE) and retires the previous active key.
   * Null when the tenant's keys were destroyed. Concurrent rotations serialize; none is lost.
   */
  rotate(key: NewDataKey, now: Date): Promise<DataKeyRecord | null>;
  /** Marks every key DESTROYED and wipes its material; leaves a tombstone if there was none. */
  destroy(tenantId: string, now: Date): Promise<number>;
  /** Live keys not wrapped by `masterKeyId`, in key id order after `afterKeyId`. */
  wrappedByOtherThan(masterKeyId: string, afterKeyId: string | null, limit: number): Promise<DataKeyRecord[]>;
  /** Swaps the wrapping if the row is still live and still wrapped by `fromMasterKeyId`. */
  replaceWrap(
    keyId: string,
    fromMasterKeyId: string,
    wrapped: { wrappedKey: Buffer; masterKeyId: string },
  ): Promise<boolean>;
  /** Live (not destroyed) keys per master key id. */
  countByMasterKey(): Promise<Record<string, number>>;
}

/** A data key id: random, so it says nothing about the tenant or the key. */
export const newDataKeyId = (): string => `dk_${randomBytes(12).toString('hex')}`;
