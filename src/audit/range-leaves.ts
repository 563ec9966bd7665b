import type { RecordedEvent } from '../eventstore/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import { eventLeafHash, storedEventLeafHash } from './event-leaf.js';
import type { IndexedLeaf } from './leaf-index.js';

/** Positions are exclusive bounds in reads: the one just before `from`, or the log's start. */
export const afterPositionOf = (from: bigint): bigint | undefined => (from === 0n ? undefined : from - 1n);

/** The event at exactly `position`, or null when the log has none there. */
export async function eventAt(store: EventStore, position: bigint): Promise<RecordedEvent | null> {
  for await (const event of store.readAll({ after: afterPositionOf(position), maxCount: 1 })) {
    return event.position === position ? event : null;
  }
  return null;
}

export interface LogLeaf extends IndexedLeaf {
  stream: string;
}

/**
 * The leaf of every event in the log after `after`, in position order: from the stored JSON text
 * where the store hands it over unparsed (the SQL store), else from the parsed events.
 */
export async function* readLeaves(
  store: EventStore,
  options: { after?: bigint; maxCount?: number },
): AsyncIterable<LogLeaf> {
  if (store.readAllStored) {
    for await (const event of store.readAllStored(options)) {
      yield { position: event.position, hash: storedEventLeafHash(event), stream: event.stream };
    }
    return;
  }
  for await (const event of store.readAll(options)) {
    yield { position: event.position, hash: eventLeafHash(event), stream: event.stream };
  }
}

/** The leaves of every event now in the log with a position in [from, to], read through the port. */
export async function leavesFromLog(store: EventStore, from: bigint, to: bigint): Promise<IndexedLeaf[]> {
  const leaves: IndexedLeaf[] = [];
  for await (const leaf of readLeaves(store, { after: afterPositionOf(from) })) {
    if (leaf.position > to) break;
    leaves.push({ position: leaf.position, hash: leaf.hash });
  }
  return leaves;
}
