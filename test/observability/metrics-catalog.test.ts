import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { cachedLoad } from '../../src/observability/metrics/cached-load.js';
import {
  createHubMetrics,
  METRICS,
  NOOP_METRICS,
  statusClass,
} from '../../src/observability/metrics/index.js';
import { parseExposition } from './scrape.js';

const README = new URL('../../README.md', import.meta.url);
const BEGIN = '<!-- metrics: generated from src/observability/metrics/catalog.ts -->';
const END = '<!-- /metrics -->';

/** The README's list of metric families, as the catalog says it. */
function metricsTable(): string {
  const rows = METRICS.map(
    (metric) =>
      `| \`${metric.name}\` | ${metric.type} | ${metric.labels.map((label) => `\`${label}\``).join(', ')}${'tenantLabel' in metric && metric.tenantLabel ? ' (+ `tenant`)' : ''} | ${metric.help} |`,
  );
  return ['| metric | type | labels | what it says |', '|---|---|---|---|', ...rows].join('\n');
}

describe('the metric catalog', () => {
  it('is what the README lists under Metrics', () => {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start, `README.md has no ${BEGIN} block`).toBeGreaterThan(-1);
    expect(text.slice(start + BEGIN.length, end).trim(), 'paste this table into README.md').toBe(
      metricsTable(),
    );
  });

  it('becomes every metric of the registry, each name once', async () => {
    const registry = new Registry();
    createHubMetrics(registry, { providers: ['github'] });
    const names = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names.sort()).toEqual(METRICS.map((metric) => metric.name).sort());
  });

  it('labels a provider id outside the catalog `unknown`, and adds the tenant label only where opted in', async () => {
    const plain = new Registry();
    const metrics = createHubMetrics(plain, { providers: ['github'] });
    metrics.webhookDelivery('github', 'accepted', 'acme');
    metrics.webhookDelivery('../../etc', 'rejected', 'acme');
    metrics.tokenRefresh('github', 'failed', 'acme');
    const delivered = parseExposition(
      await plain.getSingleMetricAsString('switchboard_webhook_deliveries_total'),
    );
    expect(delivered.map((sample) => sample.labels)).toEqual([
      { provider: 'github', result: 'accepted' },
      { provider: 'unknown', result: 'rejected' },
    ]);

    const tenanted = new Registry();
    const opted = createHubMetrics(tenanted, { providers: ['github'], tenantLabel: true });
    opted.webhookDelivery('github', 'accepted', 'acme');
    opted.webhookVerifyFailure('github', 'bad_signature');
    expect(
      parseExposition(await tenanted.getSingleMetricAsString('switchboard_webhook_deliveries_total'))[0]
        ?.labels,
    ).toEqual({ provider: 'github', result: 'accepted', tenant: 'acme' });
    // The catalog does not mark verify failures: no tenant label even when opted in.
    expect(
      parseExposition(await tenanted.getSingleMetricAsString('switchboard_webhook_verify_failures_total'))[0]
        ?.labels,
    ).toEqual({ provider: 'github', reason: 'bad_signature' });
  });

  it('leaves a scrape-time gauge out of a scrape whose read failed, and says so', async () => {
    const registry = new Registry();
    const failures: string[] = [];
    const metrics = createHubMetrics(registry, {
      providers: [],
      onCollectError: (what) => failures.push(what),
    });
    metrics.observeDeadLetters(() => Promise.reject(new Error('database down')));
    const text = await registry.getSingleMetricAsString('switchboard_dead_letters');
    expect(parseExposition(text)).toEqual([]);
    expect(failures).toEqual(['switchboard_dead_letters']);
  });

  it('reads once per window however many scrapes ask, and again after it', async () => {
    let clock = 0;
    let reads = 0;
    const read = cachedLoad(
      async () => ++reads,
      5_000,
      () => clock,
    );
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    clock = 4_999;
    expect(await read()).toBe(1);
    clock = 5_000;
    expect(await read()).toBe(2);
  });

  it('classes statuses, and drops every report when a component has no metrics', () => {
    expect([200, 304, 404, 503, null, 42].map(statusClass)).toEqual([
      '2xx',
      '3xx',
      '4xx',
      '5xx',
      'error',
      'error',
    ]);
    expect(() => NOOP_METRICS.webhookDelivery('github', 'accepted')).not.toThrow();
  });
});
