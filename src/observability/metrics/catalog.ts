/**
 * Every metric the hub exports at /metrics, as data: the registry is built from this list, and the
 * alert rules (deploy/prometheus/alerts.yml), the dashboard (deploy/grafana/switchboard.json) and
 * the runbooks are checked against it, so a name cannot drift between them.
 *
 * Labels are bounded: provider ids come from the catalog, results and reasons from fixed sets.
 * `tenant` is added only to the metrics marked `tenantLabel`, and only when the operator opts in
 * (SWITCHBOARD_METRICS_TENANT_LABEL=true): a hub with thousands of tenants would otherwise explode
 * every scraper's series count.
 */
export interface MetricDefinition {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labels: readonly string[];
  /** Seconds buckets for histograms. */
  buckets?: readonly number[];
  /** Takes a `tenant` label when SWITCHBOARD_METRICS_TENANT_LABEL=true. */
  tenantLabel?: boolean;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;
const WAIT_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600] as const;

export const METRICS = [
  {
    name: 'switchboard_webhook_deliveries_total',
    type: 'counter',
    help: 'Webhook deliveries received, by provider and result (accepted, duplicate, rejected, dead_lettered, error).',
    labels: ['provider', 'result'],
    tenantLabel: true,
  },
  {
    name: 'switchboard_webhook_verify_failures_total',
    type: 'counter',
    help: 'Webhook deliveries whose signature or timestamp failed verification, by provider and reason.',
    labels: ['provider', 'reason'],
  },
  {
    name: 'switchboard_signal_lag_seconds',
    type: 'histogram',
    help: 'Time from a webhook delivery (or sync page) being acknowledged to its signal being published live.',
    labels: ['provider', 'source'],
    buckets: LAG_BUCKETS,
  },
  {
    name: 'switchboard_projection_lag_events',
    type: 'gauge',
    help: "Log positions between a projection's checkpoint and the newest event it handles (0 when caught up): one per event on the SQL store, a commit position on KurrentDB.",
    labels: ['projection'],
  },
  {
    name: 'switchboard_projection_lag_seconds',
    type: 'gauge',
    help: 'Age of the oldest event a projection has not yet applied (0 when caught up).',
    labels: ['projection'],
  },
  {
    name: 'switchboard_projection_stopped',
    type: 'gauge',
    help: 'A projection stopped on an event it could not apply (1) or running (0).',
    labels: ['projection'],
  },
  {
    name: 'switchboard_sync_runs_total',
    type: 'counter',
    help: 'Sync runs finished, by provider, resource and result (succeeded, rate_limited, failed, dead_lettered, expired).',
    labels: ['provider', 'resource', 'result'],
    tenantLabel: true,
  },
  {
    name: 'switchboard_sync_records_total',
    type: 'counter',
    help: 'Records written by syncs, by provider, resource and change (created, updated, deleted).',
    labels: ['provider', 'resource', 'change'],
  },
  {
    name: 'switchboard_rate_limited_waits_total',
    type: 'counter',
    help: "Provider calls that waited for a provider's rate limit, by provider and caller (sync, proxy, action).",
    labels: ['provider', 'caller'],
  },
  {
    name: 'switchboard_rate_limited_wait_seconds',
    type: 'histogram',
    help: "Time spent waiting for a provider's rate limit, by provider.",
    labels: ['provider'],
    buckets: WAIT_BUCKETS,
  },
  {
    name: 'switchboard_proxy_requests_total',
    type: 'counter',
    help: 'Provider calls through /proxy and actions, by provider, caller (proxy, action) and status class (1xx to 5xx, or error when no answer came).',
    labels: ['provider', 'caller', 'status_class'],
    tenantLabel: true,
  },
  {
    name: 'switchboard_proxy_request_duration_seconds',
    type: 'histogram',
    help: 'Duration of provider calls through /proxy and actions, until the response headers, by provider and caller.',
    labels: ['provider', 'caller'],
    buckets: LATENCY_BUCKETS,
  },
  {
    name: 'switchboard_token_refreshes_total',
    type: 'counter',
    help: 'OAuth token refreshes, by provider and result (succeeded, failed, reauth_required).',
    labels: ['provider', 'result'],
    tenantLabel: true,
  },
  {
    name: 'switchboard_drift_detections_total',
    type: 'counter',
    help: 'Drift found between the synced records and the provider, by provider and resource.',
    labels: ['provider', 'resource'],
  },
  {
    name: 'switchboard_dead_letters',
    type: 'gauge',
    help: 'Dead letters waiting for an operator, by kind (webhook, sync).',
    labels: ['kind'],
  },
  {
    name: 'switchboard_dead_letter_oldest_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest dead letter waiting for an operator, by kind (0 when there is none).',
    labels: ['kind'],
  },
  {
    name: 'switchboard_circuit_breaker_state',
    type: 'gauge',
    help: "State of the proxy's circuit breaker per provider origin: 0 closed, 1 half-open, 2 open.",
    labels: ['provider', 'origin'],
  },
  {
    name: 'switchboard_graphql_operation_duration_seconds',
    type: 'histogram',
    help: 'Duration of executed GraphQL queries and mutations (HTTP and websockets), by operation type and result (ok, or error when the result carried errors). Operation names are chosen by clients, so they are not a label.',
    labels: ['operation_type', 'result'],
    buckets: LATENCY_BUCKETS,
  },
] as const satisfies readonly MetricDefinition[];

export type MetricName = (typeof METRICS)[number]['name'];

/** Label values fixed by the catalog, shared with the alert rules and dashboard. */
export const WEBHOOK_RESULTS = ['accepted', 'duplicate', 'rejected', 'dead_lettered', 'error'] as const;
/** `rate_limited`: the run stopped at the provider's limit and resumes from its checkpoint (not a failure). */
export const SYNC_RUN_RESULTS = ['succeeded', 'rate_limited', 'failed', 'dead_lettered', 'expired'] as const;
export const SYNC_RECORD_CHANGES = ['created', 'updated', 'deleted'] as const;
export const SIGNAL_SOURCES = ['webhook', 'sync'] as const;
/** Who made a provider call: the rate-limit waits are by caller; /proxy and actions are `proxy_requests`. */
export const PROVIDER_CALLERS = ['sync', 'proxy', 'action'] as const;
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'error'] as const;
export const TOKEN_REFRESH_RESULTS = ['succeeded', 'failed', 'reauth_required'] as const;
export const DEAD_LETTER_KINDS = ['webhook', 'sync'] as const;
export const CIRCUIT_STATES = { closed: 0, half_open: 1, open: 2 } as const;
export const GRAPHQL_OPERATION_TYPES = ['query', 'mutation'] as const;
export const GRAPHQL_RESULTS = ['ok', 'error'] as const;
/** The label a provider id gets when the catalog does not know it (an id from a URL, say). */
export const UNKNOWN_PROVIDER = 'unknown';
