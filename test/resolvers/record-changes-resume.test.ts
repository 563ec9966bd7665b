import { afterAll, beforeAll, expect, it } from 'vitest';
import { ConfigureSyncDocument, RecordsDocument } from '../../src/generated/graphql.js';
import { encodeRecordCursor } from '../../src/readmodels/queries/sync-records.js';
import { startTodoistApiFake, type TodoistApiFake } from '../support/fakes/todoist-api.js';
import { asOperator, OPERATOR_TOKEN } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';
import { type SyncWorld, startSyncWorld } from '../support/sync-world.js';
import { connectWs, runWs } from '../support/ws-client.js';

const SUBSCRIPTION = `subscription ($filter: RecordChangesFilter!, $after: String, $changedAfter: String) {
  recordChanges(filter: $filter, after: $after, changedAfter: $changedAfter) { id cursor }
}`;

describeWithPostgres('recordChanges resumes with after (PostgreSQL)', () => {
  let fake: TodoistApiFake;
  let world: SyncWorld;

  beforeAll(async () => {
    fake = await startTodoistApiFake();
    world = await startSyncWorld({ base: 'todoist', baseUrl: fake.url, token: fake.token });
    fake.seedTasks(5);
    const filter = { connectionId: world.connectionId, resource: 'tasks' };
    await world.hub.request(
      ConfigureSyncDocument,
      { input: { ...filter, config: {}, frequency: '1h' } },
      asOperator(world.tenantId),
    );
    await world.drain();
    await world.hub.runtime.projections.waitFor(await world.hub.runtime.eventStore.headPosition(), {
      timeoutMs: 30_000,
    });
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await fake?.close();
  });

  const filter = () => ({ connectionId: world.connectionId, resource: 'tasks' });
  const feed = async () =>
    (await world.hub.request(RecordsDocument, { ...filter(), first: 100 }, asOperator(world.tenantId))).data!
      .records.edges;
  const first = async (variables: Record<string, unknown>) => {
    const connection = connectWs(world.hub.wsUrl, {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      tenantId: world.tenantId,
    });
    const result = await runWs(connection.client, {
      query: SUBSCRIPTION,
      variables: { filter: filter(), ...variables },
    });
    await connection.client.dispose();
    return result;
  };

  it('replays the changes after the cursor given as after, and as its deprecated alias changedAfter', async () => {
    const edges = await feed();
    expect(edges).toHaveLength(5);
    const third = edges[2]!.node;
    for (const name of ['after', 'changedAfter']) {
      const result = await first({ [name]: edges[1]!.node.cursor });
      expect(result.errors).toBeUndefined();
      expect(result.data?.['recordChanges']).toEqual({ id: third.id, cursor: third.cursor });
    }
  });

  it('refuses a cursor that is not from this sync, and after with a different changedAfter', async () => {
    const [edge] = await feed();
    const position = BigInt(Buffer.from(edge!.node.cursor, 'base64url').toString('utf8').split(':')[0]!);
    const codes = async (variables: Record<string, unknown>) =>
      ((await first(variables)).errors ?? []).map((error) => error.extensions?.['code']);
    // Another sync's record (another tenant's, or another resource's): not one this sync holds.
    expect(await codes({ after: encodeRecordCursor({ position, recordId: 'not-a-task-here' }) })).toEqual([
      'BAD_USER_INPUT',
    ]);
    // This sync's record, at a position it never had.
    expect(
      await codes({
        after: encodeRecordCursor({ position: position + 1_000_000n, recordId: edge!.node.id }),
      }),
    ).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ after: 'garbage!' })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ after: edge!.node.cursor, changedAfter: 'something-else' })).toEqual([
      'BAD_USER_INPUT',
    ]);
  });
});
