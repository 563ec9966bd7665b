import type { PrismaClient } from '../generated/prisma/client.js';
import { NotFoundError } from '../shared/errors.js';

/**
 * Answers "is this tenant active?" for every tenant-scoped request. The answer is cached for a
 * short time, positive answers only, because this check precedes almost every query and would
 * otherwise double their database round trips. The cost: an instance may keep serving a tenant
 * for up to `ttlMs` after it was deleted (its secrets are crypto-shredded at deletion, so no
 * provider call can succeed meanwhile). Unknown tenants are never cached: registering one is
 * visible at once.
 */
export class TenantDirectory {
  private readonly active = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { ttlMs: number; maxEntries: number; now?: () => number } = {
      ttlMs: 2000,
      maxEntries: 10_000,
    },
  ) {}

  async assertActive(tenantId: string): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    const until = this.active.get(tenantId);
    if (until !== undefined && until > now) return;
    const row = await this.prisma.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
    if (!row || row.status === 'DELETED') {
      this.active.delete(tenantId);
      throw new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
    }
    if (this.active.size >= this.options.maxEntries) this.active.clear();
    this.active.set(tenantId, now + this.options.ttlMs);
  }

  /** Forget a tenant at once (this instance deleted it). */
  forget(tenantId: string): void {
    this.active.delete(tenantId);
  }
}
