import type { EventCatalog } from '../../events/catalog.js';
import { ProjectionRetryRequested } from '../../events/projection.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { EventStore } from '../../eventstore/port.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { describeEvent, ProjectionFailedError } from '../errors.js';
import type { Projection } from '../projection.js';
import { ensureCheckpoint } from '../runner/checkpoints.js';
import { commitBatch } from '../runner/commit-batch.js';
import { isRetryRequestFor, ProjectionLedger } from '../runner/ledger.js';
import { reapplyParked } from '../runner/reapply.js';

/**
 * Replays a projection from the start of the log up to exactly `until` into a database nobody
 * else writes (verify's scratch), through the same commitBatch as the runner. No subscription,
 * no lease: it stops at `until` so the result can be compared with a live model at that checkpoint.
 * It takes the live projection's decisions as given (ProjectionLedger): what was parked or skipped
 * is passed over where it stands, parked events are re-applied where a retry was requested, and
 * nothing is appended. Any other event that fails stops the replay, named.
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
  const ledger = await ProjectionLedger.read(store, catalog, projection.name, position);
  const handled = new Set(projection.eventTypes);
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
      filter: { eventTypes: [...new Set([...projection.eventTypes, ProjectionRetryRequested.type])] },
    })) {
      if (event.position > until) break;
      if (isRetryRequestFor(projection.name, event)) {
        await flush(batch.at(-1)?.position ?? position);
        for (const entry of ledger.parkedBefore(event.position)) {
          const outcome = await reapplyParked({ store, prisma, catalog, projection }, entry, position);
          if (outcome.ok) ledger.recover(entry.event.position);
        }
        await flush(event.position);
        continue;
      }
      if (!handled.has(event.type) || ledger.passesOver(event.position)) continue;
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
