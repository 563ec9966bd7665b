/**
 * Whether a tracer provider is registered. Code on hot paths (appends, projection batches, pubsub)
 * checks this before touching the OpenTelemetry API at all, so a hub without an OTLP endpoint pays
 * one boolean read, not an allocation per event.
 */
let tracing = false;
/** Whether every Redis command gets a span, not only PUBLISH (the `redis` instrumentation). */
let redisCommands = false;

export const isTracing = (): boolean => tracing;
export const isTracingRedisCommands = (): boolean => redisCommands;

/** Set by startTracing and its shutdown only. */
export function setTracing(on: boolean, options: { redisCommands?: boolean } = {}): void {
  tracing = on;
  redisCommands = on && (options.redisCommands ?? false);
}
