/**
 * Whether a tracer provider is registered. Code on hot paths (appends, projection batches, pubsub)
 * checks this before touching the OpenTelemetry API at all, so a hub without an OTLP endpoint pays
 * one boolean read, not an allocation per event.
 */
let tracing = false;

export const isTracing = (): boolean => tracing;

/** Set by startTracing and its shutdown only. */
export function setTracing(on: boolean): void {
  tracing = on;
}
