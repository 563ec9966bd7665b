import type { EventCatalog } from '../../events/catalog.js';
import {
  type EventRef,
  type ProjectionDecisionEvent,
  ProjectionRetryRequested,
  projectionStream,
} from '../../events/projection.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { EventStore } from '../../eventstore/port.js';

/** Where an event is in the log, as the ledger and the decisions keep it. */
export interface EventLocation {
  id: string;
  type: string;
  stream: string;
  revision: bigint;
  position: bigint;
}

export interface ParkedEntry {
  event: EventLocation;
  error: string;
  attempts: number;
  parkedAt: string;
}

export interface StopEntry {
  event: EventLocation;
  error: string;
  attempts: number;
  stoppedAt: string;
}

export const locate = (event: RecordedEvent): EventLocation => ({
  id: event.id,
  type: event.type,
  stream: event.stream,
  revision: event.revision,
  position: event.position,
});

export const toRef = (event: EventLocation): EventRef => ({
  ...event,
  revision: String(event.revision),
  position: String(event.position),
});

const fromRef = (ref: EventRef): EventLocation => ({
  ...ref,
  revision: BigInt(ref.revision),
  position: BigInt(ref.position),
});

/** A retry request for this projection, recognized by its stream (no decode needed). */
export const isRetryRequestFor = (projection: string, event: RecordedEvent): boolean =>
  event.type === ProjectionRetryRequested.type && event.stream === projectionStream(projection);

/**
 * What the decision stream (`projection-_global.<name>`) says about one projection, folded for a
 * consumer that resumes after `resumeAt`: the live worker (its checkpoint), a rebuild or verify (0).
 * The same fold drives both, which is why a rebuild leaves out exactly what the live model left out.
 */
export class ProjectionLedger {
  /** Passed over where they stand in the log: parked the first time they failed, or skipped. */
  private readonly passedOver = new Set<bigint>();
  /** Parked and not recovered (as seen from resumeAt), by position. */
  readonly parked = new Map<bigint, ParkedEntry>();
  readonly skipped = new Map<bigint, EventLocation>();
  /** Set while the projection waits for an operator (stopped by its rule, no retry or skip since). */
  stopped: StopEntry | null = null;
  /** The stop a retry request lifted, with that request's position: recovered once applied. */
  retrying: { event: EventLocation; retryPosition: bigint } | null = null;
  /** Retry and skip requests so far: a new stop after one of them is a new decision. */
  operatorDecisions = 0;
  /** Revision of the last decision read or written (-1: none). */
  revision = -1n;
  /** Decisions that did not decode (only the hub writes them, so a bug): left out, never fatal. */
  unreadable = 0;

  constructor(
    readonly projection: string,
    private readonly resumeAt: bigint = 0n,
  ) {}

  static async read(
    store: EventStore,
    catalog: EventCatalog,
    projection: string,
    resumeAt: bigint,
    fromRevision?: bigint,
  ): Promise<ProjectionLedger> {
    const ledger = new ProjectionLedger(projection, resumeAt);
    await ledger.catchUp(store, catalog, fromRevision);
    return ledger;
  }

  /** Folds the decisions appended since the last one seen; returns them. */
  async catchUp(
    store: EventStore,
    catalog: EventCatalog,
    fromRevision = this.revision + 1n,
  ): Promise<ProjectionDecisionEvent[]> {
    const read: ProjectionDecisionEvent[] = [];
    for await (const event of store.readStream(projectionStream(this.projection), { fromRevision })) {
      let decision: ProjectionDecisionEvent;
      try {
        decision = catalog.decode(event) as ProjectionDecisionEvent;
      } catch {
        // A decision nobody can read must not stop the projection it is about.
        this.unreadable++;
        if (event.revision > this.revision) this.revision = event.revision;
        continue;
      }
      this.fold(decision);
      read.push(decision);
    }
    return read;
  }

  fold(decision: ProjectionDecisionEvent): void {
    if (decision.revision > this.revision) this.revision = decision.revision;
    switch (decision.type) {
      case 'ProjectionEventParked': {
        const event = fromRef(decision.data.event);
        if (decision.data.retryPosition === null) this.passedOver.add(event.position);
        this.parked.set(event.position, {
          event,
          error: decision.data.error,
          attempts: decision.data.attempts,
          parkedAt: decision.data.parkedAt,
        });
        return;
      }
      case 'ProjectionEventRecovered': {
        const position = BigInt(decision.data.event.position);
        // A recovery the consumer has not passed yet is done again when it reaches the request.
        if (BigInt(decision.data.retryPosition) <= this.resumeAt) this.parked.delete(position);
        if (this.retrying?.event.position === position) this.retrying = null;
        return;
      }
      case 'ProjectionStopped':
        this.stopped = {
          event: fromRef(decision.data.event),
          error: decision.data.error,
          attempts: decision.data.attempts,
          stoppedAt: decision.data.stoppedAt,
        };
        return;
      case 'ProjectionEventSkipped': {
        const event = fromRef(decision.data.event);
        this.operatorDecisions++;
        this.passedOver.add(event.position);
        this.skipped.set(event.position, event);
        this.parked.delete(event.position);
        if (this.stopped?.event.position === event.position) this.stopped = null;
        if (this.retrying?.event.position === event.position) this.retrying = null;
        return;
      }
      case 'ProjectionRetryRequested':
        this.operatorDecisions++;
        if (this.stopped) this.retrying = { event: this.stopped.event, retryPosition: decision.position };
        this.stopped = null;
        return;
      default: {
        const unhandled: never = decision;
        throw new Error(`Unhandled decision ${(unhandled as { type: string }).type}`);
      }
    }
  }

  /** True for an event this projection goes on without, where it stands in the log. */
  passesOver(position: bigint): boolean {
    return this.passedOver.size > 0 && this.passedOver.has(position);
  }

  /** Parked events a retry request at `position` re-applies (all of them without one), in log order. */
  parkedBefore(position?: bigint): ParkedEntry[] {
    return [...this.parked.values()]
      .filter((entry) => position === undefined || entry.event.position < position)
      .sort((a, b) => (a.event.position < b.event.position ? -1 : 1));
  }

  /** Records the outcome of a park this consumer decided (the live worker has appended it). */
  park(entry: ParkedEntry, firstTime: boolean): void {
    if (firstTime) this.passedOver.add(entry.event.position);
    this.parked.set(entry.event.position, entry);
  }

  recover(position: bigint): void {
    this.parked.delete(position);
    if (this.retrying?.event.position === position) this.retrying = null;
  }
}
