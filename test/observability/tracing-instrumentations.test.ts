import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { selectInstrumentations } from '../../src/observability/tracing/instrumentations.js';
import { startTracing, type Tracing } from '../../src/observability/tracing/sdk.js';
import { tracer } from '../../src/observability/tracing/spans.js';
import { callRedis, closeRedisClient, createRedisClient } from '../../src/platform/redis/redis.js';
import { describeWithRedis, REDIS_URL, uniqueRedisPrefix } from '../support/services.js';

describe('client instrumentations (OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_)', () => {
  const select = (env: Record<string, string>) => [...selectInstrumentations(env)].sort();

  it('trace provider calls by default, and PostgreSQL statements and Redis commands only when named', () => {
    expect(select({})).toEqual(['undici']);
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg, redis,undici' })).toEqual([
      'pg',
      'redis',
      'undici',
    ]);
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg' })).toEqual(['pg']);
    expect(select({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'undici' })).toEqual([]);
    expect(
      select({
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'pg,redis',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'redis',
      }),
    ).toEqual(['pg']);
    // Names of instrumentations the hub does not have are ignored, not errors: the variable is shared.
    expect(select({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,fs' })).toEqual([]);
  });
});

describeWithRedis('Redis spans (Redis)', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
  });

  /** GET and PUBLISH under a request span, with tracing started for `instrumentations`. */
  async function spanNames(instrumentations: Parameters<typeof startTracing>[0]['instrumentations']) {
    // A shut-down exporter records nothing more: one per start.
    const exporter = new InMemorySpanExporter();
    tracing = await startTracing({
      enabled: true,
      serviceName: 'test',
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
      instrumentations,
    });
    const client = createRedisClient(REDIS_URL, { name: 'sbtest-tracing' });
    const key = `${uniqueRedisPrefix()}k`;
    try {
      await tracer().startActiveSpan('request', async (span) => {
        await callRedis(client, 'GET', () => client.get(key));
        await callRedis(client, 'PUBLISH', () => client.publish(key, 'x'));
        span.end();
      });
    } finally {
      await closeRedisClient(client);
    }
    return exporter.getFinishedSpans().map((span) => span.name);
  }

  it('spans PUBLISH, the hop to other instances, but not every command by default', async () => {
    const names = await spanNames(new Set(['undici']));
    expect(names).toContain('redis PUBLISH');
    expect(names).not.toContain('redis GET');
  });

  it('spans every command with the redis instrumentation', async () => {
    const names = await spanNames(new Set(['redis']));
    expect(names).toEqual(expect.arrayContaining(['redis GET', 'redis PUBLISH']));
  });
});
