import { WaitForTimeoutError } from '../errors.js';
import type { Projection } from '../projection.js';

/** How long a lagging projection waits for a live checkpoint before the store is asked directly. */
const PENDING_CHECK_MS = 250;

export interface WaitSources {
  /** Current checkpoints (in memory on the leader, from the database on a follower). */
  positions(): Promise<ReadonlyMap<string, bigint>>;
  /** A stopped projection's failure: waiting for it would only run into the timeout. */
  failureOf(name: string): Error | undefined;
  /** Projections that count as reached whatever their position (stopped ones, when asked to skip them). */
  skips?(name: string): boolean;
  /**
   * Whether the log holds an event of the projection's types after `checkpoint` and at or before
   * `position` (a bounded forward read from the checkpoint, never a scan back from the head);
   * undefined when the store could not tell within its deadline.
   */
  pendingBetween(projection: Projection, checkpoint: bigint, position: bigint): Promise<boolean | undefined>;
  /** Sleeps up to `ms`, or less when something may have advanced. */
  pause(ms: number): Promise<void>;
}

/**
 * Resolves once every projection has reached `position`. A projection also counts as there when
 * none of the command's own event types (`written`, when the caller knows them) is one it handles,
 * or when the log holds no event of its types between its checkpoint and `position`: a sparse
 * subscription's checkpoint may lag by thousands of events, and this does not depend on how
 * promptly a store reports one.
 */
export async function waitForPosition(
  sources: WaitSources,
  projections: readonly Projection[],
  position: bigint,
  timeoutMs: number,
  written?: readonly string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nothingPending = new Set<string>();
  const concerned = written
    ? projections.filter((p) => p.eventTypes.some((type) => written.includes(type)))
    : projections;
  let pendingCheckAt = Date.now() + PENDING_CHECK_MS;
  for (;;) {
    const positions = await sources.positions();
    const behind = concerned
      .filter((p) => !nothingPending.has(p.name) && !sources.skips?.(p.name))
      .filter((p) => (positions.get(p.name) ?? 0n) < position)
      .map((p) => ({ projection: p, position: positions.get(p.name) ?? 0n }));
    if (behind.length === 0) return;
    const failure = behind.map((b) => sources.failureOf(b.projection.name)).find(Boolean);
    if (failure) throw failure;
    const now = Date.now();
    if (now >= pendingCheckAt) {
      pendingCheckAt = now + PENDING_CHECK_MS;
      for (const b of behind) {
        const pending = await sources.pendingBetween(b.projection, b.position, position);
        if (pending === false) nothingPending.add(b.projection.name);
      }
      continue;
    }
    const remaining = deadline - now;
    if (remaining <= 0) {
      const lagging = behind.map((b) => ({ name: b.projection.name, position: b.position }));
      throw new WaitForTimeoutError(position, timeoutMs, lagging);
    }
    await sources.pause(Math.min(remaining, pendingCheckAt - now));
  }
}
