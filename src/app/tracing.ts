import { parseTracingConfig } from '../config/tracing.js';
import { startTracing, type Tracing } from '../observability/tracing/sdk.js';

/**
 * Starts tracing as the OTEL_* variables say, before the hub's modules load. Bad OTEL_* values
 * start nothing here: serve() loads the whole configuration next and reports them with the rest.
 */
export async function startTracingFromEnvironment(): Promise<Tracing | undefined> {
  const parsed = parseTracingConfig();
  if (!parsed.ok || !parsed.tracing.enabled) return undefined;
  return startTracing(parsed.tracing);
}
