/**
 * What a subscription's checkpoints are worth: how often the server is asked for them, and which
 * ones may be handed on as resume points.
 */
import { positionOf, UNKNOWN_POSITION } from './convert.js';

/** The server's default search window; also its page size while catching up. */
const DEFAULT_WINDOW = 32;
const MAX_WINDOW = 256;

/** The server checkpoints every `window x multiplier` scanned events; stay at or under the asked interval. */
export function checkpointSettings(interval: number | undefined): {
  maxSearchWindow: number;
  multiplier: number;
} {
  if (interval === undefined || interval < 1) return { maxSearchWindow: DEFAULT_WINDOW, multiplier: 1 };
  const maxSearchWindow = Math.min(Math.floor(interval), MAX_WINDOW);
  return { maxSearchWindow, multiplier: Math.max(1, Math.floor(interval / maxSearchWindow)) };
}

/**
 * A checkpoint is a resume point only when it is a record's position, as every event this store
 * writes has (commit = prepare). Refused: "no position" (u64::MAX, sent by 24.10.0-24.10.4 when a
 * filter matched nothing before going live) and a commit position with another prepare position
 * (25.0.0's end-of-log checkpoint with prepare 0: resuming from its commit alone misses the event
 * written there next). A refused checkpoint only delays progress: the next event or checkpoint says
 * as much. Servers that zero the prepare position of every checkpoint get no checkpoints at all.
 */
export function trustedPosition(
  position: { commit: bigint; prepare: bigint } | undefined,
): bigint | undefined {
  if (position === undefined) return undefined;
  const commit = positionOf(position);
  if (commit === UNKNOWN_POSITION || position.prepare !== position.commit) return undefined;
  return commit;
}
