import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { TenantRegistered, tenantStream } from '../../src/events/tenant.js';
import { createHubMetrics } from '../../src/observability/metrics/index.js';
import type { Projection } from '../../src/projections/projection.js';
import { tenantsProjection } from '../../src/projections/read-models/tenants.js';
import type { ProjectionRunner } from '../../src/projections/runner/runner.js';
import { type Backend, openBackend, registerTenant } from '../projections/harness.js';
import { describeWithPostgres } from '../support/services.js';
import { parseExposition } from './scrape.js';

describeWithPostgres('projection metrics, read from the runner when scraped (PostgreSQL)', () => {
  let backend: Backend;
  let runner: ProjectionRunner | undefined;
  beforeEach(async () => {
    backend = await openBackend('postgres');
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await backend?.close();
  });

  /** A registry fed by this runner, without the cache, so each read sees the runner as it is now. */
  function scraper(of: ProjectionRunner) {
    const registry = new Registry();
    const metrics = createHubMetrics(registry, { providers: [], scrapeCacheMs: 0 });
    metrics.observeProjections(() => of.lag());
    return async (name: string, projection = 'tenants') => {
      const samples = parseExposition(await registry.getSingleMetricAsString(name));
      return samples.find((sample) => sample.labels['projection'] === projection)?.value;
    };
  }

  it('gives how far behind a projection is, in positions and seconds, and 0 once it caught up', async () => {
    const position = await registerTenant(backend.store, 'acme', 'Acme', ['Acme Inc']);
    runner = backend.runner();
    const read = scraper(runner);
    // Not started: everything in the log is ahead of it.
    expect(await read('switchboard_projection_lag_events')).toBe(Number(position));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await read('switchboard_projection_lag_seconds')).toBeGreaterThanOrEqual(1);
    expect(await read('switchboard_projection_stopped')).toBe(0);

    await runner.start();
    await runner.waitFor(position, { timeoutMs: 10_000 });
    expect(await read('switchboard_projection_lag_events')).toBe(0);
    expect(await read('switchboard_projection_lag_seconds')).toBe(0);
  });

  it('shows a projection stopped by its rule', async () => {
    const poison = eventCatalog.create(
      TenantRegistered,
      { tenantId: 'poison', name: 'Poison', registeredAt: '2026-01-01T00:00:00.000Z' },
      { tenantId: 'poison', correlationId: randomUUID(), causationId: null, actor: 'system:test' },
    );
    const { position } = await backend.store.append(tenantStream('poison'), [poison], 'no_stream');
    const stopping: Projection = {
      ...tenantsProjection,
      onPoison: 'stop',
      async apply(events, tx) {
        if (events.some((event) => event.id === poison.id))
          throw new Error('simulated: cannot apply this one');
        await tenantsProjection.apply(events, tx);
      },
    };
    runner = backend.runner({
      projections: [stopping],
      poison: { retries: 1, backoffMs: 10, maxBackoffMs: 20 },
    });
    const read = scraper(runner);
    await runner.start();
    await runner.waitFor(position, { timeoutMs: 10_000, skipStopped: true });
    await expect.poll(() => read('switchboard_projection_stopped'), { timeout: 10_000 }).toBe(1);
    expect(await read('switchboard_projection_lag_events')).toBe(Number(position));
  });
});
