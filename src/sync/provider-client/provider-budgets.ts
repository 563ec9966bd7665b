import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import type { RateBudgets } from '../../platform/rate-governor.js';

type RateLimit = NonNullable<ProviderManifest['api']['rateLimit']>;
export type BudgetScope = RateLimit['budgets'][number]['per'];

/** Who a request is made for: the keys a budget or a hold is counted under. */
export interface GateTarget {
  provider: string;
  tenantId: string;
  connectionId: string;
}

export interface ScopedBudget {
  /** The rate governor's bucket (one per budget of the manifest). */
  bucket: string;
  per: BudgetScope;
  paths: readonly string[];
}

/**
 * The manifest's budgets as rate-governor buckets. A bucket's name carries its numbers, so a
 * changed budget starts counting afresh instead of inheriting a window counted under other numbers.
 */
export function budgetBuckets(manifest: Pick<ProviderManifest, 'id' | 'api'>): {
  budgets: RateBudgets<string>;
  scoped: ScopedBudget[];
} {
  const budgets: Record<string, { points: number; windowSeconds: number }> = {};
  const scoped: ScopedBudget[] = [];
  (manifest.api.rateLimit?.budgets ?? []).forEach((budget, index) => {
    const bucket = `provider:${manifest.id}:${index}:${budget.per}:${budget.requests}/${budget.perSeconds}s`;
    budgets[bucket] = { points: budget.requests, windowSeconds: budget.perSeconds };
    scoped.push({ bucket, per: budget.per, paths: budget.paths });
  });
  return { budgets, scoped };
}

/** The budgets a request to `apiPath` (relative to the API base URL) counts against. */
export function budgetsFor(scoped: readonly ScopedBudget[], apiPath: string): ScopedBudget[] {
  return scoped.filter(
    (budget) => budget.paths.length === 0 || budget.paths.some((path) => apiPath.startsWith(path)),
  );
}

/** The key a budget or hold of `per` is counted under for `target`. */
export function scopeKey(per: BudgetScope, target: GateTarget): string {
  if (per === 'connection') return `${target.provider}:connection:${target.connectionId}`;
  if (per === 'tenant') return `${target.provider}:tenant:${target.tenantId}`;
  return `${target.provider}:app`;
}
