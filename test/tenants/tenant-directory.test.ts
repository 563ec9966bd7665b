import { describe, expect, it, vi } from 'vitest';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { MemoryPubSub } from '../../src/platform/memory/pubsub-memory.js';
import { TenantDirectory } from '../../src/tenants/tenant-directory.js';
import { followTenantNotices, TENANTS_CHANGED_TOPIC } from '../../src/tenants/tenant-notices.js';

type Row = { id: string; name: string; status: string; redirectAllowlist: string[] };

function fakePrisma(rows: Map<string, Row>) {
  const findUnique = vi.fn(async ({ where }: { where: { id: string } }) => {
    const row = rows.get(where.id);
    return row ? { ...row } : null;
  });
  return { prisma: { tenant: { findUnique } } as unknown as PrismaClient, findUnique };
}

const tenant = (id: string, name = id, status = 'ACTIVE'): Row => ({
  id,
  name,
  status,
  redirectAllowlist: [],
});

describe('tenant directory', () => {
  it('reads a tenant once, then from its cache until the TTL, then again', async () => {
    const rows = new Map([['acme', tenant('acme')]]);
    const { prisma, findUnique } = fakePrisma(rows);
    let now = 1_000;
    const directory = new TenantDirectory(prisma, { ttlMs: 2000, maxEntries: 10, now: () => now });
    await directory.assertActive('acme');
    expect((await directory.find('acme'))?.name).toBe('acme');
    expect(findUnique).toHaveBeenCalledTimes(1);
    now += 2001;
    rows.set('acme', tenant('acme', 'acme', 'DELETED'));
    await expect(directory.assertActive('acme')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it('never caches an unknown tenant, so one registered a moment later is found', async () => {
    const rows = new Map<string, Row>();
    const { prisma, findUnique } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma);
    await expect(directory.assertActive('late')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
    rows.set('late', tenant('late'));
    await expect(directory.assertActive('late')).resolves.toBeUndefined();
    expect(findUnique).toHaveBeenCalledTimes(2);
  });

  it('forgets a tenant on request', async () => {
    const rows = new Map([['acme', tenant('acme')]]);
    const { prisma } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma);
    await directory.assertActive('acme');
    rows.set('acme', tenant('acme', 'acme', 'DELETED'));
    directory.forget('acme');
    await expect(directory.assertActive('acme')).rejects.toMatchObject({ code: 'TENANT_NOT_FOUND' });
  });

  it("keeps tenants apart: each id answers with its own row, never another tenant's", async () => {
    const rows = new Map([
      ['acme', tenant('acme', 'Acme')],
      ['globex', tenant('globex', 'Globex')],
    ]);
    const { prisma } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma, { maxEntries: 1 });
    for (let i = 0; i < 3; i++) {
      expect(await directory.find('acme')).toMatchObject({ id: 'acme', name: 'Acme' });
      expect(await directory.find('globex')).toMatchObject({ id: 'globex', name: 'Globex' });
    }
    // Bounded: one row at most here, the least recently used dropped first.
    expect(directory.size).toBe(1);
    // The cached row is shared by every request that reads it: nobody can change it for the others.
    const row = await directory.find('globex');
    expect(Object.isFrozen(row)).toBe(true);
    expect(Object.isFrozen(row?.redirectAllowlist)).toBe(true);
  });

  it('does not keep a row read before a forget that came while it was read', async () => {
    const rows = new Map([['acme', tenant('acme', 'Old')]]);
    let release: () => void = () => {};
    const findUnique = vi.fn(async () => {
      const row = { ...rows.get('acme')! };
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return row;
    });
    const directory = new TenantDirectory({ tenant: { findUnique } } as unknown as PrismaClient);
    const reading = directory.find('acme');
    await vi.waitFor(() => expect(findUnique).toHaveBeenCalledTimes(1));
    rows.set('acme', tenant('acme', 'New'));
    directory.forget(['acme']);
    release();
    expect((await reading)?.name).toBe('Old');
    findUnique.mockImplementation(async () => ({ ...rows.get('acme')! }));
    expect((await directory.find('acme'))?.name).toBe('New');
  });

  it("drops a tenant's row when its change notice arrives, and every row when the subscription (re)starts", async () => {
    const rows = new Map([
      ['acme', tenant('acme', 'Acme')],
      ['globex', tenant('globex', 'Globex')],
    ]);
    const { prisma, findUnique } = fakePrisma(rows);
    const directory = new TenantDirectory(prisma);
    const pubsub = new MemoryPubSub();
    await directory.find('acme');
    await directory.find('globex');
    const following = followTenantNotices(() => pubsub.subscribe(TENANTS_CHANGED_TOPIC), directory);
    // Notices sent while nobody listened are lost: a new subscription starts from an empty cache.
    await vi.waitFor(() => expect(directory.size).toBe(0));
    await directory.find('acme');
    await directory.find('globex');
    const reads = findUnique.mock.calls.length;
    rows.set('acme', tenant('acme', 'Acme Renamed'));
    await pubsub.publish(TENANTS_CHANGED_TOPIC, { tenantIds: ['acme'] });
    await vi.waitFor(async () => expect((await directory.find('acme'))?.name).toBe('Acme Renamed'));
    // Globex was not named: still from the cache.
    await directory.find('globex');
    expect(findUnique.mock.calls.length).toBe(reads + 1);
    await pubsub.close();
    await following;
  });
});
