import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Projection } from '../projection.js';
import { advanceCheckpoint } from './checkpoints.js';
import { isTransientDatabaseError } from './transient-error.js';

/**
 * Marks an error raised by the projection's own code or by what it wrote (a value the database
 * refuses), as opposed to the checkpoint, the connection or a transient refusal.
 */
export class ApplyError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

// Rebuild batches of a few hundred rows stay well under this; the default 5 s is tight on PGlite.
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

/**
 * One transaction: checkpoint `from` → `to` (compare-and-set), then the batch's read-model
 * writes. Exactly-once effect: a crash or an error anywhere leaves both where they were.
 * `events` may be empty: a checkpoint-only advance past events the projection does not handle.
 */
export async function commitBatch(
  prisma: PrismaClient,
  projection: Projection,
  events: readonly RecordedEvent[],
  from: bigint,
  to: bigint,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await advanceCheckpoint(tx, projection.name, from, to);
    if (events.length === 0) return;
    try {
      await projection.apply(events, tx);
    } catch (error) {
      // A deadlock or a timeout is no event's fault: the worker waits and tries again, as for an outage.
      if (isTransientDatabaseError(error)) throw error;
      throw new ApplyError(error);
    }
  }, TRANSACTION_OPTIONS);
}
