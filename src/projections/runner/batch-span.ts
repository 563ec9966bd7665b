import { context, type Link, ROOT_CONTEXT, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import { ATTR } from '../../observability/tracing/attributes.js';
import { spanContextOf } from '../../observability/tracing/carrier.js';
import { recordFailure, tracer } from '../../observability/tracing/spans.js';
import { isTracing } from '../../observability/tracing/state.js';

/** A span keeps at most this many links, and a batch this many per-event child spans. */
const MAX_TRACES = 64;

/**
 * Runs a projection batch (its commit and afterCommit) in a span that continues the traces of its
 * events, read from their metadata (traced-event-store.ts wrote them at append). A batch of one
 * trace (the live case: one delivery, applied at once) is a child of the appending span, so the
 * publish that follows is in that trace too. A batch of several traces (catch-up) is a span of its
 * own linked to each, and each traced event gets a short child span in its own trace, linked back
 * to the batch. Untraced events, or tracing off: `work` runs as it is, with no allocation.
 */
export async function inBatchSpan<T>(
  projection: string,
  events: readonly RecordedEvent[],
  from: bigint,
  to: bigint,
  work: () => Promise<T>,
): Promise<T> {
  if (!isTracing() || events.length === 0) return work();
  // By trace id: one request's appends to several streams are several spans of one trace.
  const traces = new Map<string, SpanContext>();
  let tenant: string | undefined = events[0]!.metadata.tenantId;
  for (const event of events) {
    if (event.metadata.tenantId !== tenant) tenant = undefined;
    if (!event.metadata.traceparent || traces.size >= MAX_TRACES) continue;
    const spanContext = spanContextOf(event.metadata);
    if (spanContext && !traces.has(spanContext.traceId)) traces.set(spanContext.traceId, spanContext);
  }
  if (traces.size === 0) return work();

  const single = traces.size === 1 ? [...traces.values()][0] : undefined;
  const parent = single ? trace.setSpanContext(ROOT_CONTEXT, single) : ROOT_CONTEXT;
  const links: Link[] = single ? [] : [...traces.values()].map((spanContext) => ({ context: spanContext }));
  const started = Date.now();
  const span = tracer().startSpan(
    `projection ${projection}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        [ATTR.projection]: projection,
        [ATTR.eventCount]: events.length,
        [ATTR.fromPosition]: String(from),
        [ATTR.toPosition]: String(to),
        [ATTR.eventTypes]: [...new Set(events.map((event) => event.type))],
        ...(tenant ? { [ATTR.tenant]: tenant } : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    if (!single) eventSpans(projection, events, span.spanContext(), started);
    span.end();
  }
}

/** In each event's own trace, a span saying this projection applied it in that batch. */
function eventSpans(
  projection: string,
  events: readonly RecordedEvent[],
  batch: SpanContext,
  startTime: number,
): void {
  let made = 0;
  for (const event of events) {
    const parent = event.metadata.traceparent ? spanContextOf(event.metadata) : undefined;
    if (!parent || made++ >= MAX_TRACES) continue;
    tracer()
      .startSpan(
        `projection ${projection} event`,
        {
          kind: SpanKind.CONSUMER,
          startTime,
          links: [{ context: batch }],
          attributes: {
            [ATTR.projection]: projection,
            [ATTR.eventType]: event.type,
            [ATTR.position]: String(event.position),
          },
        },
        trace.setSpanContext(ROOT_CONTEXT, parent),
      )
      .end();
  }
}
