import { type Attributes, SpanKind, trace } from '@opentelemetry/api';
import { ATTR } from '../observability/tracing/attributes.js';
import { carrierOf } from '../observability/tracing/carrier.js';
import { inChildSpan, recordFailure, tracer } from '../observability/tracing/spans.js';
import type { Event, RecordedEvent } from './envelope.js';
import type { EventStore, ExpectedRevision, ReadAllOptions, ReadStreamOptions } from './port.js';

/**
 * The EventStore with spans around appends and reads, installed by runtime.ts only when tracing is
 * on (off, the hub uses the bare store and pays nothing). An append under an active span writes that
 * append span's W3C context into each event's metadata, so the projections that apply the event and
 * the subscribers that hear of it continue the same trace, on whichever instance they run. The
 * metadata is written once and hashed by audit seals as stored; idempotent retries match by id, so
 * a retry under another trace is still a retry (and keeps the first trace's context).
 *
 * Attributes: stream, event types, count, positions. Never data or the rest of the metadata.
 */
export function tracedEventStore(store: EventStore): EventStore {
  const traced: Partial<EventStore> = {
    append: (stream, events, expected) => append(store, stream, events, expected),
    readStream: (stream, options) => readStream(store, stream, options),
    readAll: (options) => readAll(store, options),
  };
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(traced, property)) return traced[property as keyof EventStore];
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      let method = bound.get(property);
      if (!method) {
        method = value.bind(target);
        bound.set(property, method);
      }
      return method;
    },
  });
}

function append(store: EventStore, stream: string, events: readonly Event[], expected: ExpectedRevision) {
  // Background appends (seals, projection decisions) belong to no trace: the bare path.
  if (!trace.getActiveSpan()) return store.append(stream, events, expected);
  const attributes = {
    [ATTR.stream]: stream,
    [ATTR.eventCount]: events.length,
    [ATTR.eventTypes]: [...new Set(events.map((event) => event.type))],
    ...(events[0] ? { [ATTR.tenant]: events[0].metadata.tenantId } : {}),
  };
  return inChildSpan(
    'eventstore.append',
    attributes,
    async (span) => {
      const carrier = carrierOf();
      const traced = carrier
        ? events.map((event) => ({ ...event, metadata: { ...event.metadata, ...carrier } }))
        : events;
      const result = await store.append(stream, traced, expected);
      span.setAttribute(ATTR.position, String(result.position));
      span.setAttribute(ATTR.revision, String(result.revision));
      span.setAttribute(ATTR.duplicate, result.duplicate);
      return result;
    },
    SpanKind.CLIENT,
  );
}

function readStream(store: EventStore, stream: string, options?: ReadStreamOptions) {
  return countedRead('eventstore.read_stream', { [ATTR.stream]: stream }, () =>
    store.readStream(stream, options),
  );
}

function readAll(store: EventStore, options?: ReadAllOptions) {
  const attributes: Attributes = {};
  if (options?.filter?.eventTypes) attributes[ATTR.eventTypes] = [...options.filter.eventTypes];
  return countedRead('eventstore.read_all', attributes, () => store.readAll(options));
}

/** A span over one read's whole iteration, with the number of events it yielded. */
async function* countedRead(
  name: string,
  attributes: Attributes,
  open: () => AsyncIterable<RecordedEvent>,
): AsyncGenerator<RecordedEvent> {
  // Reads outside any trace (background loops) stay unspanned, as appends do.
  if (!trace.getActiveSpan()) return yield* open();
  // A generator loses the active context between yields: the span is started, not made active.
  const span = tracer().startSpan(name, { kind: SpanKind.CLIENT, attributes });
  let count = 0;
  try {
    for await (const event of open()) {
      count++;
      yield event;
    }
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.setAttribute(ATTR.eventCount, count);
    span.end();
  }
}
