import type { SpanContext } from '@opentelemetry/api';
import { carrierOf, spanContextOf } from './carrier.js';
import { isTracing } from './state.js';

/**
 * Trace context on pubsub messages. A traced publish writes `@<traceparent>[ <tracestate>]\n`
 * before the JSON text (no JSON text starts with `@`, so untraced messages are read as before), and
 * the receiving instance remembers the context against the decoded message object, where the
 * subscriber's push span finds it (messageSpanContext). Kept outside the JSON so payload shapes,
 * which subscribers and tests compare, do not change.
 */
const MARK = '@';
const remembered = new WeakMap<object, SpanContext>();

/** `text` with the active span's context in front, when tracing and a span is active. */
export function withTraceHeader(text: string): string {
  if (!isTracing()) return text;
  const carrier = carrierOf();
  if (!carrier) return text;
  const header = carrier.tracestate ? `${carrier.traceparent} ${carrier.tracestate}` : carrier.traceparent;
  return `${MARK}${header}\n${text}`;
}

/** Splits a received message into its trace context (if any) and its JSON text. */
export function splitTraceHeader(text: string): { json: string; spanContext: SpanContext | undefined } {
  if (!text.startsWith(MARK)) return { json: text, spanContext: undefined };
  const newline = text.indexOf('\n');
  if (newline < 0) return { json: text, spanContext: undefined };
  const [traceparent, tracestate] = text.slice(1, newline).split(' ');
  return { json: text.slice(newline + 1), spanContext: spanContextOf({ traceparent, tracestate }) };
}

/** Remembers which trace published `message` (a decoded object; primitives carry none). */
export function rememberMessageContext(message: unknown, spanContext: SpanContext | undefined): void {
  if (spanContext && typeof message === 'object' && message !== null) remembered.set(message, spanContext);
}

/** The span that published this message, when its publisher was traced. */
export function messageSpanContext(message: unknown): SpanContext | undefined {
  return typeof message === 'object' && message !== null ? remembered.get(message) : undefined;
}
