import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseTracingConfig } from '../../src/config/tracing.js';
import type { Event, RecordedEvent } from '../../src/eventstore/envelope.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createPgliteEventStore } from '../../src/eventstore/sql/index.js';
import { tracedEventStore } from '../../src/eventstore/traced-event-store.js';
import { spanContextOf } from '../../src/observability/tracing/carrier.js';
import {
  messageSpanContext,
  splitTraceHeader,
  withTraceHeader,
} from '../../src/observability/tracing/message-trace.js';
import { startTracing, type Tracing } from '../../src/observability/tracing/sdk.js';
import { tracer } from '../../src/observability/tracing/spans.js';
import { isTracing } from '../../src/observability/tracing/state.js';
import { MemoryPubSub } from '../../src/platform/memory/pubsub-memory.js';
import { inBatchSpan } from '../../src/projections/runner/batch-span.js';

const event = (id: string, tenantId = 'acme'): Event => ({
  id,
  type: 'TenantRenamed',
  data: { name: 'Acme' },
  metadata: { tenantId, correlationId: 'c-1', causationId: null, actor: 'system:test', schemaVersion: 1 },
});

/** Runs `work` under a fresh root span, as a request handler would. */
const underSpan = <T>(name: string, work: () => Promise<T>) =>
  tracer().startActiveSpan(name, async (span) => {
    try {
      return await work();
    } finally {
      span.end();
    }
  });

async function readBack(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const recorded of store.readStream(stream)) events.push(recorded);
  return events;
}

describe('tracing configuration', () => {
  it('is off without an OTLP endpoint, and on with either endpoint variable', () => {
    const parse = (env: Record<string, string>) => {
      const parsed = parseTracingConfig(env);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      return parsed.tracing;
    };
    expect(parse({})).toEqual({ enabled: false, serviceName: 'switchboard' });
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).enabled).toBe(true);
    expect(parse({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).enabled).toBe(
      true,
    );
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).enabled).toBe(
      false,
    );
    expect(
      parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).enabled,
    ).toBe(false);
    expect(parse({ OTEL_SERVICE_NAME: 'hub-eu' }).serviceName).toBe('hub-eu');
  });

  it('names every bad OTEL_* variable', () => {
    const parsed = parseTracingConfig({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'nope',
    });
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems.map((problem) => problem.variable).sort()).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    ]);
  });

  it('starts no SDK when off: spans stay no-ops and messages carry no trace header', async () => {
    const tracing = await startTracing({ enabled: false, serviceName: 'switchboard' });
    expect(tracing.enabled).toBe(false);
    expect(isTracing()).toBe(false);
    await underSpan('request', async () => {
      expect(trace.getActiveSpan()?.isRecording() ?? false).toBe(false);
      expect(withTraceHeader('{"a":1}')).toBe('{"a":1}');
    });
  });
});

describe('tracing on, with an in-memory exporter', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let store: EventStore;

  beforeAll(async () => {
    tracing = await startTracing({
      enabled: true,
      serviceName: 'test',
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    store = tracedEventStore(await createPgliteEventStore());
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await store?.close();
    await tracing?.shutdown();
  });

  const spans = (name: string): ReadableSpan[] =>
    exporter.getFinishedSpans().filter((span) => span.name === name);

  it("writes the append span's context into each event's metadata, and only under an active span", async () => {
    await underSpan('request', () =>
      store.append('tenant-acme', [event('00000000-0000-4000-8000-000000000001')], 'any'),
    );
    const [append] = spans('eventstore.append');
    const [request] = spans('request');
    expect(append?.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
    expect(append?.attributes).toMatchObject({
      'switchboard.stream': 'tenant-acme',
      'switchboard.event_count': 1,
      'switchboard.event_types': ['TenantRenamed'],
      'switchboard.tenant': 'acme',
    });
    const [recorded] = await readBack(store, 'tenant-acme');
    expect(spanContextOf(recorded!.metadata)?.spanId).toBe(append!.spanContext().spanId);

    exporter.reset();
    await store.append('tenant-quiet', [event('00000000-0000-4000-8000-000000000002', 'quiet')], 'any');
    expect(spans('eventstore.append')).toHaveLength(0);
    const [untraced] = await readBack(store, 'tenant-quiet');
    expect(untraced!.metadata.traceparent).toBeUndefined();
  });

  it('answers an idempotent retry under another trace as a retry, keeping the first trace', async () => {
    const id = '6f1c5c3e-2a4b-5c6d-8e9f-0a1b2c3d4e5f';
    const first = await underSpan('first', () => store.append('tenant-retry', [event(id, 'retry')], 'any'));
    const again = await underSpan('again', () => store.append('tenant-retry', [event(id, 'retry')], 'any'));
    expect(again.duplicate).toBe(true);
    expect(again.position).toBe(first.position);
    const [recorded] = await readBack(store, 'tenant-retry');
    expect(spanContextOf(recorded!.metadata)?.traceId).toBe(spans('first')[0]!.spanContext().traceId);
  });

  it('parents a one-trace projection batch on the append, and links a many-trace batch', async () => {
    const appendOne = async (name: string, id: string) => {
      await underSpan(name, () => store.append(`tenant-${name}`, [event(id, name)], 'any'));
      return (await readBack(store, `tenant-${name}`))[0]!;
    };
    const a = await appendOne('alpha', '00000000-0000-4000-8000-0000000000a1');
    const b = await appendOne('beta', '00000000-0000-4000-8000-0000000000b1');
    exporter.reset();

    await inBatchSpan('tenants', [a], 0n, a.position, async () => {
      expect(trace.getActiveSpan()?.spanContext().traceId).toBe(spanContextOf(a.metadata)!.traceId);
    });
    const [single] = spans('projection tenants');
    expect(single!.parentSpanContext?.spanId).toBe(spanContextOf(a.metadata)!.spanId);
    expect(single!.links).toHaveLength(0);
    expect(single!.attributes).toMatchObject({
      'switchboard.projection': 'tenants',
      'switchboard.tenant': 'alpha',
    });

    exporter.reset();
    await inBatchSpan('tenants', [a, b], 0n, b.position, async () => {});
    const [batch] = spans('projection tenants');
    expect(batch!.parentSpanContext).toBeUndefined();
    expect(batch!.links.map((link) => link.context.traceId).sort()).toEqual(
      [spanContextOf(a.metadata)!.traceId, spanContextOf(b.metadata)!.traceId].sort(),
    );
    const perEvent = spans('projection tenants event');
    expect(perEvent.map((span) => span.parentSpanContext?.spanId).sort()).toEqual(
      [spanContextOf(a.metadata)!.spanId, spanContextOf(b.metadata)!.spanId].sort(),
    );
    for (const span of perEvent) expect(span.links[0]?.context.spanId).toBe(batch!.spanContext().spanId);
  });

  it('runs untraced batches without a span', async () => {
    await inBatchSpan('tenants', [{ ...(await readBack(store, 'tenant-quiet'))[0]! }], 0n, 1n, async () => {
      expect(trace.getActiveSpan()).toBeUndefined();
    });
    expect(spans('projection tenants')).toHaveLength(0);
  });

  it('carries the publishing span to the subscriber of a pubsub message', async () => {
    const pubsub = new MemoryPubSub();
    const subscription = pubsub.subscribe('news');
    await subscription.ready;
    const iterator = subscription[Symbol.asyncIterator]();
    let publisher = '';
    await underSpan('publisher', async () => {
      publisher = trace.getActiveSpan()!.spanContext().spanId;
      await pubsub.publish('news', { position: 7n });
    });
    await context.with(ROOT_CONTEXT, () => pubsub.publish('news', { position: 8n }));
    const traced = (await iterator.next()).value;
    const untraced = (await iterator.next()).value;
    expect(traced).toEqual({ position: 7n });
    expect(messageSpanContext(traced)?.spanId).toBe(publisher);
    expect(messageSpanContext(untraced)).toBeUndefined();
    expect(splitTraceHeader('{"plain":true}')).toEqual({ json: '{"plain":true}', spanContext: undefined });
    await pubsub.close();
  });
});
