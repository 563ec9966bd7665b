import type { EventCatalog } from '../events/catalog.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { EventStore } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { ensureCheckpoint } from './checkpoints.js';
import { commitBatch } from './commit-batch.js';
import { describeEvent, ProjectionFailedError } from './errors.js';
import type { Projection } from './projection.js';

/**
 * Replays a projection from the start of the log up to exactly `until` into a database nobody
 * else writes (verify's scratch), through the same commitBatch as the runner. No subscription,
 * no lease: it stops at `until` so the result can be compared with a live model at that checkpoint.
 */
export async function replayProjection(options: {
  store: EventStore;
  prisma: PrismaClient;
  projection: Projection;
  catalog: EventCatalog;
  until: bigint;
  batchSize: number;
}): Promise<void> {
  const { store, prisma, projection, catalog, until, batchSize } = options;
  let position = await ensureCheckpoint(prisma, projection.name);
  let batch: RecordedEvent[] = [];
  const flush = async (to: bigint) => {
    if (batch.length === 0 && to <= position) return;
    await commitBatch(prisma, projection, batch, position, to);
    position = to;
    batch = [];
  };
  if (until > position) {
    for await (const event of store.readAll({
      after: position,
      filter: { eventTypes: projection.eventTypes },
    })) {
      if (event.position > until) break;
      try {
        batch.push(catalog.decode(event));
      } catch (error) {
        throw new ProjectionFailedError(projection.name, describeEvent(event), error);
      }
      if (batch.length >= batchSize) await flush(event.position);
    }
  }
  await flush(until);
}
