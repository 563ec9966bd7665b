import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { RegisterTenantDocument, TenantsDocument } from '../../src/generated/graphql.js';
import { asOperator, startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

/** Counts the SQL statements PostgreSQL receives while `work` runs (every pg client in this process). */
async function countQueries(work: () => Promise<unknown>): Promise<number> {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  try {
    await work();
    return spy.mock.calls.length;
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
  }, 120_000);
  afterAll(async () => hub?.close());

  it('reads 100 tenants in as many SQL statements as 10', async () => {
    const ten = await countQueries(() => hub.request(TenantsDocument, { first: 10 }, asOperator()));
    let result: Awaited<ReturnType<TestHub['request']>> | undefined;
    const hundred = await countQueries(async () => {
      result = await hub.request(TenantsDocument, { first: 100 }, asOperator());
    });
    expect((result?.data as { tenants: { edges: unknown[] } }).tenants.edges).toHaveLength(100);
    expect(hundred).toBe(ten);
    expect(hundred).toBeLessThanOrEqual(3);
  });
});
