import { METRICS, type MetricDefinition } from '../../src/observability/metrics/catalog.js';

const byName = new Map<string, MetricDefinition>(METRICS.map((metric) => [metric.name, metric]));

/**
 * The catalog metric a PromQL name reads: itself, or the histogram whose `_bucket`, `_sum` or
 * `_count` series it is. Undefined for a name the catalog does not define.
 */
export function catalogMetricOf(name: string): MetricDefinition | undefined {
  const direct = byName.get(name);
  if (direct) return direct;
  const base = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
  const histogram = base === undefined ? undefined : byName.get(base);
  return histogram?.type === 'histogram' ? histogram : undefined;
}

/** `name{a="x",b=~"y"}` selectors in PromQL, with the labels each matcher names and their values. */
export function selectorsIn(
  expr: string,
): { name: string; matchers: { label: string; op: string; value: string }[] }[] {
  return [...expr.matchAll(/\b(switchboard_[a-z0-9_]+)(?:\{([^}]*)\})?/g)].map((match) => ({
    name: match[1] ?? '',
    matchers: [...(match[2] ?? '').matchAll(/([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((m) => ({
      label: m[1] ?? '',
      op: m[2] ?? '',
      value: m[3] ?? '',
    })),
  }));
}
