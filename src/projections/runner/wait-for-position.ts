import { WaitForTimeoutError } from '../errors.js';
import type { Projection } from '../projection.js';

/** How long a lagging projection waits for a live checkpoint before the store is asked directly. */
const HEAD_CHECK_MS = 250;

export interface WaitSources {
  /** Current checkpoints (in memory on the leader, from the database on a follower). */
  positions(): Promise<ReadonlyMap<string, bigint>>;
  /** A stopped projection's failure: waiting for it would only run into the timeout. */
  failureOf(name: string): Error | undefined;
  /** Projections that count as reached whatever their position (stopped ones, when asked to skip them). */
  skips?(name: string): boolean;
  /** Newest event of the projection's types. */
  headOf(projection: Projection): Promise<bigint>;
  /** Sleeps up to `ms`, or less when something may have advanced. */
  pause(ms: number): Promise<void>;
}

/**
 * Resolves once every projection has reached `position`. A projection also counts as there when
 * the log holds no event of its types after its checkpoint: a sparse subscription's checkpoint
 * should report that on its own, but this does not depend on how promptly a store does.
 */
export async function waitForPosition(
  sources: WaitSources,
  projections: readonly Projection[],
  position: bigint,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const nothingPending = new Set<string>();
  let headCheckAt = Date.now() + HEAD_CHECK_MS;
  for (;;) {
    const positions = await sources.positions();
    const behind = projections
      .filter((p) => !nothingPending.has(p.name) && !sources.skips?.(p.name))
      .filter((p) => (positions.get(p.name) ?? 0n) < position)
      .map((p) => ({ projection: p, position: positions.get(p.name) ?? 0n }));
    if (behind.length === 0) return;
    const failure = behind.map((b) => sources.failureOf(b.projection.name)).find(Boolean);
    if (failure) throw failure;
    const now = Date.now();
    if (now >= headCheckAt) {
      headCheckAt = now + HEAD_CHECK_MS;
      for (const b of behind) {
        if ((await sources.headOf(b.projection)) <= b.position) nothingPending.add(b.projection.name);
      }
      continue;
    }
    const remaining = deadline - now;
    if (remaining <= 0) {
      const lagging = behind.map((b) => ({ name: b.projection.name, position: b.position }));
      throw new WaitForTimeoutError(position, timeoutMs, lagging);
    }
    await sources.pause(Math.min(remaining, headCheckAt - now));
  }
}
