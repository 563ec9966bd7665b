import type { EventCatalog } from '../../events/catalog.js';
import type { EventDefinition } from '../../events/define.js';
import {
  ProjectionEventParked,
  ProjectionEventRecovered,
  ProjectionStopped,
} from '../../events/projection.js';
import type { EventStore } from '../../eventstore/port.js';
import { appendDecision, decisionId, errorText } from './decisions.js';
import { type EventLocation, type ProjectionLedger, toRef } from './ledger.js';

const ACTOR = 'system:projections';

/**
 * The decisions a projection worker takes about its own events, appended to its decision stream
 * and folded into its ledger. Each id comes from what the decision is about, so a worker that
 * crashed after appending it, or a rebuild meeting the same event, appends nothing new.
 */
export class WorkerDecisions {
  constructor(
    private readonly context: { store: EventStore; catalog: EventCatalog; now(): Date },
    private readonly projection: string,
    private readonly ledger: () => ProjectionLedger,
  ) {}

  /** Parked where it stands in the log (`retryPosition` null) or again at a retry request. */
  async parked(
    event: EventLocation,
    cause: unknown,
    attempts: number,
    retryPosition: bigint | null,
  ): Promise<void> {
    const entry = { event, error: errorText(cause), attempts, parkedAt: this.context.now().toISOString() };
    await this.append(
      ProjectionEventParked,
      {
        projection: this.projection,
        ...entry,
        event: toRef(event),
        retryPosition: retryPosition === null ? null : String(retryPosition),
      },
      decisionId(
        this.projection,
        event.position,
        'parked',
        ...(retryPosition === null ? [] : [retryPosition]),
      ),
      event.id,
    );
    this.ledger().park(entry, retryPosition === null);
  }

  async stopped(event: EventLocation, cause: unknown, attempts: number): Promise<void> {
    const ledger = this.ledger();
    const entry = { event, error: errorText(cause), attempts, stoppedAt: this.context.now().toISOString() };
    // A stop repeated without an operator decision in between (a restart) is the same decision.
    await this.append(
      ProjectionStopped,
      { projection: this.projection, ...entry, event: toRef(event) },
      decisionId(this.projection, event.position, 'stopped', ledger.operatorDecisions),
      event.id,
    );
    ledger.stopped = entry;
  }

  async recovered(event: EventLocation, retryPosition: bigint): Promise<void> {
    await this.append(
      ProjectionEventRecovered,
      {
        projection: this.projection,
        event: toRef(event),
        retryPosition: String(retryPosition),
        recoveredAt: this.context.now().toISOString(),
      },
      decisionId(this.projection, event.position, 'recovered', retryPosition),
      event.id,
    );
    this.ledger().recover(event.position);
  }

  private async append<Type extends string, Data>(
    definition: EventDefinition<Type, Data>,
    data: Data,
    id: string,
    causationId: string,
  ): Promise<void> {
    const { revision } = await appendDecision(this.context, this.projection, definition, data, {
      actor: ACTOR,
      id,
      causationId,
    });
    const ledger = this.ledger();
    if (revision > ledger.revision) ledger.revision = revision;
  }
}
