import type { EventCatalog } from '../../events/catalog.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import { StreamDeletedError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/port.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Projection } from '../projection.js';
import { ApplyError, commitBatch } from './commit-batch.js';
import type { EventLocation, ParkedEntry } from './ledger.js';

export type ReapplyOutcome = { ok: true; event: RecordedEvent } | { ok: false; cause: unknown };

/** Decodes for a projection: a recorded event that does not fit its schema is the event's fault. */
export function decodeForProjection(catalog: EventCatalog, event: RecordedEvent): RecordedEvent {
  try {
    return catalog.decode(event);
  } catch (error) {
    throw new ApplyError(error);
  }
}

class ParkedEventMissingError extends Error {}

/** The parked event read back from its stream, by revision (positions are not addressable in every store). */
async function readParked(store: EventStore, location: EventLocation): Promise<RecordedEvent> {
  for await (const event of store.readStream(location.stream, {
    fromRevision: location.revision,
    maxCount: 1,
  })) {
    if (event.id === location.id) return event;
    break;
  }
  throw new ParkedEventMissingError(
    `${location.type} ${location.id} is no longer at ${location.stream}@${location.revision}`,
  );
}

/**
 * Applies one parked event again, in a transaction of its own that holds the checkpoint at `at`
 * (the checkpoint row stays the projection's mutex). Returns why it failed when the event is still
 * at fault (it cannot be decoded or applied, or its stream is gone); throws anything else (a
 * database or store outage), which is nobody's decision to make about the event.
 */
export async function reapplyParked(
  context: { store: EventStore; prisma: PrismaClient; catalog: EventCatalog; projection: Projection },
  entry: ParkedEntry,
  at: bigint,
): Promise<ReapplyOutcome> {
  let original: RecordedEvent;
  try {
    original = await readParked(context.store, entry.event);
  } catch (error) {
    if (error instanceof StreamDeletedError || error instanceof ParkedEventMissingError)
      return { ok: false, cause: error };
    throw error;
  }
  try {
    const event = decodeForProjection(context.catalog, original);
    await commitBatch(context.prisma, context.projection, [event], at, at);
    return { ok: true, event };
  } catch (error) {
    if (error instanceof ApplyError) return { ok: false, cause: error.cause };
    throw error;
  }
}
