import { describe, expect, it } from 'vitest';
import type { ReadinessCheck } from '../../src/http/health.js';
import { createServer } from '../../src/http/server.js';
import { createLogger } from '../../src/platform/logger.js';

const server = (readiness: ReadinessCheck[]) =>
  createServer({ logger: createLogger({ level: 'silent' }), readiness });

const ok: ReadinessCheck = { name: 'database', check: async () => ({ ok: true }) };
const failing = (name: string, optional = false): ReadinessCheck => ({
  name,
  optional,
  check: async () => {
    throw new Error(`${name} does not answer`);
  },
});

describe('/readyz', () => {
  it('is ready when every check passes', async () => {
    const app = await server([ok]);
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ready', checks: { database: { ok: true } } });
  });

  it('stays ready (200) but degraded when an optional dependency fails, and says why', async () => {
    const app = await server([ok, failing('platform', true)]);
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'degraded',
      checks: {
        database: { ok: true },
        platform: { ok: true, degraded: true, reason: 'platform does not answer' },
      },
    });
  });

  it('is not ready (503, Retry-After) when a required dependency fails', async () => {
    const app = await server([failing('database'), failing('platform', true)]);
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ status: 'not_ready', checks: { database: { ok: false } } });
  });

  it('answers within its check timeout when a dependency hangs (a partition)', async () => {
    const hanging: ReadinessCheck = { name: 'database', check: () => new Promise(() => {}) };
    const app = await server([hanging, { ...hanging, name: 'platform', optional: true }]);
    const response = await app.inject('/readyz');
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      checks: {
        database: { ok: false, reason: 'no answer within 2000 ms' },
        platform: { ok: true, degraded: true },
      },
    });
  });
});
