import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { TenantRegistered, TenantRenamed, tenantStream } from '../../src/events/tenant.js';
import { createPostgresEventStore } from '../../src/eventstore/sql/index.js';
import { TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { createScratchDatabase, describeWithPostgres } from '../support/services.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function replay(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/replay.ts', ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describeWithPostgres('npm run replay (PostgreSQL)', () => {
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;

  beforeAll(async () => {
    database = await createScratchDatabase();
    const store = await createPostgresEventStore(database.url);
    const metadata = {
      tenantId: 'acme',
      correlationId: 'replay-test',
      causationId: null,
      actor: 'system:test',
    };
    const at = new Date().toISOString();
    await store.append(
      tenantStream('acme'),
      [
        eventCatalog.create(TenantRegistered, { tenantId: 'acme', name: 'Acme', registeredAt: at }, metadata),
        eventCatalog.create(
          TenantRenamed,
          { tenantId: 'acme', name: 'Acme Inc', previousName: 'Acme', renamedAt: at },
          metadata,
        ),
      ],
      'no_stream',
    );
    await store.close();
  });
  afterAll(async () => database?.drop());

  it('rebuilds a projection, verifies the read models, and reports a tampered row with a non-zero exit', async () => {
    const env = {
      EVENTSTORE_URL: database.url,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    };
    const rebuilt = await replay(['--projection', 'tenants'], env);
    expect(rebuilt.output).toMatch(/rebuilt tenants up to position 2/);
    expect(rebuilt.code).toBe(0);

    const verified = await replay(['--verify'], env);
    expect(verified.output).toContain('Read models match the event log');
    expect(verified.code).toBe(0);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("UPDATE tenants SET name = 'Tampered' WHERE id = 'acme'");
    await client.end();

    const tampered = await replay(['--verify'], env);
    expect(tampered.code).toBe(1);
    expect(tampered.output).toMatch(/tenants/);
    expect(tampered.output).toMatch(/differ/i);
  });

  it('explains its usage and refuses an unknown projection', async () => {
    const unknown = await replay(['--projection', 'nope'], {
      EVENTSTORE_URL: database.url,
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
    });
    expect(unknown.code).toBe(64);
    expect(unknown.output).toContain('Unknown projection: nope');
  });
});
