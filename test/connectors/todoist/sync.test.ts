import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FullResyncRequired, ProviderCallError } from '../../../src/connectors/sdk/provider-http.js';
import type { Checkpoint } from '../../../src/connectors/sdk/sync.js';
import { todoistManifest } from '../../../src/connectors/todoist/manifest.js';
import { TODOIST_SYNCS } from '../../../src/connectors/todoist/sync.js';
import { startTodoistApiFake, type TodoistApiFake } from '../../support/fakes/todoist-api.js';
import { runResourceSync, type SyncRunOptions } from '../../support/run-resource-sync.js';

let fake: TodoistApiFake;
beforeEach(async () => {
  fake = await startTodoistApiFake();
});
afterEach(() => fake.close());

const run = (options: Partial<SyncRunOptions> = {}) =>
  runResourceSync(TODOIST_SYNCS.tasks, {
    manifest: todoistManifest,
    baseUrl: fake.url,
    token: fake.token,
    ...options,
  });

describe('Todoist tasks sync (Sync API v1)', () => {
  it('takes every active task in one full sync, as canonical Tickets, and keeps the new sync_token', async () => {
    const seeded = fake.seedTasks(5);
    fake.addTask({ parent_id: seeded[0]!.id, responsible_uid: null });

    const result = await run();

    expect(result.error).toBeNull();
    expect(result.pages).toHaveLength(1);
    expect(result.recordIds).toEqual(fake.tasks().map((task) => task.id));
    expect(result.deletes).toEqual([]);
    const first = result.pages[0]!.records[0]!;
    expect(first.data).toEqual({
      id: seeded[0]!.id,
      title: 'Some task content #1',
      status: 'open',
      state: 'open',
      url: `https://app.todoist.com/app/task/${seeded[0]!.id}`,
      assignees: [{ id: '2423523', name: null, email: null }],
      createdAt: new Date(seeded[0]!.added_at!).toISOString(),
      updatedAt: new Date(seeded[0]!.updated_at!).toISOString(),
      project: '6Jf8VQXxpwv56VQ7',
      kind: 'task',
    });
    expect(first.raw).toEqual(seeded[0]);
    expect(result.pages[0]!.records[5]!.data).toMatchObject({ kind: 'subtask', assignees: [] });
    expect(fake.requests).toEqual([
      { syncToken: '*', resourceTypes: '["items"]', status: 200, fullSync: true },
    ]);
    expect(result.checkpoint).toEqual({ syncToken: expect.any(String) });
  });

  it('asks with the saved token next time and gets only the changes: updates, completions, deletions', async () => {
    const [kept, renamed, done, removed] = fake.seedTasks(4);
    const first = await run();
    const quiet = await run({ checkpoint: first.checkpoint });
    expect(quiet.recordIds).toEqual([]);
    expect(quiet.deletes).toEqual([]);

    fake.updateTask(renamed!.id, { content: 'Renamed' });
    fake.completeTask(done!.id);
    fake.deleteTask(removed!.id);
    const added = fake.addTask();
    const changes = await run({ checkpoint: quiet.checkpoint });

    expect(changes.error).toBeNull();
    expect(fake.requests.at(-1)).toMatchObject({
      syncToken: (quiet.checkpoint as { syncToken: string }).syncToken,
      fullSync: false,
    });
    expect(changes.recordIds).toEqual([renamed!.id, done!.id, added.id]);
    expect(changes.recordIds).not.toContain(kept!.id);
    expect(changes.deletes).toEqual([removed!.id]);
    const [title, completed] = changes.pages[0]!.records.map((record) => record.data);
    expect(title).toMatchObject({ title: 'Renamed', state: 'open' });
    expect(completed).toMatchObject({ status: 'completed', state: 'closed' });
  });

  it('resumes from each checkpoint with no gap and no duplicate, and a run that died before its checkpoint loses nothing', async () => {
    fake.seedTasks(3);
    let checkpoint: Checkpoint | null = (await run()).checkpoint;
    const seen: string[] = [];
    const made: string[] = [];
    for (let round = 0; round < 4; round += 1) {
      made.push(...fake.seedTasks(2).map((task) => task.id));
      // The same token twice: the first answer's page never got recorded (a crash), the second is the real run.
      const lost = await run({ checkpoint });
      const result = await run({ checkpoint });
      expect(result.recordIds).toEqual(lost.recordIds);
      seen.push(...result.recordIds);
      checkpoint = result.checkpoint;
    }
    expect(seen).toEqual(made);
    expect(fake.calls).toEqual({ sync: 9, full: 1, incremental: 8 });
  });

  it('starts over with "*" on a full sync whatever the checkpoint says', async () => {
    fake.seedTasks(2);
    const first = await run();
    const full = await run({ checkpoint: first.checkpoint, full: true });
    expect(full.recordIds).toEqual(first.recordIds);
    expect(fake.requests.at(-1)).toMatchObject({ syncToken: '*', fullSync: true });
  });

  it('asks the engine for a full scan when Todoist answers an incremental request with a full sync', async () => {
    fake.seedTasks(2);
    const first = await run();
    fake.expireSyncTokens();
    const result = await run({ checkpoint: first.checkpoint });
    expect(result.error).toBeInstanceOf(FullResyncRequired);
    expect(result.pages).toEqual([]);
  });

  it('reports a refused token as an auth failure', async () => {
    fake.seedTasks(1);
    fake.setInvalidAuth(true);
    const result = await run();
    expect(result.error).toBeInstanceOf(ProviderCallError);
    expect((result.error as ProviderCallError).failureClass).toBe('auth');
    expect(fake.requests.at(-1)).toMatchObject({ status: 401 });
  });
});
