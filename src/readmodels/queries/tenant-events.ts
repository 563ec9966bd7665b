import { tenantStreamPrefixes } from '../../events/streams.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import { StreamDeletedError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/port.js';
import { CursorExpiredError, type EventResumeCursor } from '../resume-cursor.js';

/**
 * Refuses a cursor whose event its stream no longer yields: read where the cursor says it is, so
 * the stream's retention (maxAge, maxCount, truncateBefore) and a tombstone count, on every adapter.
 * The stream must be one of the cursor's tenant's (the caller has checked the tenant).
 */
export async function assertEventCursorKept(
  eventStore: Pick<EventStore, 'readStream'>,
  cursor: EventResumeCursor,
  field: string,
): Promise<void> {
  if (!tenantStreamPrefixes(cursor.tenantId).some((prefix) => cursor.stream.startsWith(prefix))) {
    throw new CursorExpiredError(field);
  }
  try {
    for await (const event of eventStore.readStream(cursor.stream, {
      fromRevision: cursor.revision,
      maxCount: 1,
    })) {
      if (event.revision === cursor.revision && event.position === cursor.position) return;
    }
  } catch (error) {
    if (!(error instanceof StreamDeletedError)) throw error;
  }
  throw new CursorExpiredError(field);
}

/**
 * A tenant's events of the given types after a log position, in log order. No types, no events
 * (an empty type list would mean "any type" to the store's filter).
 */
export async function* tenantEventsAfter(
  eventStore: Pick<EventStore, 'readAll'>,
  tenantId: string,
  eventTypes: readonly string[],
  after: bigint,
): AsyncGenerator<RecordedEvent> {
  if (eventTypes.length === 0) return;
  yield* eventStore.readAll({
    after,
    filter: { streamPrefixes: tenantStreamPrefixes(tenantId), eventTypes },
  });
}
