import { isSpanContextValid, trace } from '@opentelemetry/api';

const NONE: Readonly<Record<string, never>> = Object.freeze({});

/**
 * pino's mixin: the active span's ids on every line, so a log line leads to its trace. Without a
 * tracing SDK there is no active span and this is one lookup that returns the shared empty object.
 */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return NONE;
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return NONE;
  return { traceId: context.traceId, spanId: context.spanId };
}

/**
 * pino merges a line's fields into what the mixin returned; with no span there is nothing to merge
 * into, so the line's own fields go through untouched (and the shared empty object stays empty).
 */
export function mergeTraceFields(fields: object, trace: object): object {
  return trace === NONE ? fields : Object.assign(trace, fields);
}
