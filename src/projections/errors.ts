import type { RecordedEvent } from '../eventstore/envelope.js';
import { SwitchboardError } from '../shared/errors.js';

export interface FailedEvent {
  id: string;
  type: string;
  stream: string;
  position: bigint;
}

export const describeEvent = (event: RecordedEvent): FailedEvent => ({
  id: event.id,
  type: event.type,
  stream: event.stream,
  position: event.position,
});

/** A projection could not apply an event; it stops there (the event is never skipped). */
export class ProjectionFailedError extends SwitchboardError {
  readonly projection: string;
  readonly event: FailedEvent | undefined;

  constructor(projection: string, event: FailedEvent | undefined, cause: unknown) {
    const where = event ? ` at ${event.type} ${event.id} (${event.stream} @ ${event.position})` : '';
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('PROJECTION_FAILED', `Projection ${projection} stopped${where}: ${reason}`, {
      status: 503,
      detail: { projection, event: event && { ...event, position: String(event.position) } },
      cause,
    });
    this.projection = projection;
    this.event = event;
  }
}

/** Thrown by a pure evolve for an event that cannot apply to the row it finds. */
export class ProjectionEventError extends SwitchboardError {
  constructor(event: RecordedEvent, message: string) {
    super('PROJECTION_EVENT_REJECTED', message, {
      detail: { ...describeEvent(event), position: String(event.position) },
    });
  }
}

/** Someone else (a rebuild, another runner) moved the checkpoint; the worker re-reads it and resumes. */
export class CheckpointMovedError extends SwitchboardError {
  constructor(projection: string, expected: bigint) {
    super('CHECKPOINT_MOVED', `Checkpoint of ${projection} is no longer at ${expected}`);
  }
}

export class WaitForTimeoutError extends SwitchboardError {
  constructor(
    position: bigint,
    timeoutMs: number,
    behind: ReadonlyArray<{ name: string; position: bigint }>,
  ) {
    const list = behind.map((p) => `${p.name} at ${p.position}`).join(', ');
    super(
      'PROJECTION_TIMEOUT',
      `Read models did not reach position ${position} within ${timeoutMs} ms (behind: ${list})`,
      { status: 503, detail: { position: String(position), timeoutMs, behind: behind.map((p) => p.name) } },
    );
  }
}

export class UnknownProjectionError extends SwitchboardError {
  constructor(name: string) {
    super('UNKNOWN_PROJECTION', `No projection named ${name}`, { status: 404 });
  }
}

/**
 * A command was appended, but a read model it answers from did not show it within the wait: the
 * change is recorded, only the answer is not ready. Exposed although it is a 503: the client must
 * learn to read again (or wait) rather than send the command a second time.
 */
export class NotYetVisibleError extends SwitchboardError {
  constructor(position: bigint, readModels: readonly string[], cause: unknown) {
    super(
      'NOT_YET_VISIBLE',
      `The change was recorded at position ${position} but is not visible yet; read it again shortly (do not repeat the change)`,
      {
        status: 503,
        detail: { position: String(position), readModels },
        extensions: { position: String(position), retryable: true },
        cause,
      },
    );
  }

  override get expose(): boolean {
    return true;
  }
}
