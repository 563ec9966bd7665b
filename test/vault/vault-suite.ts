import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReadModels } from '../../src/readmodels/database.js';
import {
  DecryptionFailedError,
  LocalKms,
  MasterKeyUnavailableError,
  PrismaTenantKeyStore,
  type Sealed,
  SealedSchema,
  TenantKeyDestroyedError,
  type TenantKeyStore,
  TokenVault,
} from '../../src/vault/index.js';

export interface VaultDatabase {
  readModels: ReadModels;
  dispose(): Promise<void>;
}

/** Counts key-store calls, to prove the warm path never reaches the database. */
function countingStore(inner: TenantKeyStore): TenantKeyStore & { calls: number } {
  const counter = { calls: 0 };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'calls') return counter.calls;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        counter.calls++;
        return value.apply(target, args);
      };
    },
  }) as TenantKeyStore & { calls: number };
}

const tenant = () => `t-${randomUUID()}`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected a rejection');
  return error;
}

/**
 * The vault against the real key store, run once per database engine. One database for the
 * suite (tests use their own tenants); master rotation gets its own, because rewrapAll touches
 * every row.
 */
export function vaultSuite(openDatabase: () => Promise<VaultDatabase>): void {
  const masterKey = randomBytes(32);
  let db: VaultDatabase;
  let store: PrismaTenantKeyStore;
  const newVault = (kms = new LocalKms(masterKey), keys: TenantKeyStore = store) =>
    new TokenVault({ kms, keys });

  beforeAll(async () => {
    db = await openDatabase();
    store = new PrismaTenantKeyStore(db.readModels.prisma);
  });
  afterAll(async () => {
    await db?.dispose();
  });

  const rowsOf = (tenantId: string) =>
    db.readModels.prisma.tenantDataKey.findMany({ where: { tenantId }, orderBy: { generation: 'asc' } });

  it('round-trips strings and bytes as JSON-safe sealed values that never contain the plaintext', async () => {
    const vault = newVault();
    const t = tenant();
    const token = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';
    const sealed = await vault.encrypt(t, 'conn-1', token);
    expect(SealedSchema.parse(JSON.parse(JSON.stringify(sealed)))).toEqual(sealed);
    expect(JSON.stringify(sealed)).not.toContain(token);
    expect(JSON.stringify(sealed)).not.toContain(Buffer.from(token).toString('base64'));
    expect((await vault.decrypt(t, 'conn-1', sealed)).toString('utf8')).toBe(token);

    const bytes = randomBytes(100);
    const sealedBytes = await vault.encrypt(t, 'conn-1', bytes);
    expect((await vault.decrypt(t, 'conn-1', sealedBytes)).equals(bytes)).toBe(true);
    // Same key, fresh IV: equal plaintexts give different ciphertexts.
    const again = await vault.encrypt(t, 'conn-1', token);
    expect(again.keyId).toBe(sealed.keyId);
    expect(again.iv).not.toBe(sealed.iv);
    expect(again.ciphertext).not.toBe(sealed.ciphertext);
    // A cold process (empty cache) reads it through the key store.
    expect((await newVault().decrypt(t, 'conn-1', sealed)).toString('utf8')).toBe(token);
    const [row] = await rowsOf(t);
    expect(row).toMatchObject({ keyId: sealed.keyId, generation: 1, state: 'ACTIVE', retiredAt: null });
  });

  it('binds a ciphertext to its tenant and connection', async () => {
    const vault = newVault();
    const [a, b] = [tenant(), tenant()];
    const sealed = await vault.encrypt(a, 'conn-1', 'secret-a');
    await vault.encrypt(b, 'conn-1', 'secret-b');
    for (const reader of [vault, newVault()]) {
      const otherConnection = await failure(reader.decrypt(a, 'conn-2', sealed));
      expect(otherConnection).toBeInstanceOf(DecryptionFailedError);
      expect(otherConnection).toMatchObject({ code: 'DECRYPTION_FAILED', reason: 'AUTHENTICATION_FAILED' });
      const otherTenant = await failure(reader.decrypt(b, 'conn-1', sealed));
      expect(otherTenant).toMatchObject({ code: 'DECRYPTION_FAILED', reason: 'OTHER_TENANT' });
    }
  });

  it('detects tampering, unknown keys and malformed values with an error that holds no secret', async () => {
    const vault = newVault();
    const t = tenant();
    const secret = 'xoxb-tamper-test-secret';
    const sealed = await vault.encrypt(t, 'c', secret);
    const flip = (base64: string, index = 0) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[index]! ^= 0x01;
      return bytes.toString('base64');
    };
    const cases: Array<[Sealed, string]> = [
      [{ ...sealed, ciphertext: flip(sealed.ciphertext, 3) }, 'AUTHENTICATION_FAILED'],
      [{ ...sealed, tag: flip(sealed.tag) }, 'AUTHENTICATION_FAILED'],
      [{ ...sealed, iv: flip(sealed.iv) }, 'AUTHENTICATION_FAILED'],
      [{ ...sealed, keyId: 'dk_000000000000000000000000' }, 'UNKNOWN_KEY'],
      [{ ...sealed, tag: Buffer.alloc(8).toString('base64') }, 'MALFORMED'],
      [{ ...sealed, v: 2 } as unknown as Sealed, 'MALFORMED'],
    ];
    for (const [altered, reason] of cases) {
      const error = await failure(vault.decrypt(t, 'c', altered));
      expect(error).toBeInstanceOf(DecryptionFailedError);
      expect(error).toMatchObject({ reason, expose: false });
      const text = JSON.stringify({ ...error, message: error.message });
      expect(text).not.toContain(secret);
      expect(text).not.toContain(masterKey.toString('base64'));
    }
    expect(SealedSchema.safeParse({ ...sealed, tag: 'AAAA' }).success).toBe(false);
  });

  it('creates exactly one active key when 20 processes encrypt a new tenant at once', async () => {
    const t = tenant();
    // Separate vaults: separate caches and single-flights, as separate processes would have.
    const sealed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => newVault().encrypt(t, `conn-${i}`, `token-${i}`)),
    );
    const rows = await rowsOf(t);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'ACTIVE', generation: 1 });
    expect(new Set(sealed.map((s) => s.keyId))).toEqual(new Set([rows[0]!.keyId]));
    const reader = newVault();
    for (const [i, s] of sealed.entries())
      expect((await reader.decrypt(t, `conn-${i}`, s)).toString()).toBe(`token-${i}`);

    // And 20 at once in one process share a single key-store round trip.
    const counted = countingStore(store);
    const local = newVault(undefined, counted);
    const other = tenant();
    await Promise.all(Array.from({ length: 20 }, (_, i) => local.encrypt(other, `c${i}`, 'x')));
    expect(counted.calls).toBe(2); // latest() + insertFirst()
  });

  it('rotates a tenant key: old ciphertexts still decrypt, new ones use the new key, reencrypt migrates', async () => {
    const vault = newVault();
    const t = tenant();
    const old = await vault.encrypt(t, 'c', 'before-rotation');
    const rotated = await vault.rotateTenantKey(t);
    expect(rotated.generation).toBe(2);
    expect(rotated.keyId).not.toBe(old.keyId);
    const fresh = await vault.encrypt(t, 'c', 'after-rotation');
    expect(fresh.keyId).toBe(rotated.keyId);
    // Another process picks up the new key from the store.
    expect((await newVault().encrypt(t, 'c', 'x')).keyId).toBe(rotated.keyId);
    for (const reader of [vault, newVault()]) {
      expect((await reader.decrypt(t, 'c', old)).toString()).toBe('before-rotation');
      expect((await reader.decrypt(t, 'c', fresh)).toString()).toBe('after-rotation');
    }
    const rows = await rowsOf(t);
    expect(rows.map((r) => [r.generation, r.state])).toEqual([
      [1, 'RETIRED'],
      [2, 'ACTIVE'],
    ]);
    expect(rows[0]!.retiredAt).toBeInstanceOf(Date);

    const migrated = await vault.reencrypt(t, 'c', old);
    expect(migrated.keyId).toBe(rotated.keyId);
    expect((await newVault().decrypt(t, 'c', migrated)).toString()).toBe('before-rotation');
    expect(await vault.reencrypt(t, 'c', fresh)).toBe(fresh);
    await expect(vault.reencrypt(t, 'other', old)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('serializes concurrent rotations: every one lands, exactly one key stays active', async () => {
    // A new tenant: the first round collides on generation 1 (nothing to lock yet) and retries.
    const t = tenant();
    const results = await Promise.all(Array.from({ length: 10 }, () => newVault().rotateTenantKey(t)));
    expect(results.map((r) => r.generation).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const rows = await rowsOf(t);
    expect(rows.filter((r) => r.state === 'ACTIVE').map((r) => r.generation)).toEqual([10]);
  });

  it('crypto-shreds a tenant: nothing decrypts or encrypts afterwards and no row keeps key material', async () => {
    const vault = newVault();
    const [t, bystander] = [tenant(), tenant()];
    const sealed = [await vault.encrypt(t, 'c1', 'one')];
    await vault.rotateTenantKey(t);
    sealed.push(await vault.encrypt(t, 'c2', 'two'));
    const kept = await vault.encrypt(bystander, 'c1', 'unaffected');
    // Another instance that has the key cached.
    const elsewhere = newVault();
    await elsewhere.decrypt(t, 'c1', sealed[0]!);
    const wrappedBefore = (await rowsOf(t)).map((r) => Buffer.from(r.wrappedKey!).toString('hex'));
    expect(wrappedBefore).toHaveLength(2);

    expect(await vault.destroyTenantKeys(t)).toEqual({ destroyed: 2 });

    for (const reader of [vault, newVault()]) {
      for (const [i, s] of sealed.entries()) {
        const error = await failure(reader.decrypt(t, `c${i + 1}`, s));
        expect(error).toBeInstanceOf(TenantKeyDestroyedError);
        expect(error).toMatchObject({ code: 'TENANT_KEYS_DESTROYED', status: 410 });
      }
      await expect(reader.encrypt(t, 'c3', 'new')).rejects.toBeInstanceOf(TenantKeyDestroyedError);
      await expect(reader.rotateTenantKey(t)).rejects.toBeInstanceOf(TenantKeyDestroyedError);
    }
    // An instance that was not told keeps its cached key until it is (pubsub) or the TTL passes.
    elsewhere.forgetTenant(t);
    await expect(elsewhere.decrypt(t, 'c1', sealed[0]!)).rejects.toBeInstanceOf(TenantKeyDestroyedError);

    const rows = await rowsOf(t);
    expect(rows.every((r) => r.state === 'DESTROYED' && r.wrappedKey === null && r.destroyedAt)).toBe(true);
    const [dump] = await db.readModels.prisma.$queryRaw<Array<{ hex: string | null }>>`
      SELECT string_agg(encode(wrapped_key, 'hex'), ',') AS hex FROM tenant_data_keys`;
    for (const hex of wrappedBefore) expect(dump?.hex ?? '').not.toContain(hex);
    // The database itself refuses to put key material back on a destroyed key.
    await expect(
      db.readModels.prisma.$executeRaw`
        UPDATE tenant_data_keys SET wrapped_key = '\\x00'::bytea WHERE key_id = ${rows[0]!.keyId}`,
    ).rejects.toThrow();

    expect((await vault.decrypt(bystander, 'c1', kept)).toString()).toBe('unaffected');
    expect(await vault.destroyTenantKeys(t)).toEqual({ destroyed: 0 });
  });

  it('never leaves a live key when rotations race a destroy', async () => {
    const t = tenant();
    await newVault().encrypt(t, 'c', 'x');
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => newVault().rotateTenantKey(t)),
      newVault().destroyTenantKeys(t),
      ...Array.from({ length: 4 }, () => newVault().rotateTenantKey(t)),
    ]);
    for (const outcome of outcomes)
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(TenantKeyDestroyedError);
    const rows = await rowsOf(t);
    expect(rows.every((r) => r.state === 'DESTROYED' && r.wrappedKey === null)).toBe(true);
    await expect(newVault().encrypt(t, 'c', 'y')).rejects.toBeInstanceOf(TenantKeyDestroyedError);
  });

  it('derives one key per tenant, purpose and data key, the same in every process, and none after shredding', async () => {
    const t = tenant();
    const other = tenant();
    const material = async (derived: Promise<{ keyId: string; key: { export(): Buffer } }>) => {
      const { keyId, key } = await derived;
      return { keyId, hex: key.export().toString('hex') };
    };
    const mac = await material(newVault().deriveKey(t, 'mac/v1'));
    expect(mac.hex).toMatch(/^[0-9a-f]{64}$/);
    // Another process (a fresh vault) derives the same key from the same data key.
    expect(await material(newVault().deriveKey(t, 'mac/v1', mac.keyId))).toEqual(mac);
    expect(await material(newVault().deriveKey(t, 'mac/v1'))).toEqual(mac);
    expect((await material(newVault().deriveKey(t, 'other/v1'))).hex).not.toBe(mac.hex);
    expect((await material(newVault().deriveKey(other, 'mac/v1'))).hex).not.toBe(mac.hex);
    await expect(newVault().deriveKey(other, 'mac/v1', mac.keyId)).rejects.toBeInstanceOf(
      DecryptionFailedError,
    );

    const vault = newVault();
    await vault.rotateTenantKey(t);
    const rotated = await material(vault.deriveKey(t, 'mac/v1'));
    expect(rotated.keyId).not.toBe(mac.keyId);
    expect(rotated.hex).not.toBe(mac.hex);
    expect(await material(vault.deriveKey(t, 'mac/v1', mac.keyId))).toEqual(mac);

    await vault.destroyTenantKeys(t);
    for (const keyId of [undefined, mac.keyId, rotated.keyId])
      await expect(newVault().deriveKey(t, 'mac/v1', keyId)).rejects.toBeInstanceOf(TenantKeyDestroyedError);
  });

  it('shreds a tenant that never had a key, so none can be created for it later', async () => {
    const vault = newVault();
    const t = tenant();
    expect(await vault.destroyTenantKeys(t)).toEqual({ destroyed: 0 });
    await expect(newVault().encrypt(t, 'c', 'x')).rejects.toBeInstanceOf(TenantKeyDestroyedError);
    expect(await rowsOf(t)).toMatchObject([{ state: 'DESTROYED', wrappedKey: null, masterKeyId: null }]);
  });

  it('decrypts from memory when warm, and asks the store again after the TTL', async () => {
    const counted = countingStore(store);
    const vault = new TokenVault({ kms: new LocalKms(masterKey), keys: counted, cache: { ttlMs: 150 } });
    const t = tenant();
    const sealed = await vault.encrypt(t, 'c', 'warm');
    const afterEncrypt = counted.calls;
    for (let i = 0; i < 100; i++) await vault.decrypt(t, 'c', sealed);
    expect(counted.calls).toBe(afterEncrypt);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await vault.decrypt(t, 'c', sealed);
    expect(counted.calls).toBe(afterEncrypt + 1);
  });

  it('rotates the master key: rewrapAll, then the old master key retires and everything still decrypts', async () => {
    const own = await openDatabase();
    try {
      const keys = new PrismaTenantKeyStore(own.readModels.prisma);
      const [oldMaster, newMaster] = [randomBytes(32), randomBytes(32)];
      const before = new TokenVault({ kms: new LocalKms(oldMaster), keys });
      const [t1, t2, gone] = [tenant(), tenant(), tenant()];
      const sealed: Array<[string, string, Sealed]> = [];
      for (const t of [t1, t2, gone]) sealed.push([t, 'c', await before.encrypt(t, 'c', `secret-${t}`)]);
      await before.rotateTenantKey(t1);
      sealed.push([t1, 'c', await before.encrypt(t1, 'c', `secret-${t1}`)]);
      await before.destroyTenantKeys(gone);
      const oldId = new LocalKms(oldMaster).currentKeyId;
      expect(await before.masterKeyUsage()).toEqual({ [oldId]: 3 });

      // Deploy 1: new master key current, the old one still in the ring.
      const during = new TokenVault({ kms: new LocalKms(newMaster, [oldMaster]), keys });
      expect(await during.rewrapAll({ batchSize: 2 })).toEqual({
        rewrapped: 3,
        masterKeyId: new LocalKms(newMaster).currentKeyId,
      });
      expect(await during.masterKeyUsage()).toEqual({ [new LocalKms(newMaster).currentKeyId]: 3 });
      expect(await during.rewrapAll()).toMatchObject({ rewrapped: 0 });
      expect(
        (await own.readModels.prisma.tenantDataKey.findMany({ where: { tenantId: gone } }))[0],
      ).toMatchObject({
        state: 'DESTROYED',
        wrappedKey: null,
      });

      // Deploy 2: the old master key is retired.
      const after = new TokenVault({ kms: new LocalKms(newMaster), keys });
      for (const [t, c, s] of sealed.filter(([t]) => t !== gone))
        expect((await after.decrypt(t, c, s)).toString()).toBe(`secret-${t}`);
      await expect(after.decrypt(gone, 'c', sealed[2]![2])).rejects.toBeInstanceOf(TenantKeyDestroyedError);
      expect((await after.encrypt(t2, 'c', 'more')).keyId).toBe(sealed[1]![2].keyId);

      // Retiring before rewrapping would have been noticed at the first cold read, by key id.
      const tooEarly = new TokenVault({ kms: new LocalKms(oldMaster), keys });
      const error = await failure(tooEarly.decrypt(t2, 'c', sealed[1]![2]));
      expect(error).toBeInstanceOf(MasterKeyUnavailableError);
    } finally {
      await own.dispose();
    }
  });
}
