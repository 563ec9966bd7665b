/**
 * How the double's subscriptions behave for a given server version, from the server's history:
 * - CaughtUp exists from 23.10; before, a catch-up subscription never says it went live.
 * - CaughtUp carries a position from 25.1.
 * - 24.10.0-24.10.4: a filtered $all subscription from the start whose filter matched nothing, with
 *   an interval above the log's size, sends its first checkpoint at the switch to live as
 *   (u64::MAX, u64::MAX): "before the log" has no wire form (KurrentDB PR 4892).
 * - 25.0.0: an empty page read at the end of catch-up makes a filtered $all subscription send a
 *   checkpoint with commit = the end of the log (where the next event will be written) and
 *   prepare = 0; a client that stores only the commit position and resumes from it misses that next
 *   event (KurrentDB issue 4970, fixed in 25.0.1 by PR 4991).
 * Every other checkpoint is the position of the last record considered, commit = prepare.
 */
export interface ServerBehaviour {
  version: string;
  sendsCaughtUp: boolean;
  caughtUpHasPosition: boolean;
  sentinelCheckpointAtLive: boolean;
  endOfLogCheckpointAtLive: boolean;
}

export const DEFAULT_SERVER_VERSION = '25.1.0';

export function behaviourOf(version: string): ServerBehaviour {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  const atLeast = (a: number, b: number, c = 0) =>
    major !== a ? major > a : minor !== b ? minor > b : patch >= c;
  return {
    version,
    sendsCaughtUp: atLeast(23, 10),
    caughtUpHasPosition: atLeast(25, 1),
    sentinelCheckpointAtLive: major === 24 && minor === 10 && patch <= 4,
    endOfLogCheckpointAtLive: major === 25 && minor === 0 && patch === 0,
  };
}
