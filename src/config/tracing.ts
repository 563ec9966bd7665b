import { z } from 'zod';

/**
 * Tracing is configured by the standard OpenTelemetry variables only, so any collector's docs apply
 * as written; the SDK reads the rest of them (headers, timeouts, sampler arguments) itself. This
 * file decides the one thing Switchboard must know early: whether to start the SDK at all.
 */
export interface TracingConfig {
  /** False unless an OTLP endpoint is set: then no SDK is loaded and every span is a no-op. */
  enabled: boolean;
  serviceName: string;
}

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const blank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalUrl = z.preprocess(blank, z.url({ message: 'must be a URL' }).optional());

const tracingSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(blank, z.enum(PROTOCOLS).optional()),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.preprocess(blank, z.enum(PROTOCOLS).optional()),
  OTEL_TRACES_SAMPLER: z.preprocess(blank, z.enum(SAMPLERS).optional()),
  OTEL_TRACES_EXPORTER: z.preprocess(blank, z.string().optional()),
  OTEL_SDK_DISABLED: z.preprocess(blank, z.enum(['true', 'false']).optional()),
  OTEL_SERVICE_NAME: z.preprocess(blank, z.string().default('switchboard')),
});

export type TracingProblems = Array<{ variable: string; message: string }>;

/** Reads the OTEL_* variables: the settings, or every bad variable (loadConfig reports them with the rest). */
export function parseTracingConfig(
  env: NodeJS.ProcessEnv = process.env,
): { ok: true; tracing: TracingConfig } | { ok: false; problems: TracingProblems } {
  const parsed = tracingSchema.safeParse(env);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0]),
        message: issue.message,
      })),
    };
  }
  const e = parsed.data;
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporterOff = e.OTEL_TRACES_EXPORTER?.split(',').some((name) => name.trim() === 'none') ?? false;
  return {
    ok: true,
    tracing: {
      enabled: Boolean(endpoint) && e.OTEL_SDK_DISABLED !== 'true' && !exporterOff,
      serviceName: e.OTEL_SERVICE_NAME,
    },
  };
}
