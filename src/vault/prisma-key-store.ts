import { Prisma, type PrismaClient, type TenantDataKey } from '../generated/prisma/client.js';
import { type DataKeyRecord, type NewDataKey, newDataKeyId, type TenantKeyStore } from './key-store.js';

type Tx = Prisma.TransactionClient;

/** Creators of a tenant's first key collide on (tenant_id, generation); the loser retries. */
const MAX_ATTEMPTS = 10;

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** Prisma's Bytes is a Uint8Array over a plain ArrayBuffer; a Buffer may sit on a shared pool. */
const toBytes = (buffer: Buffer) => new Uint8Array(buffer);

function toRecord(row: TenantDataKey): DataKeyRecord {
  return {
    ...row,
    wrappedKey: row.wrappedKey ? Buffer.from(row.wrappedKey) : null,
  };
}

/**
 * The key store in the read-model database (table tenant_data_keys), on PostgreSQL or PGlite.
 * Rotation and destruction first lock the tenant's latest row, so they serialize per tenant; the
 * statements after the lock see whatever the other one committed (READ COMMITTED takes a new
 * snapshot per statement), so a rotation can never resurrect a tenant destroyed meanwhile.
 * On PGlite everything inside a transaction goes through `tx` (one connection).
 */
export class PrismaTenantKeyStore implements TenantKeyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async latest(tenantId: string): Promise<DataKeyRecord | null> {
    const row = await this.prisma.tenantDataKey.findFirst({
      where: { tenantId },
      orderBy: { generation: 'desc' },
    });
    return row && toRecord(row);
  }

  async findByKeyId(keyId: string): Promise<DataKeyRecord | null> {
    const row = await this.prisma.tenantDataKey.findUnique({ where: { keyId } });
    return row && toRecord(row);
  }

  async insertFirst(key: NewDataKey, now: Date): Promise<boolean> {
    // ON CONFLICT DO NOTHING on (tenant_id, generation): racing creators never error, one wins.
    const { count } = await this.prisma.tenantDataKey.createMany({
      data: [{ ...key, wrappedKey: toBytes(key.wrappedKey), generation: 1, state: 'ACTIVE', createdAt: now }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async rotate(key: NewDataKey, now: Date): Promise<DataKeyRecord | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx) => {
          await lockTenantKeys(tx, key.tenantId);
          // Read again after the lock: a rotation we waited for has committed a higher generation.
          const latest = await tx.tenantDataKey.findFirst({
            where: { tenantId: key.tenantId },
            orderBy: { generation: 'desc' },
            select: { generation: true, state: true },
          });
          if (latest?.state === 'DESTROYED') return null;
          const generation = (latest?.generation ?? 0) + 1;
          const row = await tx.tenantDataKey.create({
            data: {
              ...key,
              wrappedKey: toBytes(key.wrappedKey),
              generation,
              state: 'ACTIVE',
              createdAt: now,
            },
          });
          await tx.tenantDataKey.updateMany({
            where: { tenantId: key.tenantId, state: 'ACTIVE', generation: { lt: generation } },
            data: { state: 'RETIRED', retiredAt: now },
          });
          return toRecord(row);
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async destroy(tenantId: string, now: Date): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const destroyed = await this.prisma.$transaction(async (tx) => {
        if (!(await lockTenantKeys(tx, tenantId))) {
          // A tombstone, so that no key can be created for this tenant afterwards either.
          const { count } = await tx.tenantDataKey.createMany({
            data: [
              {
                keyId: newDataKeyId(),
                tenantId,
                generation: 1,
                state: 'DESTROYED',
                createdAt: now,
                destroyedAt: now,
              },
            ],
            skipDuplicates: true,
          });
          // A first key landed meanwhile: go round again and destroy it.
          return count === 1 ? 0 : null;
        }
        const { count } = await tx.tenantDataKey.updateMany({
          where: { tenantId, state: { not: 'DESTROYED' } },
          data: { state: 'DESTROYED', wrappedKey: null, destroyedAt: now },
        });
        return count;
      });
      if (destroyed !== null) return destroyed;
      if (attempt >= MAX_ATTEMPTS) throw new Error(`Could not destroy the keys of tenant ${tenantId}`);
    }
  }

  async wrappedByOtherThan(
    masterKeyId: string,
    afterKeyId: string | null,
    limit: number,
  ): Promise<DataKeyRecord[]> {
    const rows = await this.prisma.tenantDataKey.findMany({
      where: {
        state: { not: 'DESTROYED' },
        masterKeyId: { not: masterKeyId },
        ...(afterKeyId === null ? {} : { keyId: { gt: afterKeyId } }),
      },
      orderBy: { keyId: 'asc' },
      take: limit,
    });
    return rows.map(toRecord);
  }

  async replaceWrap(
    keyId: string,
    fromMasterKeyId: string,
    wrapped: { wrappedKey: Buffer; masterKeyId: string },
  ): Promise<boolean> {
    // Conditional, in one statement: a key destroyed (or re-wrapped) meanwhile is left alone.
    const { count } = await this.prisma.tenantDataKey.updateMany({
      where: { keyId, masterKeyId: fromMasterKeyId, state: { not: 'DESTROYED' } },
      data: { wrappedKey: toBytes(wrapped.wrappedKey), masterKeyId: wrapped.masterKeyId },
    });
    return count === 1;
  }

  async countByMasterKey(): Promise<Record<string, number>> {
    const groups = await this.prisma.tenantDataKey.groupBy({
      by: ['masterKeyId'],
      where: { state: { not: 'DESTROYED' } },
      _count: { _all: true },
    });
    return Object.fromEntries(groups.map((group) => [group.masterKeyId ?? '', group._count._all]));
  }
}

/** The advisory lock space of tenant key changes; the second key is a hash of the tenant id. */
const TENANT_KEYS_LOCK = 0x5b_e5_00_03;

/**
 * The per-tenant lock of key changes (rotate, destroy): a transaction-scoped advisory lock on the
 * tenant, so every change waits for the one before it and none deadlocks. Row locks could: a
 * rotation that waited on the old latest generation keeps that row while a later change locks the
 * new one, and each then updates the other's row. False when the tenant has no key yet (inserts of
 * generation 1 collide on the unique key instead); callers read the latest state after it.
 */
async function lockTenantKeys(tx: Tx, tenantId: string): Promise<boolean> {
  await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${TENANT_KEYS_LOCK}::int4, hashtext(${tenantId}))`;
  const rows = await tx.$queryRaw<Array<{ present: number }>>`
    SELECT 1 AS present FROM tenant_data_keys WHERE tenant_id = ${tenantId} LIMIT 1`;
  return rows.length > 0;
}
