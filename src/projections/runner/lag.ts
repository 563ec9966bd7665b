import type { EventCatalog } from '../../events/catalog.js';
import type { EventStore } from '../../eventstore/port.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Projection } from '../projection.js';
import { readCheckpoints } from './checkpoints.js';
import { ProjectionLedger } from './ledger.js';

/** How long the store may look for a projection's next event; past it, the age is left out. */
const NEXT_EVENT_DEADLINE_MS = 2_000;

export interface ProjectionLagReport {
  projection: string;
  /** Positions between the checkpoint and the newest event it handles. */
  lagEvents: number;
  /** Age of the first event after the checkpoint that it handles (0 when caught up). */
  lagSeconds: number;
  stopped: boolean;
}

/**
 * How far behind each projection is, for a scrape: the checkpoints in one query, then per
 * projection the head of its event types and, only when behind, the first event it has not applied.
 * `stoppedHere` answers on the leader, which runs the workers; elsewhere (undefined) the decision
 * stream says.
 */
export async function projectionLag(context: {
  store: EventStore;
  prisma: PrismaClient;
  catalog: EventCatalog;
  projections: readonly Projection[];
  stoppedHere: (name: string) => boolean | undefined;
  now: () => number;
}): Promise<ProjectionLagReport[]> {
  const checkpoints = await readCheckpoints(context.prisma);
  return Promise.all(
    context.projections.map(async (projection): Promise<ProjectionLagReport> => {
      const position = checkpoints.get(projection.name) ?? 0n;
      const filter = { eventTypes: projection.eventTypes };
      const [head, stopped] = await Promise.all([
        context.store.headPosition(filter),
        stoppedOf(context, projection.name, position),
      ]);
      if (head <= position) return { projection: projection.name, lagEvents: 0, lagSeconds: 0, stopped };
      let lagSeconds = 0;
      const next = context.store.readAll({
        after: position,
        filter,
        maxCount: 1,
        deadlineMs: NEXT_EVENT_DEADLINE_MS,
      });
      for await (const event of next) {
        lagSeconds = Math.max(0, (context.now() - event.recordedAt.getTime()) / 1000);
        break;
      }
      return { projection: projection.name, lagEvents: Number(head - position), lagSeconds, stopped };
    }),
  );
}

async function stoppedOf(
  context: Parameters<typeof projectionLag>[0],
  name: string,
  position: bigint,
): Promise<boolean> {
  const here = context.stoppedHere(name);
  if (here !== undefined) return here;
  const ledger = await ProjectionLedger.read(context.store, context.catalog, name, position);
  return ledger.stopped !== null;
}
