import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemCaller } from '../../src/commands/deps.js';
import {
  type GoogleCalendarApiFake,
  startGoogleCalendarApiFake,
} from '../support/fakes/google-calendar-api.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';

const caller = systemCaller('test', randomUUID());

describeWithPostgres('a stale sync token through the engine: Google Calendar 410 Gone (PostgreSQL)', () => {
  let fake: GoogleCalendarApiFake;
  let world: SyncWorld;

  beforeAll(async () => {
    fake = await startGoogleCalendarApiFake();
    world = await startSyncWorld({ base: 'google-calendar', baseUrl: fake.url, token: fake.token });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
  });

  const sync = () => ({ connectionId: world.connectionId, resource: 'events' });
  const records = () =>
    world.hub.runtime.readModels.prisma.syncRecord.findMany({
      where: { tenantId: world.tenantId },
      orderBy: { recordId: 'asc' },
    });
  const runs = () =>
    world.hub.runtime.readModels.prisma.syncRun.findMany({
      where: { tenantId: world.tenantId },
      orderBy: { scheduledAt: 'asc' },
    });
  const recordEvents = () =>
    world.hub.runtime.eventStore.headPosition({ eventTypes: ['RecordsBatchRecorded'] });

  it('lists everything again in the same run, marks what was deleted meanwhile, and changes nothing else', async () => {
    fake.seedEvents(300);
    await world.engine.configureSync(caller, world.tenantId, sync());
    await world.drain();
    const before = await records();
    expect(before).toHaveLength(300);
    expect((await runs())[0]).toMatchObject({ status: 'SUCCEEDED', full: true, added: 300 });

    // Two deletions while Google forgets the token: one tombstone is still served (cancelled),
    // the other is purged, so only its absence from the full listing tells.
    const [tombstoned, purged] = [before[10]!.recordId, before[200]!.recordId];
    fake.deleteEvent(purged);
    fake.expireSyncTokens({ purgeDeleted: true });
    fake.deleteEvent(tombstoned);
    const recordEventsBefore = await recordEvents();
    const requestsBefore = fake.requests.length;

    const started = await world.engine.startSync(caller, world.tenantId, sync());
    await world.drain();

    const run = (await runs()).find((each) => each.runId === started.runId);
    expect(run).toMatchObject({ status: 'SUCCEEDED', added: 0, updated: 0, deleted: 2, unchanged: 298 });
    const requests = fake.requests.slice(requestsBefore);
    expect(
      requests.map((request) => [request.status, request.syncToken !== null, request.pageToken !== null]),
    ).toEqual([
      [410, true, false],
      [200, false, false],
      [200, false, true],
    ]);

    const after = await records();
    const deleted = after.filter((row) => row.deletedAt !== null).map((row) => row.recordId);
    expect(new Set(deleted)).toEqual(new Set([tombstoned, purged]));
    // Every other record is as it was: same hash, same data, same place in the change feed.
    const untouched = (row: (typeof after)[number]) => ({
      recordId: row.recordId,
      hash: row.hash,
      data: row.data,
      position: row.position,
    });
    expect(after.filter((row) => row.deletedAt === null).map(untouched)).toEqual(
      before.filter((row) => !deleted.includes(row.recordId)).map(untouched),
    );
    // The run appended the two deletions and no record: the tombstone as its page reported it,
    // the purged event once the listing was complete.
    const appended: Array<{ records: unknown[]; deletes: string[] }> = [];
    for await (const event of world.hub.runtime.eventStore.readAll({
      after: recordEventsBefore,
      filter: { eventTypes: ['RecordsBatchRecorded'] },
    })) {
      appended.push(event.data as { records: unknown[]; deletes: string[] });
    }
    expect(appended.map(({ records, deletes }) => [records.length, deletes])).toEqual([
      [0, [tombstoned]],
      [0, [purged]],
    ]);

    // The new token works: the next run is incremental again and finds nothing.
    const next = await world.engine.startSync(caller, world.tenantId, sync());
    await world.drain();
    expect((await runs()).find((each) => each.runId === next.runId)).toMatchObject({
      status: 'SUCCEEDED',
      full: false,
      added: 0,
      deleted: 0,
    });
    expect(fake.requests.at(-1)).toMatchObject({ status: 200, syncToken: expect.any(String) });
  });
});
