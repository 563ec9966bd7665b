import { randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import { TenantDeleted, TenantRegistered, TenantRenamed, tenantStream } from '../../src/events/tenant.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createPgliteEventStore, createPostgresEventStore } from '../../src/eventstore/sql/index.js';
import type { Projection } from '../../src/projections/projection.js';
import { tenantsProjection } from '../../src/projections/read-models/tenants.js';
import { ProjectionRunner, type ProjectionRunnerOptions } from '../../src/projections/runner/runner.js';
import { openReadModels, type ReadModels } from '../../src/readmodels/database.js';
import type { ReadModelLogger } from '../../src/readmodels/logger.js';
import { createScratchDatabase } from '../support/services.js';

export const quietLogger = (): ReadModelLogger =>
  ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() }) as unknown as ReadModelLogger;

export interface Backend {
  store: EventStore;
  readModels: ReadModels;
  /** PostgreSQL only: the database URL (event store and read models share it). */
  url?: string;
  /** Another handle on the same read models (a second process), PostgreSQL only. */
  openReadModelsAgain?: () => Promise<ReadModels>;
  runner(options?: Partial<ProjectionRunnerOptions>): ProjectionRunner;
  close(): Promise<void>;
}

export type BackendKind = 'pglite' | 'postgres';

/** The lead's SQL event store and the read models, both on PGlite in memory or in one scratch PostgreSQL database. */
export async function openBackend(kind: BackendKind): Promise<Backend> {
  const logger = quietLogger();
  const runners: ProjectionRunner[] = [];
  const extra: ReadModels[] = [];
  let store: EventStore;
  let readModels: ReadModels;
  let url: string | undefined;
  let drop = async () => {};
  if (kind === 'pglite') {
    [store, readModels] = await Promise.all([
      createPgliteEventStore({}),
      openReadModels({ kind: 'pglite', logger }),
    ]);
  } else {
    const scratch = await createScratchDatabase();
    url = scratch.url;
    drop = scratch.drop;
    store = await createPostgresEventStore(scratch.url);
    readModels = await openReadModels({ kind: 'postgres', url: scratch.url, logger });
  }
  const backend: Backend = {
    store,
    readModels,
    url,
    runner(options = {}) {
      const runner = new ProjectionRunner({
        eventStore: store,
        readModels,
        projections: [tenantsProjection],
        logger,
        leaseRetryMs: 100,
        pollMs: 20,
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    async close() {
      for (const runner of runners) await runner.stop();
      for (const other of extra) await other.close();
      await readModels.close();
      await store.close();
      await drop();
    },
  };
  if (url) {
    const sameUrl = url;
    backend.openReadModelsAgain = async () => {
      const other = await openReadModels({ kind: 'postgres', url: sameUrl, logger });
      extra.push(other);
      return other;
    };
  }
  return backend;
}

const metadata = (tenantId: string) => ({
  tenantId,
  correlationId: randomUUID(),
  causationId: null,
  actor: 'system:test',
});

/** Appends a tenant's registration (and optional renames) in one append; returns the last position. */
export async function registerTenant(
  store: EventStore,
  tenantId: string,
  name: string,
  renames: string[] = [],
) {
  const events = [
    eventCatalog.create(
      TenantRegistered,
      { tenantId, name, registeredAt: '2026-01-01T00:00:00.000Z' },
      metadata(tenantId),
    ),
  ];
  let previousName = name;
  renames.forEach((next, index) => {
    events.push(
      eventCatalog.create(
        TenantRenamed,
        {
          tenantId,
          name: next,
          previousName,
          renamedAt: `2026-01-${String(index + 2).padStart(2, '0')}T00:00:00.000Z`,
        },
        metadata(tenantId),
      ) as unknown as (typeof events)[number],
    );
    previousName = next;
  });
  return (await store.append(tenantStream(tenantId), events, 'no_stream')).position;
}

export async function renameTenant(store: EventStore, tenantId: string, name: string, previousName: string) {
  const event = eventCatalog.create(
    TenantRenamed,
    { tenantId, name, previousName, renamedAt: '2026-02-01T00:00:00.000Z' },
    metadata(tenantId),
  );
  return (await store.append(tenantStream(tenantId), [event], 'exists')).position;
}

export async function deleteTenant(store: EventStore, tenantId: string) {
  const event = eventCatalog.create(
    TenantDeleted,
    { tenantId, deletedAt: '2026-03-01T00:00:00.000Z', reason: null },
    metadata(tenantId),
  );
  return (await store.append(tenantStream(tenantId), [event], 'exists')).position;
}

/** An event no projection handles, on another stream family. */
export async function appendUnrelated(store: EventStore, tenantId: string) {
  const event = {
    id: randomUUID(),
    type: 'UnrelatedHappened',
    data: {},
    metadata: { ...metadata(tenantId), schemaVersion: 1 },
  };
  return (await store.append(`connection-${tenantId}.c1`, [event], 'any')).position;
}

/** The tenants projection with a spy on what it is handed, and an optional event that makes it throw. */
export function spiedTenants(options: { poisonEventId?: string } = {}) {
  const applied: RecordedEvent[] = [];
  const projection: Projection = {
    ...tenantsProjection,
    async apply(events, tx) {
      // Write first, then fail: the test checks the transaction leaves none of it behind.
      await tenantsProjection.apply(events, tx);
      if (events.some((e) => e.id === options.poisonEventId)) throw new Error('simulated crash in apply');
      applied.push(...events);
    },
  };
  return { projection, applied };
}
