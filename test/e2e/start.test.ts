import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { TenantRegistered, tenantStream } from '../../src/events/tenant.js';
import { createPgliteEventStore } from '../../src/eventstore/sql/index.js';
import { openReadModels } from '../../src/readmodels/database.js';
import { TEST_AUDIT_SIGNING_KEY, TEST_MASTER_KEY } from '../support/hub.js';
import { runHub, startHub } from './process.js';

/** /readyz until it answers 200 or `timeoutMs` passes; the last answer either way. */
async function readyWithin(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${url}/readyz`);
    if (response.status === 200 || Date.now() > deadline) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// A first start creates two PGlite databases (seconds each; far more on a loaded 2-core machine).
describe('npm start on the embedded profile', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sb-start-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('comes up with no environment, prints its profile, serves /healthz and /readyz, and refuses a second process', async () => {
    const hub = await startHub({ DATA_DIR: dataDir });
    try {
      expect(hub.output()).toContain('profile:     embedded');
      expect(hub.output()).toContain(`embedded PGlite in ${path.join(dataDir, 'eventstore')}`);
      const health = await fetch(`${hub.url}/healthz`);
      expect(health.status).toBe(200);
      // Listening comes first; ready once every projection has caught up with the (empty) log.
      const ready = await readyWithin(hub.url, 10_000);
      const body = (await ready.json()) as { status: string; checks: Record<string, { ok: boolean }> };
      expect(ready.status).toBe(200);
      expect(body.status).toBe('ready');
      expect(Object.keys(body.checks).sort()).toEqual([
        'eventStore',
        'platform',
        'projections',
        'readModels',
      ]);

      const second = runHub({ DATA_DIR: dataDir, PORT: '0' });
      expect(await second.exited).not.toBe(0);
      expect(second.output()).toMatch(/DATA_DIR: .*locked|DATA_DIR: .*in use/i);
    } finally {
      expect(await hub.stop()).toBe(0);
    }
  }, 120_000);

  it('finds the data of the first start: events written while it was down are projected on the next start', async () => {
    const store = await createPgliteEventStore({ dataDir: path.join(dataDir, 'eventstore') });
    const registered = eventCatalog.create(
      TenantRegistered,
      { tenantId: 'acme', name: 'Acme', registeredAt: new Date().toISOString() },
      { tenantId: 'acme', correlationId: 'e2e', causationId: null, actor: 'system:test' },
    );
    await store.append(tenantStream('acme'), [registered], 'no_stream');
    await store.close();

    const hub = await startHub({ DATA_DIR: dataDir });
    try {
      const body = (await (await readyWithin(hub.url, 5_000)).json()) as { status: string };
      expect(body.status).toBe('ready');
    } finally {
      expect(await hub.stop()).toBe(0);
    }
    const readModels = await openReadModels({ kind: 'pglite', dataDir: path.join(dataDir, 'readmodels') });
    try {
      const tenant = await readModels.prisma.tenant.findUnique({ where: { id: 'acme' } });
      expect(tenant).toMatchObject({ id: 'acme', name: 'Acme', status: 'ACTIVE' });
    } finally {
      await readModels.close();
    }
  }, 120_000);
});

describe('startup refuses bad configuration with a report', () => {
  it('refuses the production profile without a master key (exit 78)', async () => {
    const hub = runHub({ EVENTSTORE_URL: 'postgres://127.0.0.1:1/none' });
    expect(await hub.exited).toBe(78);
    expect(hub.output()).toContain('SWITCHBOARD_MASTER_KEY:');
  });

  it('exits 78 naming every bad variable', async () => {
    const hub = runHub({ EVENTSTORE_URL: 'mysql://db/x', PORT: 'eighty' });
    expect(await hub.exited).toBe(78);
    expect(hub.output()).toContain('Switchboard cannot start: the configuration has 2 problems');
    expect(hub.output()).toContain('EVENTSTORE_URL: has an unknown scheme "mysql:"');
    expect(hub.output()).toContain('PORT:');
  });

  it('retries an unreachable database with backoff, then exits 69 naming the variable', async () => {
    const hub = runHub({
      EVENTSTORE_URL: 'postgres://127.0.0.1:1/none',
      SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
      SWITCHBOARD_AUDIT_SIGNING_KEY: TEST_AUDIT_SIGNING_KEY,
      SWITCHBOARD_STARTUP_TIMEOUT_SECONDS: '1.5',
    });
    expect(await hub.exited).toBe(69);
    expect(hub.output()).toMatch(
      /EVENTSTORE_URL: event store \(PostgreSQL\) is unreachable after \d+ attempts/,
    );
    expect(hub.output()).toContain('retrying');
  });
});
