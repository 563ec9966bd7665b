/**
 * Which of the hub's client instrumentations run, by the variables OpenTelemetry's Node
 * auto-instrumentation reads: OTEL_NODE_ENABLED_INSTRUMENTATIONS (only these) and
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS (all but these), comma-separated names. Ours are `undici`
 * (provider calls), `pg` (every PostgreSQL statement) and `redis` (every Redis command; PUBLISH
 * included). Spans of the hub's own (routes, GraphQL, appends, projections, pushes) always run:
 * they are what a trace is for; the per-statement and per-command spans are the ones worth
 * trading for throughput.
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

export function selectInstrumentations(env: NodeJS.ProcessEnv = process.env): Set<ClientInstrumentation> {
  const enabled = names(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS);
  const disabled = names(env.OTEL_NODE_DISABLED_INSTRUMENTATIONS);
  return new Set(
    CLIENT_INSTRUMENTATIONS.filter(
      (name) => (enabled.size === 0 || enabled.has(name)) && !disabled.has(name),
    ),
  );
}
