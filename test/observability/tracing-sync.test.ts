import { randomUUID } from 'node:crypto';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { startTracing, type Tracing } from '../../src/observability/tracing/sdk.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';

const caller = systemCaller('test', randomUUID());

describeWithPostgres('one trace from a sync page to the records projection (PostgreSQL)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let fake: TodoistApiFake;
  let world: SyncWorld;

  beforeAll(async () => {
    tracing = await startTracing({
      enabled: true,
      serviceName: 'sync-test',
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    fake = await startTodoistApiFake();
    fake.addTask({ content: 'Traced task' });
    // The endpoint only turns the hub's traced adapters on; spans go to the in-memory exporter above.
    world = await startSyncWorld({
      base: 'todoist',
      baseUrl: fake.url,
      token: fake.token,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
    });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
    await tracing?.shutdown();
  });

  it("puts the run's provider calls, its page append and the records projection in one trace", async () => {
    // The engine's own commands: the GraphQL mutations add a read-your-writes wait that a loaded
    // CI machine can outlast, and the trace under test starts at the run, not at the route.
    await world.engine.configureSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
      config: {},
      frequency: '1h',
    });
    await world.engine.startSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.drain();

    const spans = exporter.getFinishedSpans();
    const runs = spans.filter(
      (span) => span.name === 'sync run' && span.attributes['switchboard.resource'] === 'tasks',
    );
    expect(runs.length).toBeGreaterThan(0);
    const inRun = (run: ReadableSpan) =>
      spans.filter((span) => span.spanContext().traceId === run.spanContext().traceId);
    const run = runs.find((candidate) =>
      inRun(candidate).some((span) =>
        (span.attributes['switchboard.event_types'] as string[] | undefined)?.includes(
          'RecordsBatchRecorded',
        ),
      ),
    )!;
    expect(run).toBeDefined();
    expect(run.parentSpanContext).toBeUndefined();
    expect(run.attributes).toMatchObject({
      'switchboard.tenant': world.tenantId,
      'switchboard.connection': world.connectionId,
    });

    const trace = inRun(run);
    const providerCalls = trace.filter((span) =>
      String(span.attributes['url.full'] ?? '').startsWith(fake.url),
    );
    expect(providerCalls.length).toBeGreaterThan(0);
    const page = trace.find(
      (span) =>
        span.name === 'eventstore.append' &&
        (span.attributes['switchboard.event_types'] as string[]).includes('RecordsBatchRecorded'),
    )!;
    const projection = trace.find((span) => span.name === 'projection sync-records');
    expect(projection?.parentSpanContext?.spanId).toBe(page.spanContext().spanId);

    // The provider's API key never reaches a span, not even in a URL.
    const exported = JSON.stringify(trace.map((span) => span.attributes));
    expect(exported).not.toContain(fake.token);
    expect(exported).not.toContain('Traced task');
  });
});
