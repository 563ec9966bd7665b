import { setTimeout as sleep } from 'node:timers/promises';
import { type Lease, LeaseLostError, type LeaseManager } from './lease.js';
import { assertTtl } from './ttl.js';

export interface WithLeaseOptions {
  ttlMs: number;
  /** While someone else holds the lease, keep trying for this long (default 0: one attempt). */
  waitMs?: number;
  /** Pause between attempts while waiting (default ttlMs / 4, at most 500 ms). */
  retryMs?: number;
  /** Cancels the wait (rejecting with its reason) and is forwarded to fn's signal. */
  signal?: AbortSignal;
}

/** Not getting the lease is an expected outcome (another instance leads), so it is data. */
export type WithLeaseResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `fn` while holding the lease: acquires it (waiting up to `waitMs`), renews it every ttl/3
 * while fn runs, releases it afterwards (also when fn throws). If the lease cannot be kept, fn's
 * signal aborts with a LeaseLostError; fn must stop doing work that needs exclusivity.
 */
export async function withLease<T>(
  leases: LeaseManager,
  name: string,
  options: WithLeaseOptions,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<WithLeaseResult<T>> {
  assertTtl(options.ttlMs);
  const acquired = await acquireWithin(leases, name, options);
  if (!acquired) return { acquired: false };
  const keeper = keepRenewed(acquired.lease, options.ttlMs, acquired.requestedAt);
  const signal = options.signal ? AbortSignal.any([options.signal, keeper.signal]) : keeper.signal;
  try {
    return { acquired: true, value: await fn(signal) };
  } finally {
    keeper.stop();
    // A failed release is harmless: the lease expires by itself within its TTL.
    await acquired.lease.release().catch(() => {});
  }
}

async function acquireWithin(
  leases: LeaseManager,
  name: string,
  options: WithLeaseOptions,
): Promise<{ lease: Lease; requestedAt: number } | null> {
  const { ttlMs, waitMs = 0, signal } = options;
  const retryMs = options.retryMs ?? Math.min(Math.ceil(ttlMs / 4), 500);
  const giveUpAt = performance.now() + waitMs;
  for (;;) {
    signal?.throwIfAborted();
    const requestedAt = performance.now();
    const lease = await leases.acquire(name, { ttlMs });
    if (lease) return { lease, requestedAt };
    const remaining = giveUpAt - performance.now();
    if (remaining <= 0) return null;
    try {
      // Jitter keeps a crowd of waiters from retrying in lockstep.
      await sleep(Math.min(remaining, retryMs * (0.5 + Math.random())), undefined, { signal });
    } catch (error) {
      // sleep rejects with a generic AbortError; callers expect their own reason.
      signal?.throwIfAborted();
      throw error;
    }
  }
}

/**
 * Renews every ttl/3 and keeps a local deadline: the lease is surely ours only until TTL after the
 * last successful acquire/renew was SENT. A refused renewal aborts at once; a failed one (Redis
 * unreachable) is retried, but when the deadline passes without success we abort even if a renewal
 * is still in flight, because by then another instance may legitimately hold the lease.
 */
function keepRenewed(lease: Lease, ttlMs: number, requestedAt: number) {
  const controller = new AbortController();
  const renewEveryMs = Math.max(1, Math.floor(ttlMs / 3));
  let stopped = false;
  let renewTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;

  const stop = () => {
    stopped = true;
    clearTimeout(renewTimer);
    clearTimeout(deadlineTimer);
  };
  const lose = (reason: string) => {
    if (stopped) return;
    stop();
    controller.abort(new LeaseLostError(lease.name, reason));
  };
  const armDeadline = (validUntil: number) => {
    clearTimeout(deadlineTimer);
    deadlineTimer = setTimeout(
      () => lose('not renewed in time'),
      Math.max(0, validUntil - performance.now()),
    );
    // Keeping a lease alive must not keep the process alive.
    deadlineTimer.unref();
  };
  const scheduleRenewal = () => {
    renewTimer = setTimeout(renewOnce, renewEveryMs);
    renewTimer.unref();
  };
  const renewOnce = async () => {
    const sentAt = performance.now();
    let renewed: boolean | undefined;
    try {
      renewed = await lease.renew();
    } catch {
      // Unknown outcome: try again on schedule; the deadline decides when to give up.
    }
    if (stopped) return;
    if (renewed === false) return lose('renewal refused (expired or taken by another holder)');
    if (renewed === true) armDeadline(sentAt + ttlMs);
    scheduleRenewal();
  };

  armDeadline(requestedAt + ttlMs);
  scheduleRenewal();
  return { signal: controller.signal, stop };
}
