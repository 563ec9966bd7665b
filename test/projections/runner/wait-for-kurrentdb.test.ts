/**
 * waitFor on KurrentDB (protocol double + PGlite read models): a sparse projection whose live
 * checkpoint lags behind a mutation is answered by a short forward read from its checkpoint, never
 * by a backward filtered scan of $all (which a real server runs to the start of the log, with no
 * deadline, when the projection's events are rare).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../src/eventstore/kurrentdb/index.js';
import type { EventStore } from '../../../src/eventstore/port.js';
import { tenantsProjection } from '../../../src/projections/read-models/tenants.js';
import { ProjectionRunner } from '../../../src/projections/runner/runner.js';
import { openReadModels, type ReadModels } from '../../../src/readmodels/database.js';
import { event } from '../../eventstore/contract.js';
import { type KurrentDbDouble, startKurrentDbDouble } from '../../support/kurrentdb-double/index.js';
import { quietLogger, registerTenant } from '../harness.js';

describe('waitFor on KurrentDB (protocol double, PGlite read models)', () => {
  let double: KurrentDbDouble;
  let store: EventStore;
  let readModels: ReadModels;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    double = await startKurrentDbDouble();
    store = createKurrentDbEventStore(double.connectionString);
    readModels = await openReadModels({ kind: 'pglite', logger: quietLogger() });
    runner = new ProjectionRunner({
      eventStore: store,
      readModels,
      projections: [tenantsProjection],
      logger: quietLogger(),
      leaseRetryMs: 100,
    });
    await runner.start();
    const registered = await registerTenant(store, `t-${randomUUID().slice(0, 8)}`, 'Acme');
    await runner.waitFor(registered, { timeoutMs: 10_000 });
  });
  afterAll(async () => {
    await runner?.stop();
    await readModels?.close();
    await store?.close();
    await double?.close();
  });
  beforeEach(() => double.reads.clear());

  it('reaches a position past events it does not handle without scanning $all backwards', async () => {
    const { position } = await store.append(`noise-${randomUUID()}`, [event('Noise')], 'no_stream');
    const started = Date.now();
    await runner.waitFor(position, { projections: [tenantsProjection.name], timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(double.reads.backwardFilteredScans()).toEqual([]);
    const checks = double.reads.records.filter((r) => r.target === 'all' && !r.subscription);
    expect(checks).toMatchObject([{ backwards: false, filtered: true, deadline: true }]);
  });

  it("reads nothing when the command's own events are none the projection handles", async () => {
    const { position } = await store.append(`noise-${randomUUID()}`, [event('Noise')], 'no_stream');
    await runner.waitFor(position, { projections: [tenantsProjection.name], eventTypes: ['Noise'] });
    expect(double.reads.records.filter((r) => !r.subscription)).toEqual([]);
  });
});
