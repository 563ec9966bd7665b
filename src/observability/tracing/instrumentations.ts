/**
 * Which of the hub's client instrumentations run, by the variables OpenTelemetry's Node
 * auto-instrumentation reads: OTEL_NODE_ENABLED_INSTRUMENTATIONS (exactly these) and
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS (minus these), comma-separated names. Ours are `undici`
 * (provider calls), `pg` (a span per PostgreSQL statement) and `redis` (a span per Redis command).
 *
 * Unlike the auto-instrumentation, `pg` and `redis` are off unless named: with them a webhook
 * delivery costs a third more CPU (bench/RESULTS.md, Tracing), without them 9 %, inside the 10 %
 * budget. What they would show is mostly there anyway: appends and reads have event-store spans,
 * projection batches their own, and the Redis PUBLISH that carries a trace to another instance is
 * always a span. Spans of the hub's own (routes, GraphQL, appends, projections, pushes) always run.
 */
export const CLIENT_INSTRUMENTATIONS = ['undici', 'pg', 'redis'] as const;
export type ClientInstrumentation = (typeof CLIENT_INSTRUMENTATIONS)[number];

const names = (value: string | undefined) =>
  new Set(
    (value ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean),
  );

const DEFAULT_INSTRUMENTATIONS: ReadonlySet<ClientInstrumentation> = new Set(['undici']);

export function selectInstrumentations(env: NodeJS.ProcessEnv = process.env): Set<ClientInstrumentation> {
  const enabled = names(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  const disabled = names(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS);
  return new Set(
    CLIENT_INSTRUMENTATIONS.filter(
      (name) =>
        (enabled.size === 0 ? DEFAULT_INSTRUMENTATIONS.has(name) : enabled.has(name)) && !disabled.has(name),
    ),
  );
}
