import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { cachedLoad } from './cached-load.js';
import {
  CIRCUIT_STATES,
  type DEAD_LETTER_KINDS,
  type GRAPHQL_OPERATION_TYPES,
  type GRAPHQL_RESULTS,
  METRICS,
  type MetricName,
  type PROVIDER_CALLERS,
  type SIGNAL_SOURCES,
  type SYNC_RECORD_CHANGES,
  type SYNC_RUN_RESULTS,
  type TOKEN_REFRESH_RESULTS,
  UNKNOWN_PROVIDER,
  type WEBHOOK_RESULTS,
} from './catalog.js';

export type WebhookResult = (typeof WEBHOOK_RESULTS)[number];
export type SyncRunResult = (typeof SYNC_RUN_RESULTS)[number];
export type SyncRecordChange = (typeof SYNC_RECORD_CHANGES)[number];
export type SignalSource = (typeof SIGNAL_SOURCES)[number];
export type ProviderCaller = (typeof PROVIDER_CALLERS)[number];
export type TokenRefreshResult = (typeof TOKEN_REFRESH_RESULTS)[number];
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];
export type CircuitState = keyof typeof CIRCUIT_STATES;
export type GraphQLOperationType = (typeof GRAPHQL_OPERATION_TYPES)[number];
export type GraphQLResult = (typeof GRAPHQL_RESULTS)[number];

/** One projection as a scrape sees it (ProjectionRunner.lag). */
export interface ProjectionLag {
  projection: string;
  lagEvents: number;
  lagSeconds: number;
  stopped: boolean;
}

/** Dead letters waiting for an operator, of one kind. */
export interface DeadLetterBacklog {
  kind: DeadLetterKind;
  count: number;
  /** 0 when there is none. */
  oldestAgeSeconds: number;
}

/** A circuit the proxy's breaker holds (one that is closed with no failure is not listed). */
export interface CircuitReading {
  provider: string;
  origin: string;
  state: CircuitState;
}

/** A provider call through /proxy or an action, once its answer's headers came (or it failed). */
export interface ProviderCallObservation {
  provider: string;
  caller: Exclude<ProviderCaller, 'sync'>;
  /** The provider's last status; null when no answer came. */
  status: number | null;
  seconds: number;
  tenantId: string;
}

/**
 * What the hub's components report, one method per thing that happens, named from the catalog
 * (catalog.ts). Components receive it as a dependency; those built without one get NOOP_METRICS.
 */
export interface HubMetrics {
  webhookDelivery(provider: string, result: WebhookResult, tenantId?: string | null): void;
  webhookVerifyFailure(provider: string, reason: string): void;
  signalPublished(provider: string, source: SignalSource, lagSeconds: number): void;
  syncRunFinished(run: { provider: string; resource: string; tenantId: string }, result: SyncRunResult): void;
  syncRecords(provider: string, resource: string, change: SyncRecordChange, count: number): void;
  rateLimitedWait(provider: string, caller: ProviderCaller, seconds: number): void;
  providerCall(call: ProviderCallObservation): void;
  tokenRefresh(provider: string, result: TokenRefreshResult, tenantId: string): void;
  driftDetected(provider: string, resource: string): void;
  graphqlOperation(operationType: GraphQLOperationType, result: GraphQLResult, seconds: number): void;
  /** Read at scrape time (cached briefly): the projection runner's lag. */
  observeProjections(load: () => Promise<readonly ProjectionLag[]>): void;
  /** Read at scrape time (cached briefly): one aggregate query per kind. */
  observeDeadLetters(load: () => Promise<readonly DeadLetterBacklog[]>): void;
  /** Read at scrape time: the breaker's circuits, in memory. */
  observeCircuits(read: () => readonly CircuitReading[]): void;
}

export interface HubMetricsOptions {
  /** Every provider id of the catalog: any other id is labelled `unknown`, so a URL cannot make series. */
  providers: Iterable<string>;
  /** SWITCHBOARD_METRICS_TENANT_LABEL: a `tenant` label on the metrics the catalog marks. */
  tenantLabel?: boolean;
  /** How long a scrape-time query's answer serves later scrapes (default 5 s). */
  scrapeCacheMs?: number;
  /** A scrape-time read failed: its gauges are left out of this scrape. */
  onCollectError?: (what: string, error: unknown) => void;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;
type Labels = Record<string, string>;

/** The hub's metrics on `registry`, every one of the catalog, with the tenant label where opted in. */
export function createHubMetrics(
  registry: Registry,
  options: HubMetricsOptions,
): HubMetrics & { registry: Registry } {
  const known = new Set(options.providers);
  const providerLabel = (id: string) => (known.has(id) ? id : UNKNOWN_PROVIDER);
  const cacheMs = options.scrapeCacheMs ?? 5_000;
  const collectors = new Map<MetricName, () => Promise<void>>();
  const metrics = new Map<MetricName, AnyMetric>();
  const tenanted = new Set<MetricName>();
  for (const definition of METRICS) {
    const withTenant = options.tenantLabel === true && 'tenantLabel' in definition && definition.tenantLabel;
    if (withTenant) tenanted.add(definition.name);
    const config = {
      name: definition.name,
      help: definition.help,
      labelNames: withTenant ? [...definition.labels, 'tenant'] : [...definition.labels],
      registers: [registry],
    };
    const collect = async () => {
      await collectors.get(definition.name)?.();
    };
    metrics.set(
      definition.name,
      definition.type === 'counter'
        ? new Counter(config)
        : definition.type === 'gauge'
          ? new Gauge({ ...config, collect })
          : new Histogram({
              ...config,
              buckets: 'buckets' in definition ? [...definition.buckets] : undefined,
            }),
    );
  }
  const counter = (name: MetricName) => metrics.get(name) as Counter<string>;
  const gauge = (name: MetricName) => metrics.get(name) as Gauge<string>;
  const histogram = (name: MetricName) => metrics.get(name) as Histogram<string>;
  const labelled = (name: MetricName, labels: Labels, tenantId: string | null | undefined): Labels =>
    tenanted.has(name) ? { ...labels, tenant: tenantId ?? '' } : labels;

  // The webhook route's counter: label children bound once per provider and result, not per delivery.
  const deliveries = counter('switchboard_webhook_deliveries_total');
  const boundDeliveries = new Map<string, Counter.Internal>();

  /** Gauges filled at scrape time from one (cached) read, emptied first so gone series go. */
  const scraped = <T>(
    names: readonly MetricName[],
    read: () => Promise<readonly T[]>,
    fill: (row: T, set: (name: MetricName, labels: Labels, value: number) => void) => void,
  ) => {
    for (const name of names) {
      collectors.set(name, async () => {
        const target = gauge(name);
        target.reset();
        let rows: readonly T[];
        try {
          rows = await read();
        } catch (error) {
          options.onCollectError?.(name, error);
          return;
        }
        for (const row of rows)
          fill(row, (metric, labels, value) => {
            if (metric === name) target.set(labels, value);
          });
      });
    }
  };

  return {
    registry,
    webhookDelivery(provider, result, tenantId) {
      const name = providerLabel(provider);
      if (tenanted.has('switchboard_webhook_deliveries_total')) {
        deliveries.inc(
          labelled('switchboard_webhook_deliveries_total', { provider: name, result }, tenantId),
        );
        return;
      }
      const key = `${name}\u0000${result}`;
      let child = boundDeliveries.get(key);
      if (!child) {
        child = deliveries.labels({ provider: name, result });
        boundDeliveries.set(key, child);
      }
      child.inc();
    },
    webhookVerifyFailure(provider, reason) {
      counter('switchboard_webhook_verify_failures_total').inc({ provider: providerLabel(provider), reason });
    },
    signalPublished(provider, source, lagSeconds) {
      histogram('switchboard_signal_lag_seconds').observe(
        { provider: providerLabel(provider), source },
        Math.max(0, lagSeconds),
      );
    },
    syncRunFinished(run, result) {
      const name = 'switchboard_sync_runs_total';
      counter(name).inc(
        labelled(
          name,
          { provider: providerLabel(run.provider), resource: run.resource, result },
          run.tenantId,
        ),
      );
    },
    syncRecords(provider, resource, change, count) {
      if (count <= 0) return;
      counter('switchboard_sync_records_total').inc(
        { provider: providerLabel(provider), resource, change },
        count,
      );
    },
    rateLimitedWait(provider, caller, seconds) {
      const label = providerLabel(provider);
      counter('switchboard_rate_limited_waits_total').inc({ provider: label, caller });
      histogram('switchboard_rate_limited_wait_seconds').observe({ provider: label }, Math.max(0, seconds));
    },
    providerCall(call) {
      const provider = providerLabel(call.provider);
      const name = 'switchboard_proxy_requests_total';
      counter(name).inc(
        labelled(
          name,
          { provider, caller: call.caller, status_class: statusClass(call.status) },
          call.tenantId,
        ),
      );
      histogram('switchboard_proxy_request_duration_seconds').observe(
        { provider, caller: call.caller },
        Math.max(0, call.seconds),
      );
    },
    tokenRefresh(provider, result, tenantId) {
      const name = 'switchboard_token_refreshes_total';
      counter(name).inc(labelled(name, { provider: providerLabel(provider), result }, tenantId));
    },
    driftDetected(provider, resource) {
      counter('switchboard_drift_detections_total').inc({ provider: providerLabel(provider), resource });
    },
    graphqlOperation(operationType, result, seconds) {
      histogram('switchboard_graphql_operation_duration_seconds').observe(
        { operation_type: operationType, result },
        Math.max(0, seconds),
      );
    },
    observeProjections(load) {
      scraped(
        [
          'switchboard_projection_lag_events',
          'switchboard_projection_lag_seconds',
          'switchboard_projection_stopped',
        ],
        cachedLoad(load, cacheMs),
        (row, set) => {
          const labels = { projection: row.projection };
          set('switchboard_projection_lag_events', labels, row.lagEvents);
          set('switchboard_projection_lag_seconds', labels, row.lagSeconds);
          set('switchboard_projection_stopped', labels, row.stopped ? 1 : 0);
        },
      );
    },
    observeDeadLetters(load) {
      scraped(
        ['switchboard_dead_letters', 'switchboard_dead_letter_oldest_age_seconds'],
        cachedLoad(load, cacheMs),
        (row, set) => {
          set('switchboard_dead_letters', { kind: row.kind }, row.count);
          set('switchboard_dead_letter_oldest_age_seconds', { kind: row.kind }, row.oldestAgeSeconds);
        },
      );
    },
    observeCircuits(read) {
      scraped(
        ['switchboard_circuit_breaker_state'],
        async () => read(),
        (row, set) =>
          set(
            'switchboard_circuit_breaker_state',
            { provider: providerLabel(row.provider), origin: row.origin },
            CIRCUIT_STATES[row.state],
          ),
      );
    },
  };
}

/** `2xx` ... from a status; `error` when no answer came. */
export function statusClass(status: number | null): string {
  if (status === null || status < 100 || status > 599) return 'error';
  return `${Math.floor(status / 100)}xx`;
}
