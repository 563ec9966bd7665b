import { describe, expect, it, vi } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { TenantDirectory } from '../../src/tenants/tenant-directory.js';

function fakePrisma(rows: Map<string, { status: string }>) {
  const findUnique = vi.fn(async ({ where }: { where: { id: string } }) => rows.get(where.id) ?? null);
  return { prisma: { tenant: { findUnique } } as unknown as PrismaClient, findUnique };
}

describe('tenant directory', () => {
  it('caches an active tenant for the TTL, then asks again', async () => {
    const rows = new Map([['acme', { status: 'ACTIVE' }]]);
    const { prisma, findUnique } = fakePrisma(rows);
    let now = 1_000;
    const directory = new TenantDirectory(prisma, { ttlMs: 2000, maxEntries: 10, now: () => now });
    await directory.assertActive('acme');
    await directory.assertActive('acme');
    expect(findUnique).toHaveBeenCalledTimes(1);
    now += 2001;
    rows.set('acme', { status: 'DELETED' });
    await expect(directory.assertActive('acme')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('never caches an unknown tenant, so one registered a moment later is found', async () => {
    const rows = new Map<string, { status: string }>();
    const { prisma, findUnique } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma);
    await expect(directory.assertActive('late')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    rows.set('late', { status: 'ACTIVE' });
    await expect(directory.assertActive('late')).resolves.toBeUndefined();
    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('forgets a tenant on request', async () => {
    const rows = new Map([['acme', { status: 'ACTIVE' }]]);
    const { prisma } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma);
    await directory.assertActive('acme');
    rows.set('acme', { status: 'DELETED' });
    directory.forget('acme');
    await expect(directory.assertActive('acme')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });
});
