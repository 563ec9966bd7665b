/**
 * The event envelope shared by every stream family. Events are facts in past tense; the
 * store assigns stream, revision, position and time when it records them.
 */
export interface EventMetadata {
  tenantId: string;
  /** Ties together every event caused by one request or one inbound delivery. */
  correlationId: string;
  /** Id of the event or request that directly caused this one; null for a root cause. */
  causationId: string | null;
  /** Who caused it: `operator:<fingerprint>`, `user:<sub>`, `system:<component>`, `provider:<id>`. */
  actor: string;
  /** Version of `data`'s schema at write time; reads upcast older versions. */
  schemaVersion: number;
  /**
   * W3C trace context of the span that appended the event, written by the traced store only when
   * tracing is on and a span is active: projections and live subscribers continue that trace.
   */
  traceparent?: string;
  tracestate?: string;
}

export interface Event<Type extends string = string, Data = unknown> {
  /** UUID; deterministic (UUIDv5) for facts that come from outside, so retries are idempotent. */
  id: string;
  type: Type;
  data: Data;
  metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> extends Event<Type, Data> {
  stream: string;
  /** Position within the stream; the first event is 0. */
  revision: bigint;
  /** Position in the global log. Strictly increasing in commit order; not necessarily gap-free. */
  position: bigint;
  recordedAt: Date;
}
