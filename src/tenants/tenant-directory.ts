import type { PrismaClient, Tenant } from '../generated/prisma/client.js';
import { NotFoundError } from '../shared/errors.js';
import { LruTtlCache } from '../vault/key-cache.js';

/** A tenants read-model row as cached: shared by every request that reads it, so frozen. */
export type CachedTenant = Readonly<Tenant>;

export interface TenantDirectoryOptions {
  /**
   * How long a cached row is trusted without a notice (default 60 s): the bound on staleness should
   * the change notices be interrupted (they also empty the cache whenever their subscription starts
   * again or drops messages).
   */
  ttlMs: number;
  /** Rows kept at most (default 10,000); the least recently used go first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * The tenants read model for the API's every request: "is this tenant active?" and the tenant's row
 * (`{ tenant { … } }`), read through a bounded in-process cache. Each instance drops a tenant's row
 * when the tenants projection announces it changed (tenant-notices.ts: renamed, deleted,
 * reconfigured), so a rename or a deletion made through any instance is seen by every instance
 * at once; the TTL only bounds how long a row could outlive a lost notice. Unknown tenants are never
 * cached: a tenant registered a moment ago is found.
 *
 * The key is the tenant id and nothing else is kept: a row is returned only for the id it was read
 * for, after the caller's authentication and tenancy checks (context.tenantId()).
 */
export class TenantDirectory {
  readonly #rows: LruTtlCache<string, CachedTenant>;
  /** Bumped by every forget: a read that started before one does not fill the cache with its row. */
  #epoch = 0;

  constructor(
    private readonly prisma: Pick<PrismaClient, 'tenant'>,
    options: Partial<TenantDirectoryOptions> = {},
  ) {
    this.#rows = new LruTtlCache({ ttlMs: 60_000, maxEntries: 10_000, ...options });
  }

  /** The tenant's row (whatever its status), or null when there is none. */
  async find(tenantId: string): Promise<CachedTenant | null> {
    const hit = this.#rows.get(tenantId);
    if (hit !== undefined) return hit;
    const epoch = this.#epoch;
    const row = await this.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!row) {
      this.#rows.delete(tenantId);
      return null;
    }
    const frozen = Object.freeze({ ...row, redirectAllowlist: Object.freeze([...row.redirectAllowlist]) });
    if (epoch === this.#epoch) this.#rows.set(tenantId, frozen as CachedTenant);
    return frozen as CachedTenant;
  }

  /** The tenant's row when it exists and is not deleted; TENANT_NOT_FOUND otherwise. */
  async requireActive(tenantId: string): Promise<CachedTenant> {
    const row = await this.find(tenantId);
    if (!row || row.status === 'DELETED') {
      throw new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
    }
    return row;
  }

  async assertActive(tenantId: string): Promise<void> {
    await this.requireActive(tenantId);
  }

  /** Drops these tenants' rows (a change notice, or this instance changed them). */
  forget(tenantIds: string | readonly string[]): void {
    this.#epoch++;
    for (const id of typeof tenantIds === 'string' ? [tenantIds] : tenantIds) this.#rows.delete(id);
  }

  forgetAll(): void {
    this.#epoch++;
    this.#rows.clear();
  }

  /** Rows held now (tests, metrics). */
  get size(): number {
    return this.#rows.size;
  }
}
