/**
 * The panels of deploy/grafana/switchboard.json as data: title, unit and PromQL. Every metric name
 * comes from the catalog (test/observability/dashboard.test.ts checks it, and that a running hub
 * exposes it); `$provider` is the dashboard's provider variable (regex, "All" is `.*`).
 */
export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  kind?: 'timeseries' | 'state-timeline';
  targets: { expr: string; legend: string }[];
}

export interface RowSpec {
  title: string;
  panels: PanelSpec[];
}

const P = 'provider=~"$provider"';
const rate = (metric: string, by: string, match = P) =>
  `sum by (${by}) (rate(${metric}{${match}}[$__rate_interval]))`;
const quantile = (q: number, metric: string, by: string) =>
  `histogram_quantile(${q}, sum by (le, ${by}) (rate(${metric}_bucket{${P}}[$__rate_interval])))`;

export const ROWS: RowSpec[] = [
  {
    title: 'Webhooks',
    panels: [
      {
        title: 'Webhook deliveries by result',
        description:
          'Deliveries per second, by provider and result (accepted, duplicate, rejected, dead_lettered, error).',
        unit: 'reqps',
        targets: [
          {
            expr: rate('switchboard_webhook_deliveries_total', 'provider, result'),
            legend: '{{provider}} {{result}}',
          },
        ],
      },
      {
        title: 'Webhook verify failures by reason',
        description:
          'Deliveries refused by signature or timestamp verification. Runbook: docs/runbooks/<provider>.md#webhook-signature-mismatch',
        unit: 'reqps',
        targets: [
          {
            expr: rate('switchboard_webhook_verify_failures_total', 'provider, reason'),
            legend: '{{provider}} {{reason}}',
          },
        ],
      },
      {
        title: 'Delivery → signal lag p50 / p99',
        description: 'From a delivery (or sync page) being acknowledged to its signal being published live.',
        unit: 's',
        targets: [
          { expr: quantile(0.5, 'switchboard_signal_lag_seconds', 'provider'), legend: 'p50 {{provider}}' },
          { expr: quantile(0.99, 'switchboard_signal_lag_seconds', 'provider'), legend: 'p99 {{provider}}' },
        ],
      },
    ],
  },
  {
    title: 'Projections',
    panels: [
      {
        title: 'Projection lag (seconds)',
        description:
          'Age of the oldest event each projection has not applied. Runbook: docs/runbooks/hub.md#projection-lag',
        unit: 's',
        targets: [
          { expr: 'max by (projection) (switchboard_projection_lag_seconds)', legend: '{{projection}}' },
        ],
      },
      {
        title: 'Projection lag (events)',
        description: "Events in the log after each projection's checkpoint.",
        unit: 'short',
        targets: [
          { expr: 'max by (projection) (switchboard_projection_lag_events)', legend: '{{projection}}' },
        ],
      },
      {
        title: 'Projections stopped',
        description:
          'A projection stopped on an event it cannot apply. Runbook: docs/runbooks/hub.md#projection-stopped',
        unit: 'short',
        kind: 'state-timeline',
        targets: [{ expr: 'max by (projection) (switchboard_projection_stopped)', legend: '{{projection}}' }],
      },
    ],
  },
  {
    title: 'Syncs',
    panels: [
      {
        title: 'Sync runs by result',
        description: 'Finished runs per second, by provider, resource and result.',
        unit: 'ops',
        targets: [
          {
            expr: rate('switchboard_sync_runs_total', 'provider, resource, result'),
            legend: '{{provider}} {{resource}} {{result}}',
          },
        ],
      },
      {
        title: 'Sync failure ratio',
        description:
          'Failed, dead-lettered or expired runs over all runs (30 minutes). Runbook: docs/runbooks/<provider>.md#sync-failures',
        unit: 'percentunit',
        targets: [
          {
            expr: `sum by (provider, resource) (increase(switchboard_sync_runs_total{${P},result=~"failed|dead_lettered|expired"}[30m])) / sum by (provider, resource) (increase(switchboard_sync_runs_total{${P}}[30m]))`,
            legend: '{{provider}} {{resource}}',
          },
        ],
      },
      {
        title: 'Records written by change',
        description: 'Records created, updated and deleted by syncs, per second.',
        unit: 'ops',
        targets: [
          {
            expr: rate('switchboard_sync_records_total', 'provider, resource, change'),
            legend: '{{provider}} {{resource}} {{change}}',
          },
        ],
      },
      {
        title: 'Drift detections (1 h)',
        description:
          'Drift found between synced records and the provider. Runbook: docs/runbooks/<provider>.md#drift',
        unit: 'short',
        targets: [
          {
            expr: `sum by (provider, resource) (increase(switchboard_drift_detections_total{${P}}[1h]))`,
            legend: '{{provider}} {{resource}}',
          },
        ],
      },
      {
        title: 'Rate-limited waits',
        description: "Calls that waited for a provider's rate limit, by caller, and the p99 of the wait.",
        unit: 'ops',
        targets: [
          {
            expr: rate('switchboard_rate_limited_waits_total', 'provider, caller'),
            legend: '{{provider}} {{caller}}',
          },
          {
            expr: quantile(0.99, 'switchboard_rate_limited_wait_seconds', 'provider'),
            legend: 'p99 wait (s) {{provider}}',
          },
        ],
      },
      {
        title: 'Token refreshes by result',
        description:
          'OAuth refreshes: succeeded, failed, reauth_required. Runbook: docs/runbooks/<provider>.md#auth-failures',
        unit: 'ops',
        targets: [
          {
            expr: rate('switchboard_token_refreshes_total', 'provider, result'),
            legend: '{{provider}} {{result}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Provider calls (proxy and actions)',
    panels: [
      {
        title: 'Proxy latency p50 / p99',
        description: 'Until the response headers, by provider.',
        unit: 's',
        targets: [
          {
            expr: quantile(0.5, 'switchboard_proxy_request_duration_seconds', 'provider'),
            legend: 'p50 {{provider}}',
          },
          {
            expr: quantile(0.99, 'switchboard_proxy_request_duration_seconds', 'provider'),
            legend: 'p99 {{provider}}',
          },
        ],
      },
      {
        title: 'Proxy calls by status class',
        description: '2xx, 4xx, 5xx and error (no answer), by provider.',
        unit: 'reqps',
        targets: [
          {
            expr: rate('switchboard_proxy_requests_total', 'provider, status_class'),
            legend: '{{provider}} {{status_class}}',
          },
        ],
      },
      {
        title: 'Circuit breaker state',
        description:
          '0 closed, 1 half-open, 2 open, per provider origin. Runbook: docs/runbooks/<provider>.md#circuit-open',
        unit: 'short',
        kind: 'state-timeline',
        targets: [
          {
            expr: `max by (provider, origin) (switchboard_circuit_breaker_state{${P}})`,
            legend: '{{provider}} {{origin}}',
          },
        ],
      },
    ],
  },
  {
    title: 'Dead letters',
    panels: [
      {
        title: 'Dead letters waiting',
        description: 'By kind (webhook, sync). Runbook: docs/runbooks/hub.md#dead-letters',
        unit: 'short',
        targets: [{ expr: 'max by (kind) (switchboard_dead_letters)', legend: '{{kind}}' }],
      },
      {
        title: 'Oldest dead letter age',
        description: 'Age of the oldest dead letter waiting, by kind.',
        unit: 's',
        targets: [{ expr: 'max by (kind) (switchboard_dead_letter_oldest_age_seconds)', legend: '{{kind}}' }],
      },
    ],
  },
  {
    title: 'GraphQL API',
    panels: [
      {
        title: 'GraphQL operation latency p50 / p99',
        description: 'Executed queries and mutations, by operation type.',
        unit: 's',
        targets: [0.5, 0.99].map((q) => ({
          expr: `histogram_quantile(${q}, sum by (le, operation_type) (rate(switchboard_graphql_operation_duration_seconds_bucket[$__rate_interval])))`,
          legend: `p${q * 100} {{operation_type}}`,
        })),
      },
      {
        title: 'GraphQL operations by result',
        description: 'Per second, by operation type and result (error: the result carried errors).',
        unit: 'reqps',
        targets: [
          {
            expr: 'sum by (operation_type, result) (rate(switchboard_graphql_operation_duration_seconds_count[$__rate_interval]))',
            legend: '{{operation_type}} {{result}}',
          },
        ],
      },
    ],
  },
];
