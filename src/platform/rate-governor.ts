import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** So many points per window, per key. */
export interface RateBudget {
  points: number;
  windowSeconds: number;
  /**
   * Points an instance takes from the shared budget at once and then spends locally (default 1:
   * every take asks the store). For large budgets guarding the hub itself (120,000 deliveries a
   * minute per connection) asking Redis once per request cost more than the request's other Redis
   * work; reserving 1/200 of the budget asks it once per so many requests. The price: a budget may
   * refuse up to one reservation per instance early (what they hold unspent), never late. When the
   * shared budget has less than a reservation left, takes are exact again until the window ends.
   */
  reserve?: number;
}

/** A bucket without a budget is not limited. */
export type RateBudgets<Bucket extends string> = Readonly<Partial<Record<Bucket, RateBudget>>>;

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Budgets by bucket (`graphql`, `webhooks`; later the sync and proxy engines' provider calls) and
 * key (a tenant, a connection). One governor per process: shared by every instance through Redis
 * when there is one, local otherwise.
 */
export interface RateGovernor<Bucket extends string = string> {
  /** Takes `cost` points from `key`'s budget in `bucket`. Never throws and never waits on a failed store. */
  take(bucket: Bucket, key: string, cost?: number): Promise<RateDecision>;
  /**
   * Gives back points taken for a request that did not go out after all (another budget refused
   * it), so waiting for one budget does not spend the others. Never throws.
   */
  refund(bucket: Bucket, key: string, cost?: number): Promise<void>;
}

export interface RedisRateGovernorOptions {
  /** Namespace: keys are `<prefix>rate:<bucket>:<key>`. */
  prefix: string;
  /** Redis has this long to answer before the local budget decides (default 200 ms). */
  timeoutMs?: number;
  /** After Redis failed or was late, the local budget decides alone for this long (default 5 s). */
  localForMs?: number;
  /** Called when Redis fails or answers late, at most once per `localForMs`. */
  onFallback?: (error: unknown) => void;
}

type Limiters = { local: RateLimiterMemory; shared: RateLimiterRedis | null; reserve: number };

const LATE = Symbol('late');
const UNLIMITED: RateDecision = { allowed: true, remaining: Number.POSITIVE_INFINITY };

/**
 * Budgets kept in this process only: the embedded profile, and every instance's insurance while
 * Redis is unavailable (each instance then grants the whole budget on its own).
 */
export function memoryRateGovernor<Bucket extends string>(
  budgets: RateBudgets<Bucket>,
): RateGovernor<Bucket> {
  return governor(budgets, () => null, {});
}

/**
 * Budgets shared by every instance in Redis (rate-limiter-flexible's atomic counters), with an
 * in-memory insurance limiter: when Redis refuses, fails or is late, the request is counted and
 * decided locally, and Redis is left alone for a few seconds, so a partitioned Redis costs a
 * request at most `timeoutMs`, and only one request in `localForMs`.
 */
export function redisRateGovernor<Bucket extends string>(
  client: Redis,
  budgets: RateBudgets<Bucket>,
  options: RedisRateGovernorOptions,
): RateGovernor<Bucket> {
  return governor(
    budgets,
    (bucket, budget, local) =>
      new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `${options.prefix}rate:${bucket}`,
        points: budget.points,
        duration: budget.windowSeconds,
        // Not connected (reconnecting, down): decide locally at once instead of queueing the command.
        rejectIfRedisNotReady: true,
        insuranceLimiter: local,
      }),
    options,
  );
}

function governor<Bucket extends string>(
  budgets: RateBudgets<Bucket>,
  shared: (bucket: Bucket, budget: RateBudget, local: RateLimiterMemory) => RateLimiterRedis | null,
  options: Omit<RedisRateGovernorOptions, 'prefix'>,
): RateGovernor<Bucket> {
  const timeoutMs = options.timeoutMs ?? 200;
  const localForMs = options.localForMs ?? 5_000;
  const limiters = new Map<Bucket, Limiters>();
  for (const [bucket, budget] of Object.entries(budgets) as Array<[Bucket, RateBudget | undefined]>) {
    if (!budget) continue;
    const local = new RateLimiterMemory({ points: budget.points, duration: budget.windowSeconds });
    const sharedLimiter = shared(bucket, budget, local);
    limiters.set(bucket, {
      local,
      shared: sharedLimiter,
      // Only a shared budget costs a round trip per take; a local one is counted as it comes.
      reserve: sharedLimiter ? Math.max(1, Math.floor(budget.reserve ?? 1)) : 1,
    });
  }
  let localUntil = 0;

  const sharedOrLocal = async (
    { local, shared }: Limiters,
    operation: 'consume' | 'reward',
    key: string,
    cost: number,
  ) => {
    if (!shared || Date.now() < localUntil) return local[operation](key, cost);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), timeoutMs);
    });
    try {
      const result = await Promise.race([shared[operation](key, cost), late]);
      if (result !== LATE) return result;
    } finally {
      clearTimeout(timer);
    }
    localUntil = Date.now() + localForMs;
    options.onFallback?.(new Error(`Redis did not answer within ${timeoutMs} ms`));
    return local[operation](key, cost);
  };

  const exactTake = async (bucketLimiters: Limiters, key: string, cost: number): Promise<RateDecision> => {
    try {
      const result = await sharedOrLocal(bucketLimiters, 'consume', key, cost);
      return { allowed: true, remaining: result.remainingPoints };
    } catch (error) {
      if (error instanceof RateLimiterRes) return { allowed: false, retryAfterMs: error.msBeforeNext };
      // The governor protects the hub; it must never be the reason a request fails.
      options.onFallback?.(error);
      return { allowed: true, remaining: 0 };
    }
  };

  // Points reserved from the shared budget and not spent yet, by bucket and key.
  const allowances = new Map<string, Allowance>();
  const slotOf = (bucket: Bucket, key: string) => `${bucket}\u0000${key}`;
  const reservedTake = async (
    bucketLimiters: Limiters,
    slot: string,
    key: string,
    cost: number,
  ): Promise<RateDecision> => {
    const { reserve } = bucketLimiters;
    for (;;) {
      const allowance = allowances.get(slot);
      const now = Date.now();
      if (allowance && allowance.until > now) {
        if (allowance.reserving) {
          // Another request of this key is reserving: wait for it rather than reserve twice.
          await allowance.reserving;
          continue;
        }
        if (allowance.exact) return exactTake(bucketLimiters, key, cost);
        if (allowance.left >= cost) {
          allowance.left -= cost;
          return { allowed: true, remaining: allowance.left };
        }
      }
      const next: Allowance = { left: 0, until: now + 1_000, exact: false };
      let done!: () => void;
      next.reserving = new Promise<void>((resolve) => (done = resolve));
      allowances.set(slot, next);
      try {
        const reserved = await sharedOrLocal(bucketLimiters, 'consume', key, reserve);
        next.left = reserve;
        // The window is the shared one (another instance may have opened it): it ends when Redis says.
        next.until = Date.now() + reserved.msBeforeNext;
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          // Less than a reservation left in this window: give it back and count exactly until it ends.
          await sharedOrLocal(bucketLimiters, 'reward', key, reserve).catch(() => {});
          next.exact = true;
          next.until = Date.now() + error.msBeforeNext;
        } else {
          options.onFallback?.(error);
          next.exact = true;
        }
      } finally {
        next.reserving = undefined;
        done();
      }
      if (allowances.size > MAX_ALLOWANCES) dropExpired(allowances);
    }
  };

  return {
    async take(bucket, key, cost = 1) {
      const bucketLimiters = limiters.get(bucket);
      if (!bucketLimiters) return UNLIMITED;
      if (bucketLimiters.reserve > cost) return reservedTake(bucketLimiters, slotOf(bucket, key), key, cost);
      return exactTake(bucketLimiters, key, cost);
    },
    async refund(bucket, key, cost = 1) {
      const bucketLimiters = limiters.get(bucket);
      if (!bucketLimiters) return;
      const allowance = allowances.get(slotOf(bucket, key));
      if (allowance && !allowance.exact && !allowance.reserving && allowance.until > Date.now()) {
        allowance.left += cost;
        return;
      }
      try {
        await sharedOrLocal(bucketLimiters, 'reward', key, cost);
      } catch (error) {
        options.onFallback?.(error);
      }
    },
  };
}

interface Allowance {
  left: number;
  /** When the reservation's window ends (or, exact, when the budget refills). */
  until: number;
  /** The shared budget had less than a reservation left: every take asks it. */
  exact: boolean;
  reserving?: Promise<void> | undefined;
}

/** Keys seen within a window are kept; past this many, expired ones are dropped. */
const MAX_ALLOWANCES = 10_000;

function dropExpired(allowances: Map<string, Allowance>): void {
  const now = Date.now();
  for (const [slot, allowance] of allowances)
    if (allowance.until <= now && !allowance.reserving) allowances.delete(slot);
}
