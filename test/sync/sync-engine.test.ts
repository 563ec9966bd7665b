import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { allProjections } from '../../src/projections/index.js';
import { verifyReadModels } from '../../src/projections/verify/verify.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';

const caller = systemCaller('test', randomUUID());

describeWithPostgres('sync engine with the Todoist fake (PostgreSQL)', () => {
  let fake: TodoistApiFake;
  let world: SyncWorld;

  beforeAll(async () => {
    fake = await startTodoistApiFake();
    world = await startSyncWorld({ base: 'todoist', baseUrl: fake.url, token: fake.token });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
  });

  const target = () => ({ tenantId: world.tenantId, connectionId: world.connectionId, resource: 'tasks' });
  const records = () =>
    world.hub.runtime.readModels.prisma.syncRecord.findMany({
      where: { tenantId: world.tenantId },
      orderBy: { recordId: 'asc' },
    });
  const cursor = () =>
    world.hub.runtime.readModels.prisma.syncCursor.findUniqueOrThrow({
      where: { tenantId_connectionId_resource: target() },
    });
  const runs = () =>
    world.hub.runtime.readModels.prisma.syncRun.findMany({
      where: { tenantId: world.tenantId },
      orderBy: { scheduledAt: 'asc' },
    });

  it('configures a sync, runs it first in full, then incrementally with only the changes', async () => {
    fake.seedTasks(120);
    await world.engine.configureSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    // Configured and enabled: due at once; the scheduler queues the first run (full: no checkpoint yet).
    await world.drain();
    expect((await records()).length).toBe(120);
    const first = (await runs())[0];
    expect(first).toMatchObject({ status: 'SUCCEEDED', full: true, added: 120, updated: 0, deleted: 0 });
    expect((await cursor()).checkpoint).toMatchObject({ syncToken: expect.any(String) });

    const tasks = fake.tasks();
    fake.updateTask(tasks[0]?.id as string, { content: 'Renamed' });
    fake.deleteTask(tasks[1]?.id as string);
    fake.addTask({ content: 'Brand new' });
    const started = await world.engine.startSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.drain();
    const second = (await runs()).find((run) => run.runId === started.runId);
    expect(second).toMatchObject({ status: 'SUCCEEDED', full: false, added: 1, updated: 1, deleted: 1 });
    const rows = await records();
    expect(rows.length).toBe(121);
    expect(rows.find((row) => row.recordId === tasks[0]?.id)?.data).toMatchObject({ title: 'Renamed' });
    expect(rows.find((row) => row.recordId === tasks[1]?.id)?.deletedAt).toBeInstanceOf(Date);
    // The change feed is ordered by log position: the three changes come after everything else.
    const byPosition = [...rows].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
    );
    expect(new Set(byPosition.slice(-3).map((row) => row.recordId))).toEqual(
      new Set([
        tasks[0]?.id,
        tasks[1]?.id,
        rows.find((row) => (row.data as { title: string }).title === 'Brand new')?.recordId,
      ]),
    );
  });

  it('appends no record event when nothing changed', async () => {
    const before = await world.hub.runtime.eventStore.headPosition({ eventTypes: ['RecordsBatchRecorded'] });
    const started = await world.engine.startSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.drain();
    expect((await runs()).find((run) => run.runId === started.runId)).toMatchObject({
      status: 'SUCCEEDED',
      added: 0,
      updated: 0,
      deleted: 0,
    });
    expect(await world.hub.runtime.eventStore.headPosition({ eventTypes: ['RecordsBatchRecorded'] })).toBe(
      before,
    );
  });

  it('finds three silent changes in one drift check and repairs them through the log', async () => {
    // Changed behind the sync token's back: an incremental run cannot see these.
    const [a, b, c] = fake.tasks().filter((task) => !task.is_deleted);
    if (!a || !b || !c) throw new Error('seeded tasks expected');
    a.content = 'Silently renamed';
    b.content = 'Also renamed in silence';
    c.is_deleted = true;
    const { checkId } = await world.engine.checkDrift(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.engine.driftIdle();
    await world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 30_000,
    });
    const check = await world.hub.runtime.readModels.prisma.syncDriftCheck.findUniqueOrThrow({
      where: { tenantId_checkId: { tenantId: world.tenantId, checkId } },
    });
    expect(check).toMatchObject({ status: 'REPAIRED', repaired: 3, missing: [] });
    expect(new Set(check.changed as string[])).toEqual(new Set([a.id, b.id]));
    expect(check.extra).toEqual([c.id]);
    const rows = await records();
    expect(rows.find((row) => row.recordId === a.id)?.data).toMatchObject({ title: 'Silently renamed' });
    expect(rows.find((row) => row.recordId === c.id)?.deletedAt).toBeInstanceOf(Date);

    // Repaired: the next check finds nothing.
    const again = await world.engine.checkDrift(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.engine.driftIdle();
    await world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 30_000,
    });
    expect(
      await world.hub.runtime.readModels.prisma.syncDriftCheck.findUniqueOrThrow({
        where: { tenantId_checkId: { tenantId: world.tenantId, checkId: again.checkId } },
      }),
    ).toMatchObject({ status: 'CLEAN', repaired: 0 });
  });

  it('pulls the next run forward when a webhook says the resource changed, once per burst', async () => {
    const connection = {
      tenantId: world.tenantId,
      connectionId: world.connectionId,
      provider: world.provider,
    };
    const before = (await runs()).length;
    world.engine.nudge(connection, 'note:added'); // not an event of the tasks sync
    world.engine.nudge(connection, 'item:added');
    world.engine.nudge(connection, 'item:added');
    const deadline = Date.now() + 10_000;
    while ((await runs()).length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await world.drain();
    const added = (await runs()).slice(before);
    expect(added.map((run) => run.reason)).toEqual(['webhook']);
  });

  it('pauses the sync when the provider refuses the credentials', async () => {
    fake.setInvalidAuth(true);
    try {
      await world.engine.startSync(caller, world.tenantId, {
        connectionId: world.connectionId,
        resource: 'tasks',
      });
      await world.drain();
      expect(await cursor()).toMatchObject({
        status: 'PAUSED',
        pausedReason: 'reauth_required',
        nextRunAt: null,
      });
      expect((await runs()).at(-1)).toMatchObject({ status: 'FAILED' });
    } finally {
      fake.setInvalidAuth(false);
    }
  });

  it('replay --verify rebuilds every sync table from the log to the same digests', async () => {
    const result = await verifyReadModels({
      eventStore: world.hub.runtime.eventStore,
      live: world.hub.runtime.readModels,
      projections: allProjections({ vault: world.hub.runtime.vault }).filter((projection) =>
        projection.tables.some((table) => table.name.startsWith('sync_')),
      ),
    });
    const tables = result.tables.map((table) => table.table);
    expect(tables).toEqual(
      expect.arrayContaining([
        'sync_cursors',
        'sync_runs',
        'sync_records',
        'sync_record_buckets',
        'sync_dead_letters',
        'sync_drift_checks',
      ]),
    );
    expect(result.tables.filter((table) => !table.equal)).toEqual([]);
    expect(result.equal).toBe(true);
  }, 120_000);
});
