import {
  type Context,
  context,
  ROOT_CONTEXT,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context as it travels inside our own messages (event metadata, pubsub messages): the
 * `traceparent` and, when a vendor set one, `tracestate` strings, nothing else. Always W3C, whatever
 * OTEL_PROPAGATORS says for HTTP, because it is written into the log and read back by other versions.
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

const w3c = new W3CTraceContextPropagator();
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<TraceCarrier> = {
  keys: () => ['traceparent', 'tracestate'],
  get: (carrier, key) =>
    key === 'traceparent' ? carrier.traceparent : key === 'tracestate' ? carrier.tracestate : undefined,
};

/** The carrier of `ctx`'s span (the active one by default); undefined when there is no valid span. */
export function carrierOf(ctx: Context = context.active()): TraceCarrier | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, setter);
  const traceparent = carrier['traceparent'];
  if (!traceparent) return undefined;
  return carrier['tracestate'] ? { traceparent, tracestate: carrier['tracestate'] } : { traceparent };
}

/** The remote span a carrier names, or undefined for a missing or malformed one. */
export function spanContextOf(carrier: Partial<TraceCarrier> | undefined): SpanContext | undefined {
  if (typeof carrier?.traceparent !== 'string') return undefined;
  const extracted = w3c.extract(ROOT_CONTEXT, carrier as TraceCarrier, getter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}
