export * from './catalog.js';
export * from './hub-metrics.js';
export { NOOP_METRICS } from './noop-metrics.js';
export { createMetricsRegistry } from './registry.js';
