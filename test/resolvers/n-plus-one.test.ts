import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { RegisterTenantDocument, TenantsDocument } from '../../src/generated/graphql.js';
import { READ_MODELS_APPLICATION_NAME } from '../../src/readmodels/database.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/** Counts the SQL statements the read-model pool sends while `work` runs. */
async function countQueries(work: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    const readModelClients = spy.mock.contexts.filter(
      (client) =>
        (client as pg.Client & { connectionParameters: { application_name?: string } }).connectionParameters
          .application_name === READ_MODELS_APPLICATION_NAME,
    );
    return readModelClients.length;
  } finally {
    spy.mockRestore();
  }
}

describeWithPostgres('list queries stay bounded (PostgreSQL)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
    for (let start = 0; start < 100; start += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          hub.request(
            RegisterTenantDocument,
            { input: { id: `n1-${String(start + i).padStart(3, '0')}`, name: `Tenant ${start + i}` } },
            asOperator(),
          ),
        ),
      );
    }
    // Nothing else may touch the read models while queries are counted: the projections, and the
    // background loops that read them on timers (a coincidence failed CI once: 3 statements for 1).
    await hub.runtime.projections.stop();
    await hub.runtime.connections.proactiveRefresher.stop();
    await hub.runtime.syncs.close();
    await hub.runtime.audit.sealer?.close();
  }, 120_000);
  afterAll(async () => hub?.close());

  it('reads 100 tenants in as many SQL statements as 10', async () => {
    const ten = await countQueries(() => hub.request(TenantsDocument, { first: 10 }, asOperator()));
    let result: Awaited<ReturnType<TestHub['request']>> | undefined;
    const hundred = await countQueries(async () => {
      result = await hub.request(TenantsDocument, { first: 100 }, asOperator());
    });
    expect((result!.data as { tenants: { edges: unknown[] } }).tenants.edges).toHaveLength(100);
    expect(hundred).toBe(ten);
    expect(hundred).toBeLessThanOrEqual(3);
  });
});
