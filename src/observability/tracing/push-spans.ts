import { ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { messageSpanContext } from './message-trace.js';
import { tracer } from './spans.js';
import { isTracing } from './state.js';

/**
 * A span for pushing what `message` brought to a subscriber, in the trace that published it
 * (message-trace.ts remembers it on receipt), on whichever instance the subscriber is connected
 * to. Undefined when tracing is off or the message came from no traced publish.
 */
export function startPushSpan(message: unknown, subscription: string): Span | undefined {
  if (!isTracing()) return undefined;
  const parent = messageSpanContext(message);
  if (!parent) return undefined;
  return tracer().startSpan(
    `push ${subscription}`,
    { kind: SpanKind.PRODUCER, attributes: { [ATTR.subscription]: subscription } },
    trace.setSpanContext(ROOT_CONTEXT, parent),
  );
}

/**
 * A subscription's items (pubsub messages, as received), each pushed in its publisher's trace. The
 * span opens when the item is handed on and ends when the consumer asks for the next one:
 * graphql-ws asks only after it has executed and sent the item, so the span covers the push
 * itself. Items from no traced publish (a replayed backlog) pass without a span.
 */
export function tracedPushes<T>(items: AsyncIterable<T>, subscription: string): AsyncIterable<T> {
  // Off: the items as they are, without a generator in between.
  return isTracing() ? pushSpans(items, subscription) : items;
}

async function* pushSpans<T>(items: AsyncIterable<T>, subscription: string): AsyncGenerator<T> {
  for await (const item of items) {
    const span = startPushSpan(item, subscription);
    try {
      yield item;
    } finally {
      span?.end();
    }
  }
}
