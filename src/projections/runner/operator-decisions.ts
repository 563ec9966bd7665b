import type { EventCatalog } from '../../events/catalog.js';
import { ProjectionEventSkipped, ProjectionRetryRequested } from '../../events/projection.js';
import type { EventStore } from '../../eventstore/port.js';
import { SwitchboardError } from '../../shared/errors.js';
import { UnknownProjectionError } from '../errors.js';
import { appendDecision } from './decisions.js';
import { ProjectionLedger, toRef } from './ledger.js';

/** The decision does not fit the projection's state (nothing to retry, not stopped there). */
export class ProjectionDecisionRefusedError extends SwitchboardError {
  constructor(message: string) {
    super('PROJECTION_DECISION_REFUSED', message, { status: 409 });
  }
}

export interface OperatorContext {
  store: EventStore;
  catalog: EventCatalog;
  /** The projections the hub runs, by name. */
  projectionNames: readonly string[];
  now?: () => Date;
}

/** The ledger with every recovery counted, whoever has applied it: what is parked right now. */
async function currentLedger(context: OperatorContext, name: string): Promise<ProjectionLedger> {
  if (!context.projectionNames.includes(name)) throw new UnknownProjectionError(name);
  const head = await context.store.headPosition();
  return ProjectionLedger.read(context.store, context.catalog, name, head);
}

/**
 * Asks the projection to try again: a stopped one restarts at the event it stopped at (the
 * leader's runner notices within its lease interval); a running one re-applies its parked events
 * when it reaches this request in the log. Appends nothing when there is nothing to retry.
 */
export async function requestRetry(
  context: OperatorContext,
  name: string,
  actor: string,
): Promise<{ position: bigint; parked: number; stopped: boolean }> {
  const ledger = await currentLedger(context, name);
  if (ledger.parked.size === 0 && !ledger.stopped) {
    throw new ProjectionDecisionRefusedError(`Projection ${name} has no parked events and is not stopped`);
  }
  const { position } = await appendDecision(
    context,
    name,
    ProjectionRetryRequested,
    { projection: name, requestedAt: (context.now?.() ?? new Date()).toISOString() },
    { actor },
  );
  return { position, parked: ledger.parked.size, stopped: ledger.stopped !== null };
}

/** Lets a projection stopped at `position` go on without that event (a rebuild passes over it too). */
export async function skipStoppedEvent(
  context: OperatorContext,
  name: string,
  position: bigint,
  actor: string,
): Promise<{ position: bigint }> {
  const ledger = await currentLedger(context, name);
  const stopped = ledger.stopped;
  if (!stopped || stopped.event.position !== position) {
    throw new ProjectionDecisionRefusedError(
      stopped
        ? `Projection ${name} is stopped at position ${stopped.event.position}, not ${position}`
        : `Projection ${name} is not stopped: only the event a stopped projection stopped at can be skipped`,
    );
  }
  return appendDecision(
    context,
    name,
    ProjectionEventSkipped,
    {
      projection: name,
      event: toRef(stopped.event),
      skippedAt: (context.now?.() ?? new Date()).toISOString(),
    },
    { actor, causationId: stopped.event.id },
  );
}
