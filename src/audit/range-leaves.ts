import type { EventStore } from '../eventstore/port.js';
import { eventLeafHash } from './event-leaf.js';
import type { IndexedLeaf } from './leaf-index.js';

/** Positions are exclusive bounds in reads: the one just before `from`, or the log's start. */
export const afterPositionOf = (from: bigint): bigint | undefined => (from === 0n ? undefined : from - 1n);

/** The leaves of every event now in the log with a position in [from, to], read through the port. */
export async function leavesFromLog(store: EventStore, from: bigint, to: bigint): Promise<IndexedLeaf[]> {
  const leaves: IndexedLeaf[] = [];
  for await (const event of store.readAll({ after: afterPositionOf(from) })) {
    if (event.position > to) break;
    leaves.push({ position: event.position, hash: eventLeafHash(event) });
  }
  return leaves;
}
