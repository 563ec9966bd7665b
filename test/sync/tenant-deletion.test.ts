import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import { DeleteTenantDocument } from '../../src/generated/graphql.js';
import { allProjections } from '../../src/projections/index.js';
import { verifyReadModels } from '../../src/projections/verify/verify.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { asOperator } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';
import { everyRow, findings } from '../support/table-scan.js';

const caller = systemCaller('test', randomUUID());
const marker = `task-marker-${randomUUID()}`;

/** Synced records are tenant content like signals: deleting the tenant must leave none readable. */
describeWithPostgres('deleteTenant shreds synced records (PostgreSQL)', () => {
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

  const settled = async () =>
    world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 10_000,
    });

  it('keeps a synced record readable only in the records read model, then nowhere after deleteTenant', async () => {
    fake.seedTasks(5);
    fake.addTask({ content: marker });
    await world.engine.configureSync(caller, world.tenantId, {
      connectionId: world.connectionId,
      resource: 'tasks',
    });
    await world.drain();
    await settled();
    const before = findings(await everyRow(world.hub.databaseUrl), marker);
    // data and raw of one record, in the read model only: the log holds it sealed.
    expect(new Set(before)).toEqual(new Set(['"public"."sync_records"']));

    const deleted = await world.hub.request(DeleteTenantDocument, { id: world.tenantId }, asOperator());
    expect(deleted.errors).toBeUndefined();
    await settled();
    expect(findings(await everyRow(world.hub.databaseUrl), marker)).toEqual([]);
    const prisma = world.hub.runtime.readModels.prisma;
    for (const count of [
      prisma.syncRecord.count({ where: { tenantId: world.tenantId } }),
      prisma.syncRecordBucket.count({ where: { tenantId: world.tenantId } }),
      prisma.syncCursor.count({ where: { tenantId: world.tenantId } }),
      prisma.syncRun.count({ where: { tenantId: world.tenantId } }),
    ])
      expect(await count).toBe(0);

    const result = await verifyReadModels({
      eventStore: world.hub.runtime.eventStore,
      live: world.hub.runtime.readModels,
      projections: allProjections({ vault: world.hub.runtime.vault }),
    });
    expect(result.equal).toBe(true);
  });
});
