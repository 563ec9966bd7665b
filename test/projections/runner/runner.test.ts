import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TenantStatus } from '../../../src/domain/statuses.js';
import { eventCatalog } from '../../../src/events/catalog.js';
import { TenantRegistered, tenantStream } from '../../../src/events/tenant.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import {
  CheckpointMovedError,
  ProjectionFailedError,
  WaitForTimeoutError,
} from '../../../src/projections/errors.js';
import type { ProjectionTx } from '../../../src/projections/projection.js';
import { tenantsProjection } from '../../../src/projections/read-models/tenants.js';
import { ensureCheckpoint } from '../../../src/projections/runner/checkpoints.js';
import { commitBatch } from '../../../src/projections/runner/commit-batch.js';
import { describeWithPostgres } from '../../support/services.js';
import {
  appendUnrelated,
  type Backend,
  type BackendKind,
  deleteTenant,
  openBackend,
  registerTenant,
  renameTenant,
  spiedTenants,
} from '../harness.js';

const checkpointOf = async (backend: Backend, name = 'tenants') =>
  (await backend.readModels.prisma.projectionCheckpoint.findUnique({ where: { name } }))?.position ?? null;

function runnerSuite(kind: BackendKind) {
  let backend: Backend;
  beforeEach(async () => {
    backend = await openBackend(kind);
  });
  afterEach(async () => {
    await backend.close();
  });

  it('folds the log into the read model and commits the checkpoint with it', async () => {
    const { store, readModels } = backend;
    await registerTenant(store, 'acme', 'Acme');
    await registerTenant(store, 'globex', 'Globex');
    const runner = backend.runner();
    await runner.start();
    expect(runner.isLeader).toBe(true);
    await renameTenant(store, 'acme', 'Acme Corp', 'Acme');
    const last = await deleteTenant(store, 'globex');
    await runner.waitFor(last, { timeoutMs: 10_000 });

    const rows = await readModels.prisma.tenant.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.id, r.name, r.status])).toEqual([
      ['acme', 'Acme Corp', TenantStatus.ACTIVE],
      ['globex', 'Globex', TenantStatus.DELETED],
    ]);
    expect(rows[1]?.deletedAt).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    expect(await checkpointOf(backend)).toBe(last);
    const status = await runner.status();
    expect(status.leader).toBe(true);
    expect(status.projections[0]).toMatchObject({
      name: 'tenants',
      state: 'running',
      position: last,
      lag: 0n,
    });
  });

  it('rolls back a batch whose apply throws: the good events before it commit, and a projection whose rule is stop stops at the poison event, named', async () => {
    const { store, readModels } = backend;
    const good = await registerTenant(store, 'acme', 'Acme');
    const poison = eventCatalog.create(
      TenantRegistered,
      { tenantId: 'poison', name: 'Poison', registeredAt: '2026-01-01T00:00:00.000Z' },
      { tenantId: 'poison', correlationId: randomUUID(), causationId: null, actor: 'system:test' },
    );
    const poisonPosition = (await store.append(tenantStream('poison'), [poison], 'no_stream')).position;
    const after = await registerTenant(store, 'later', 'Later');
    const { projection, applied } = spiedTenants({ poisonEventId: poison.id });
    const runner = backend.runner({
      projections: [{ ...projection, onPoison: 'stop' }],
      poison: { retries: 1, backoffMs: 10, maxBackoffMs: 10 },
    });
    await runner.start();

    // waitFor fails fast with the projection's failure instead of running into its timeout.
    const failure = await runner.waitFor(after, { timeoutMs: 10_000 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProjectionFailedError);
    expect((failure as ProjectionFailedError).event).toMatchObject({
      id: poison.id,
      type: 'TenantRegistered',
      stream: 'tenant-poison.profile',
      position: poisonPosition,
    });

    expect(applied.map((e) => e.position)).toEqual([good]);
    expect((await readModels.prisma.tenant.findMany()).map((r) => r.id)).toEqual(['acme']);
    expect(await checkpointOf(backend)).toBe(good);
    const [status] = (await runner.status()).projections;
    expect(status).toMatchObject({ state: 'failed', position: good });
    expect(status?.failure?.event?.id).toBe(poison.id);
    // Stopped alone: reported as degraded, the instance stays ready.
    expect(await runner.readiness()).toMatchObject({ ok: true, degraded: 'projections stopped: tenants' });
  });

  it('commits a batch and its checkpoint together or not at all', async () => {
    const { store, readModels } = backend;
    const position = await registerTenant(store, 'acme', 'Acme', ['Acme 2']);
    const events: RecordedEvent[] = [];
    for await (const event of store.readAll()) events.push(eventCatalog.decode(event));
    const crashing = {
      ...tenantsProjection,
      apply: async (batch: typeof events, tx: ProjectionTx) => {
        await tenantsProjection.apply(batch, tx);
        throw new Error('crash after the writes, before the commit');
      },
    };
    await ensureCheckpoint(readModels.prisma, 'tenants');
    await expect(commitBatch(readModels.prisma, crashing, events, 0n, position)).rejects.toThrow(
      /crash after the writes/,
    );
    expect(await readModels.prisma.tenant.count()).toBe(0);
    expect(await checkpointOf(backend)).toBe(0n);

    await commitBatch(readModels.prisma, tenantsProjection, events, 0n, position);
    expect(await readModels.prisma.tenant.findUnique({ where: { id: 'acme' } })).toMatchObject({
      name: 'Acme 2',
    });
    expect(await checkpointOf(backend)).toBe(position);
    // A second commit from the same checkpoint (a stale runner) is refused before it writes anything.
    await expect(commitBatch(readModels.prisma, tenantsProjection, events, 0n, position)).rejects.toThrow(
      CheckpointMovedError,
    );
  });

  it('resumes after a restart from its checkpoint without applying anything twice', async () => {
    const { store } = backend;
    const first = spiedTenants();
    const before = await registerTenant(store, 'acme', 'Acme', ['Acme 2']);
    const runner1 = backend.runner({ projections: [first.projection] });
    await runner1.start();
    await runner1.waitFor(before, { timeoutMs: 10_000 });
    await runner1.stop();

    const later = await registerTenant(store, 'globex', 'Globex');
    const second = spiedTenants();
    const runner2 = backend.runner({ projections: [second.projection] });
    await runner2.start();
    await runner2.waitFor(later, { timeoutMs: 10_000 });

    expect(first.applied.map((e) => e.position)).toEqual([before - 1n, before]);
    expect(second.applied.map((e) => e.position)).toEqual([later]);
    expect(await checkpointOf(backend)).toBe(later);
  });

  it('waitFor: reaches positions of events the projection does not handle; times out clearly', async () => {
    const { store } = backend;
    const runner = backend.runner();
    await runner.start();
    const registered = await registerTenant(store, 'acme', 'Acme');
    await runner.waitFor(registered, { timeoutMs: 10_000 });
    // Past the checkpoint-only write interval, so the advance over the unrelated event is stored
    // at once (not deferred): the stopped runner reports what is stored.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const unrelated = await appendUnrelated(store, 'acme');
    await runner.waitFor(unrelated, { timeoutMs: 10_000 });
    expect((await runner.status()).projections[0]?.lag).toBe(0n);

    await runner.stop();
    const pending = await registerTenant(store, 'globex', 'Globex');
    await expect(runner.waitFor(pending, { timeoutMs: 300 })).rejects.toThrow(WaitForTimeoutError);
    await expect(runner.waitFor(pending, { timeoutMs: 300 })).rejects.toThrow(
      new RegExp(`did not reach position ${pending} within 300 ms \\(behind: tenants at ${unrelated}\\)`),
    );
  });

  it('writes checkpoint-only advances at most once a second; a restart from the older checkpoint applies nothing twice', async () => {
    const { store, readModels } = backend;
    const first = spiedTenants();
    const runner = backend.runner({ projections: [first.projection] });
    await runner.start();
    const registered = await registerTenant(store, 'acme', 'Acme');
    await runner.waitFor(registered, { timeoutMs: 10_000 });
    const transactions = vi.spyOn(readModels.prisma, '$transaction');
    const started = Date.now();
    let unrelated = registered;
    for (let i = 0; i < 10; i++) {
      unrelated = await appendUnrelated(store, 'acme');
      await runner.waitFor(unrelated, { timeoutMs: 10_000 });
    }
    const seconds = Math.ceil((Date.now() - started) / 1000);
    expect(transactions.mock.calls.length).toBeLessThanOrEqual(seconds + 1);
    transactions.mockRestore();
    await runner.stop();

    const second = spiedTenants();
    const restarted = backend.runner({ projections: [second.projection] });
    await restarted.start();
    const later = await registerTenant(store, 'globex', 'Globex');
    await restarted.waitFor(later, { timeoutMs: 10_000 });
    expect(first.applied.map((e) => e.position)).toEqual([registered]);
    expect(second.applied.map((e) => e.position)).toEqual([later]);
    expect(await checkpointOf(backend)).toBe(later);
  });

  it('rebuild empties the tables and checkpoint and replays from the start', async () => {
    const { store, readModels } = backend;
    const spied = spiedTenants();
    const runner = backend.runner({ projections: [spied.projection] });
    await runner.start();
    const last = await registerTenant(store, 'acme', 'Acme', ['Acme 2']);
    await runner.waitFor(last, { timeoutMs: 10_000 });
    await readModels.prisma.$executeRawUnsafe(`UPDATE tenants SET name = 'x'`);
    await readModels.prisma.$executeRawUnsafe(
      `INSERT INTO tenants SELECT 'ghost', name, status, created_at, updated_at, deleted_at, version, position FROM tenants`,
    );

    const { position } = await runner.rebuild('tenants', { timeoutMs: 10_000 });
    expect(position).toBe(last);
    expect((await readModels.prisma.tenant.findMany()).map((r) => [r.id, r.name])).toEqual([
      ['acme', 'Acme 2'],
    ]);
    expect(await checkpointOf(backend)).toBe(last);
    // Applied twice in total: once live, once by the rebuild.
    expect(spied.applied.filter((e) => e.position === last)).toHaveLength(2);
    await expect(runner.rebuild('nope')).rejects.toThrow(/No projection named nope/);
  });
}

describe('projection runner on PGlite', () => runnerSuite('pglite'));
describeWithPostgres('projection runner on PostgreSQL (PostgreSQL)', () => runnerSuite('postgres'));
