import type { PrismaClient, Tenant } from '../generated/prisma/client.js';
import { NotFoundError } from '../shared/errors.js';

/** A tenants read-model row as cached: shared by every request that reads it, so frozen. */
export type CachedTenant = Readonly<Tenant>;

export interface TenantDirectoryOptions {
  /**
   * How long a cached row is trusted without a notice (default 60 s): the bound on staleness should
   * the change notices be interrupted (they also empty the cache whenever their subscription starts
   * again or drops messages).
   */
  ttlMs: number;
  /** Rows kept at most (default 10,000); the least recently filled go first. */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  row: CachedTenant;
  until: number;
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
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every forget: a read that started before one does not fill the cache with its row. */
  #epoch = 0;
  readonly #options: TenantDirectoryOptions;

  constructor(
    private readonly prisma: Pick<PrismaClient, 'tenant'>,
    options: Partial<TenantDirectoryOptions> = {},
  ) {
    this.#options = { ttlMs: 60_000, maxEntries: 10_000, ...options };
  }

  /** The tenant's row (whatever its status), or null when there is none. */
  async find(tenantId: string): Promise<CachedTenant | null> {
    const now = (this.#options.now ?? Date.now)();
    const hit = this.#entries.get(tenantId);
    if (hit !== undefined && hit.until > now) return hit.row;
    const epoch = this.#epoch;
    const row = await this.prisma.tenant.findUnique({ where: { id: tenantId } });
    if (!row) {
      this.#entries.delete(tenantId);
      return null;
    }
    const frozen = Object.freeze({ ...row, redirectAllowlist: Object.freeze([...row.redirectAllowlist]) });
    if (epoch === this.#epoch) {
      this.#entries.delete(tenantId);
      if (this.#entries.size >= this.#options.maxEntries) {
        // Maps iterate in insertion order: the first key is the least recently filled.
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
      this.#entries.set(tenantId, { row: frozen as CachedTenant, until: now + this.#options.ttlMs });
    }
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
    for (const id of typeof tenantIds === 'string' ? [tenantIds] : tenantIds) this.#entries.delete(id);
  }

  forgetAll(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  /** Rows held now (tests, metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
