import { eventCatalog } from '../../events/catalog.js';
import type { SignalEvent } from '../../events/signal.js';
import type { Event } from '../../eventstore/envelope.js';
import type { AppendResult, EventStore } from '../../eventstore/port.js';

/**
 * The ids of the signals a delivery produced the first time, read back from the log where an
 * idempotent append found its events (they were appended together, so they end at `found`). Read,
 * not recomputed: a signal's id derives from the delivery id, which GitHub does not sign, so a
 * redelivery under another X-GitHub-Delivery would compute ids that were never recorded. Null when
 * they cannot be read (the caller falls back to the ids it computed).
 */
export async function recordedSignalIds(
  store: Pick<EventStore, 'readStream'>,
  stream: string,
  events: readonly Event[],
  found: AppendResult,
): Promise<string[] | null> {
  const wanted = new Set(events.map((event) => event.id));
  const signalIds = new Map<string, string>();
  const first = found.revision - BigInt(events.length - 1);
  try {
    for await (const recorded of store.readStream(stream, {
      fromRevision: first < 0n ? 0n : first,
      maxCount: events.length,
    })) {
      if (!wanted.has(recorded.id)) continue;
      const decoded = eventCatalog.decode(recorded) as SignalEvent;
      if (decoded.type === 'SignalRecorded') signalIds.set(recorded.id, decoded.data.signal.id);
    }
  } catch {
    return null;
  }
  const ids = events.map((event) => signalIds.get(event.id));
  return ids.every((id) => id !== undefined) ? ids : null;
}
