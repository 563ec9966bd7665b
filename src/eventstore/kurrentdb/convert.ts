/**
 * Our envelope ⇄ KurrentDB events. Data and our EventMetadata travel as JSON (data in the event
 * body, metadata in the event's metadata); the store's revision, position and time come back.
 */
import type {
  AllStreamResolvedEvent,
  AppendStreamState,
  JSONEventData,
  JSONType,
  ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { SwitchboardError } from '../../shared/errors.js';
import type { Event, EventMetadata, RecordedEvent } from '../envelope.js';
import type { ExpectedRevision } from '../port.js';

/**
 * Our `position` is KurrentDB's commit position. Every event appended through gRPC is its own
 * (implicit) commit, so its commit position equals its prepare position and is unique and
 * increasing in $all: a single bigint loses nothing. Only legacy explicit transactions (TCP API)
 * share one commit position among several events; this store never writes those.
 */
export type Position = bigint;

/** Stream reads on servers before 22.6 carry no position; -1n says "unknown" rather than guessing. */
export const UNKNOWN_POSITION = -1n;

/** Commit positions at or above i64::MAX are the server's "no position" (u64::MAX on the wire). */
const NO_POSITION_ON_WIRE = 1n << 63n;

export function positionOf(position: { commit: bigint } | undefined): Position {
  if (position === undefined || position.commit >= NO_POSITION_ON_WIRE) return UNKNOWN_POSITION;
  return position.commit;
}

/** The resume point for reads and subscriptions: commit = prepare, as for every gRPC-written event. */
export function readPosition(position: Position): { commit: bigint; prepare: bigint } {
  return { commit: position, prepare: position };
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  return expected === 'exists' ? 'stream_exists' : expected;
}

export function toEventData(event: Event): JSONEventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client only JSON.stringifies `data`; our events are zod-validated JSON values.
    data: event.data as JSONType,
    metadata: { ...event.metadata },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

/**
 * Metadata is what `toEventData` wrote. Anything else in a user stream (another writer, a
 * hand-made event) is refused loudly rather than handed on half-formed.
 */
function toEventMetadata(raw: unknown, id: string): EventMetadata {
  const m = isRecord(raw) ? raw : {};
  const { tenantId, correlationId, causationId, actor, schemaVersion, traceparent, tracestate } = m;
  if (
    typeof tenantId !== 'string' ||
    typeof correlationId !== 'string' ||
    (causationId !== null && typeof causationId !== 'string') ||
    typeof actor !== 'string' ||
    typeof schemaVersion !== 'number'
  ) {
    throw new SwitchboardError('EVENT_MALFORMED', `Event ${id} does not carry our metadata`, {
      detail: { id },
    });
  }
  const metadata: EventMetadata = { tenantId, correlationId, causationId, actor, schemaVersion };
  // The trace context the traced store wrote (traced-event-store.ts), kept in the order it was written.
  if (typeof traceparent === 'string') metadata.traceparent = traceparent;
  if (typeof tracestate === 'string') metadata.tracestate = tracestate;
  return metadata;
}

/** Undefined for a link whose target is gone (only reachable with resolveLinkTos, which we never ask for). */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toEventMetadata(event.metadata, event.id),
    stream: event.streamId,
    revision: event.revision,
    position: positionOf(
      event.position ??
        (resolved.commitPosition === undefined ? undefined : { commit: resolved.commitPosition }),
    ),
    recordedAt: event.created,
  };
}
