import type { EventCatalog } from '../../events/catalog.js';
import type { EventStore } from '../../eventstore/port.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Projection } from '../projection.js';
import { readCheckpoints } from './checkpoints.js';
import { type ParkedEntry, ProjectionLedger, type StopEntry } from './ledger.js';

export interface ProjectionReport {
  name: string;
  /** Committed checkpoint. */
  position: bigint;
  /** Newest event of the types it handles. */
  head: bigint;
  /** Positions between checkpoint and head (0 when caught up); positions are not gap-free. */
  lag: bigint;
  /** Stopped by its rule and waiting for `retry` or `skip`. */
  stopped: StopEntry | null;
  /** Events it went on without, in log order, until a retry applies them. */
  parked: ParkedEntry[];
  /** Events an operator skipped. */
  skipped: number;
}

/**
 * Each projection as the database and the log say, whichever process asks (the leader, a follower,
 * the projections CLI): nothing here depends on holding the lease.
 */
export async function reportProjections(context: {
  store: EventStore;
  prisma: PrismaClient;
  catalog: EventCatalog;
  projections: readonly Projection[];
}): Promise<ProjectionReport[]> {
  const checkpoints = await readCheckpoints(context.prisma);
  return Promise.all(
    context.projections.map(async (projection): Promise<ProjectionReport> => {
      const position = checkpoints.get(projection.name) ?? 0n;
      const [head, ledger] = await Promise.all([
        context.store.headPosition({ eventTypes: projection.eventTypes }),
        ProjectionLedger.read(context.store, context.catalog, projection.name, position),
      ]);
      return {
        name: projection.name,
        position,
        head,
        lag: head > position ? head - position : 0n,
        stopped: ledger.stopped,
        parked: ledger.parkedBefore(),
        skipped: ledger.skipped.size,
      };
    }),
  );
}
