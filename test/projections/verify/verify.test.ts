import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantsProjection } from '../../../src/projections/read-models/tenants.js';
import { verifyReadModels } from '../../../src/projections/verify/verify.js';
import { formatVerifyReport } from '../../../src/projections/verify/verify-report.js';
import { describeWithPostgres, POSTGRES_URL } from '../../support/services.js';
import {
  appendUnrelated,
  type Backend,
  type BackendKind,
  deleteTenant,
  openBackend,
  quietLogger,
  registerTenant,
} from '../harness.js';

async function scratchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'sb\\_verify\\_%'",
  );
  await client.end();
  return rows.map((r) => r.datname);
}

function verifySuite(kind: BackendKind) {
  let backend: Backend;
  beforeEach(async () => {
    backend = await openBackend(kind);
    const { store } = backend;
    await registerTenant(store, 'acme', 'Acme', ['Acme Corp']);
    await registerTenant(store, 'globex', 'Globex');
    await registerTenant(store, 'initech', 'Initech');
    await deleteTenant(store, 'initech');
    const last = await appendUnrelated(store, 'acme');
    const runner = backend.runner();
    await runner.start();
    await runner.waitFor(last, { timeoutMs: 10_000 });
  });
  afterEach(async () => {
    await backend.close();
  });

  const verify = () =>
    verifyReadModels({
      eventStore: backend.store,
      live: backend.readModels,
      projections: [tenantsProjection],
      logger: quietLogger(),
    });

  it('reports equal tables when the read models are what the log says', async () => {
    const before = kind === 'postgres' ? await scratchDatabases() : [];
    const result = await verify();
    expect(result.equal).toBe(true);
    expect(result.scratchKind).toBe(kind);
    expect(result.tables).toEqual([
      expect.objectContaining({
        table: 'tenants',
        projection: 'tenants',
        equal: true,
        live: result.tables[0]?.rebuilt,
      }),
    ]);
    expect(result.tables[0]?.live.rows).toBe(3);
    expect(formatVerifyReport(result)).toMatch(/^Read models match the event log: 1 table\(s\) equal/);
    // The scratch database is gone again.
    if (kind === 'postgres') expect(await scratchDatabases()).toEqual(before);
  });

  it('detects a row changed behind the projections’ back, and names its key', async () => {
    await backend.readModels.prisma.$executeRawUnsafe(`UPDATE tenants SET name = 'x' WHERE id = 'globex'`);
    const result = await verify();
    expect(result.equal).toBe(false);
    const [tenants] = result.tables;
    expect(tenants).toMatchObject({
      table: 'tenants',
      equal: false,
      counts: { different: 1, missing_in_live: 0, unexpected_in_live: 0 },
      sample: [{ key: '["globex"]', difference: 'different' }],
    });
    expect(tenants?.live.rows).toBe(3);
    const report = formatVerifyReport(result);
    expect(report).toMatch(/^Read models DIFFER from the event log: 1 of 1 table\(s\) differ/);
    expect(report).toContain('DIFF tenants (projection tenants');
    expect(report).toContain('key ["globex"]: differs from the log');
  });

  it('detects missing and unexplained rows', async () => {
    const { prisma } = backend.readModels;
    await prisma.$executeRawUnsafe(`DELETE FROM tenants WHERE id = 'acme'`);
    await prisma.$executeRawUnsafe(
      `INSERT INTO tenants SELECT 'ghost', name, status, created_at, updated_at, deleted_at, version, position FROM tenants WHERE id = 'globex'`,
    );
    const [tenants] = (await verify()).tables;
    expect(tenants?.counts).toEqual({ different: 0, missing_in_live: 1, unexpected_in_live: 1 });
    expect(tenants?.sample).toEqual([
      { key: '["acme"]', difference: 'missing_in_live' },
      { key: '["ghost"]', difference: 'unexpected_in_live' },
    ]);
  });
}

describe('verifyReadModels on PGlite', () => verifySuite('pglite'));
describeWithPostgres('verifyReadModels on PostgreSQL (PostgreSQL)', () => verifySuite('postgres'));
