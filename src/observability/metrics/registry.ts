import { collectDefaultMetrics, Registry } from 'prom-client';

/** One registry per runtime (tests run several in one process), with Node's default metrics. */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  return registry;
}
