import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { ProviderCallError } from '../../connectors/sdk/provider-http.js';
import type { HubMetrics, ProviderCaller } from '../../observability/metrics/index.js';
import type { KeyValueStore } from '../../platform/kv.js';
import type { RateBudgets, RateGovernor } from '../../platform/rate-governor.js';
import { type Clock, systemClock } from './clock.js';
import { type NotBeforeHolds, notBeforeHolds } from './not-before-holds.js';
import {
  budgetBuckets,
  budgetsFor,
  type GateTarget,
  type ScopedBudget,
  scopeKey,
} from './provider-budgets.js';

/**
 * The rate governor of provider calls, one per process: the manifest's budgets (per connection,
 * tenant and provider app) and the providers' "not before" holds, both shared by every instance
 * when the platform has Redis.
 */
export interface ProviderRateGate {
  /** The gate of one connection's requests (the engine makes one per run). */
  forConnection(target: {
    manifest: Pick<ProviderManifest, 'id' | 'api'>;
    tenantId: string;
    connectionId: string;
    /** Who is calling, for the rate-limited waits metric (default sync). */
    caller?: ProviderCaller;
  }): ConnectionRateGate;
}

export interface ConnectionRateGate {
  /**
   * Resolves when a request to `apiPath` (relative to the API base URL) may leave, its budgets
   * taken. Waits for holds and budgets only while that ends within `maxWaitMs`; a longer wait
   * throws ProviderCallError('rate_limited') with retryAt at once, so the engine reschedules the
   * run instead of a worker sleeping through it.
   */
  admit(
    request: { apiPath: string; name: string },
    options: { maxWaitMs: number; signal?: AbortSignal },
  ): Promise<void>;
  /**
   * The provider said not before `until`: holds the connection, and the tenant or the whole app
   * where the manifest counts this path's requests against a tenant's or the app's budget.
   */
  holdUntil(apiPath: string, until: Date): Promise<void>;
}

export interface ProviderRateGateOptions {
  /** The platform's governor factory (Redis-shared with a local insurance limiter, or memory). */
  rateGovernor: <Bucket extends string>(budgets: RateBudgets<Bucket>) => RateGovernor<Bucket>;
  /** Where holds are shared (the platform's KV); without it, holds stay in this process. */
  kv?: KeyValueStore;
  /** Wall-clock time (holds are instants every instance compares) and the sleep of waits. */
  clock?: Clock;
  /** How long the KV has to answer a hold lookup before this process's holds decide (default 200 ms). */
  holdTimeoutMs?: number;
  onFallback?: (error: unknown) => void;
  /** Calls held back by a limit, and how long (none: not counted). */
  metrics?: Pick<HubMetrics, 'rateLimitedWait'>;
}

/** Shortest wait between two tries of a refused budget, so a store answering 0 ms cannot spin. */
const MIN_WAIT_MS = 5;

export function createProviderRateGate(options: ProviderRateGateOptions): ProviderRateGate {
  const clock = options.clock ?? systemClock;
  const holds: NotBeforeHolds = notBeforeHolds({
    shared: options.kv,
    clock,
    timeoutMs: options.holdTimeoutMs,
    onFallback: options.onFallback,
  });
  // One governor per provider for the process's lifetime: a memory governor's counts live in it.
  const governors = new Map<string, { signature: string; governor: RateGovernor; scoped: ScopedBudget[] }>();

  const governorOf = (manifest: Pick<ProviderManifest, 'id' | 'api'>) => {
    const { budgets, scoped } = budgetBuckets(manifest);
    const signature = Object.keys(budgets).join('|');
    let entry = governors.get(manifest.id);
    if (!entry || entry.signature !== signature) {
      entry = { signature, governor: options.rateGovernor(budgets), scoped };
      governors.set(manifest.id, entry);
    }
    return entry;
  };

  return {
    forConnection({ manifest, tenantId, connectionId, caller = 'sync' }) {
      const target: GateTarget = { provider: manifest.id, tenantId, connectionId };
      const { governor, scoped } = governorOf(manifest);
      // Tenant and app holds exist only where the manifest has such budgets; nothing else is looked up.
      const wideScopes = [...new Set(scoped.map((budget) => budget.per))].filter(
        (per) => per !== 'connection',
      );
      const heldKeys = [scopeKey('connection', target), ...wideScopes.map((per) => scopeKey(per, target))];

      /** Takes every budget of the path, or none: null, or how long until the refusing one has room. */
      const takeBudgets = async (apiPath: string): Promise<number | null> => {
        const taken: ScopedBudget[] = [];
        for (const budget of budgetsFor(scoped, apiPath)) {
          const decision = await governor.take(budget.bucket, scopeKey(budget.per, target));
          if (!decision.allowed) {
            await Promise.all(taken.map((t) => governor.refund(t.bucket, scopeKey(t.per, target))));
            return Math.max(MIN_WAIT_MS, decision.retryAfterMs);
          }
          taken.push(budget);
        }
        return null;
      };

      return {
        async admit({ apiPath, name }, { maxWaitMs, signal }) {
          const started = clock.now();
          const deadline = started + maxWaitMs;
          // A call held back is counted once, with the whole wait: slept here, or (deferred) until retryAt.
          const held = (until: number) =>
            options.metrics?.rateLimitedWait(manifest.id, caller, (until - started) / 1000);
          let slept = false;
          for (;;) {
            signal?.throwIfAborted();
            const heldUntil = await holds.until(heldKeys);
            let reason = 'the provider asked to wait';
            let waitUntil = heldUntil;
            if (heldUntil <= clock.now()) {
              const refusedFor = await takeBudgets(apiPath);
              if (refusedFor === null) {
                if (slept) held(clock.now());
                return;
              }
              reason = "the provider's request budget is spent";
              waitUntil = clock.now() + refusedFor;
            }
            if (waitUntil > deadline) {
              held(waitUntil);
              const retryAt = new Date(waitUntil);
              throw new ProviderCallError(
                'rate_limited',
                `${name} not sent: ${reason} until ${retryAt.toISOString()}`,
                { request: name, retryAt },
              );
            }
            slept = true;
            await clock.sleep(waitUntil - clock.now(), signal);
          }
        },

        async holdUntil(apiPath, until) {
          const keys = new Set([scopeKey('connection', target)]);
          for (const budget of budgetsFor(scoped, apiPath)) {
            if (budget.per !== 'connection') keys.add(scopeKey(budget.per, target));
          }
          await Promise.all([...keys].map((key) => holds.hold(key, until.getTime())));
        },
      };
    },
  };
}
