import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { messageSpanContext } from './message-trace.js';
import { tracer } from './spans.js';
import { isTracing } from './state.js';

/**
 * A subscription's items, each pushed in a span of the trace that published it (message-trace.ts
 * remembers it on receipt), on whichever instance the subscriber is connected to. The span opens
 * when the item is handed on and ends when the consumer asks for the next one: graphql-ws asks
 * only after it has executed and sent the item, so the span covers the push itself. Items that
 * came from no traced publish (a replayed backlog) pass without a span.
 */
export async function* tracedPushes<T>(items: AsyncIterable<T>, subscription: string): AsyncGenerator<T> {
  if (!isTracing()) return yield* items;
  for await (const item of items) {
    const parent = messageSpanContext(item);
    if (!parent) {
      yield item;
      continue;
    }
    const span = tracer().startSpan(
      `push ${subscription}`,
      { kind: SpanKind.PRODUCER, attributes: { [ATTR.subscription]: subscription } },
      trace.setSpanContext(ROOT_CONTEXT, parent),
    );
    try {
      yield item;
    } finally {
      span.end();
    }
  }
}
