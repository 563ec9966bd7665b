import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { type ClientInstrumentation, selectInstrumentations } from './instrumentations.js';
import { setTracing } from './state.js';

export interface TracingOptions {
  /** False: nothing is loaded or started (no OTLP endpoint configured). */
  enabled: boolean;
  serviceName: string;
  /**
   * Replaces the exporter the OTEL_* variables describe (tests: an in-memory exporter). Without it
   * the SDK builds the OTLP exporter, protocol, sampler and batch processor from the environment.
   */
  spanProcessors?: SpanProcessor[];
  /** Client instrumentations to run (default: as OTEL_NODE_(EN|DIS)ABLED_INSTRUMENTATIONS say). */
  instrumentations?: ReadonlySet<ClientInstrumentation>;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is buffered and stops; called last on shutdown so the close's own spans go too. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK for traces only (metrics are prom-client's, logs are pino's). Call it
 * before the modules it instruments are imported (main.ts imports the hub after it): pg is patched
 * as it loads. Off, nothing is imported: @opentelemetry/api stays a no-op and isTracing() false.
 *
 * Instrumentations, and why these: undici publishes on diagnostics_channel, which needs no loader
 * hook under ESM, and every provider call (OAuth, proxy, sync) goes through it. pg is patched when
 * it is imported after this (checked under tsx); Prisma's adapter-pg uses it too. ioredis is NOT
 * patched when imported from ESM (checked: no span), so Redis commands get spans in our adapter
 * (platform/redis/redis.ts callRedis). HTTP routes and GraphQL have spans of our own (http/) that
 * name the route pattern instead of the raw URL.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!options.enabled) return OFF;
  const selected = options.instrumentations ?? selectInstrumentations();
  const [{ NodeSDK }, { UndiciInstrumentation }, { PgInstrumentation }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-pg'),
  ]);
  const instrumentations = [
    ...(selected.has('undici')
      ? [
          new UndiciInstrumentation({
            requireParentforSpans: true,
            // A query string may carry an API key or an OAuth code: the span keeps origin and path only.
            startSpanHook: (request) => ({
              'url.full': `${request.origin}${request.path.split('?')[0]}`,
              'url.query': request.path.includes('?') ? 'REDACTED' : '',
            }),
          }),
        ]
      : []),
    // Statements are parameterized; values stay out unless enhancedDatabaseReporting (off).
    // A pool checkout is a span per query for nothing a query span does not show: left out.
    ...(selected.has('pg')
      ? [new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true })]
      : []),
  ];
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    // Traces only: an empty list keeps the SDK from starting OTLP metric and log exporters.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  setTracing(true, { redisCommands: selected.has('redis') });
  let stopped = false;
  return {
    enabled: true,
    async shutdown() {
      if (stopped) return;
      stopped = true;
      setTracing(false);
      await sdk.shutdown();
      // Unregisters the globals, so a later start in this process (a test) can register its own.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
