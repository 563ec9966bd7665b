import { z } from 'zod';
import type { Ticket } from '../sdk/models.js';
import { FullResyncRequired, ProviderCallError } from '../sdk/provider-http.js';
import { defineResourceSync, type SyncedRecord } from '../sdk/sync.js';

/**
 * Todoist tasks through the Sync endpoint (API v1): `POST /api/v1/sync` with `sync_token` ("*" for
 * everything) and `resource_types=["items"]` answers every task, or what changed since the token,
 * in one response; the `sync_token` it returns is the checkpoint. Deleted tasks come back with
 * `is_deleted: true`. https://developer.todoist.com/api/v1/#tag/Sync
 *
 * Item fields: Doist's todoist-api-typescript (src/types/tasks/types.ts, TaskSchema), in the API's
 * snake_case.
 */

const itemSchema = z.looseObject({
  id: z.string().min(1),
  content: z.string(),
  project_id: z.string().nullable().optional(),
  parent_id: z.string().nullable().optional(),
  responsible_uid: z.string().nullable().optional(),
  checked: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  added_at: z.string(),
  updated_at: z.string().nullable().optional(),
  completed_at: z.string().nullable().optional(),
});
const syncResponseSchema = z.looseObject({
  sync_token: z.string().min(1),
  full_sync: z.boolean(),
  items: z.array(itemSchema).default([]),
});
type TodoistItem = z.output<typeof itemSchema>;

const checkpointSchema = z.object({ syncToken: z.string().min(1) });

/** Todoist's times carry microseconds ("2016-01-02T21:00:30.000000Z"); canonical ones milliseconds. */
const isoTime = (value: string) => new Date(value).toISOString();

function toTicket(item: TodoistItem): SyncedRecord<Ticket> {
  const createdAt = isoTime(item.added_at);
  return {
    id: item.id,
    data: {
      id: item.id,
      title: item.content,
      status: item.checked ? 'completed' : 'open',
      state: item.checked ? 'closed' : 'open',
      // Todoist's web app opens a task by id alone (todoist-api-typescript's getTaskUrl without a slug).
      url: `https://app.todoist.com/app/task/${item.id}`,
      assignees: item.responsible_uid ? [{ id: item.responsible_uid, name: null, email: null }] : [],
      createdAt,
      updatedAt: item.updated_at
        ? isoTime(item.updated_at)
        : item.completed_at
          ? isoTime(item.completed_at)
          : createdAt,
      project: item.project_id ?? null,
      kind: item.parent_id ? 'subtask' : 'task',
    },
    raw: item,
  };
}

export const todoistTasksSync = defineResourceSync({
  model: 'Ticket',
  config: z.strictObject({}),
  async *sync(ctx) {
    const saved = ctx.full ? null : (checkpointSchema.safeParse(ctx.checkpoint).data?.syncToken ?? null);
    const response = await ctx.http.request({
      method: 'POST',
      path: '/sync',
      form: { sync_token: saved ?? '*', resource_types: JSON.stringify(['items']) },
    });
    const parsed = syncResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new ProviderCallError('terminal', 'POST /sync answered a body Switchboard cannot read', {
        status: response.status,
        request: 'POST /sync',
        cause: parsed.error,
      });
    }
    const body = parsed.data;
    // A full answer to an incremental request (Todoist starting over) lacks what was deleted
    // meanwhile: only the engine's full scan can find those.
    if (saved !== null && body.full_sync) {
      throw new FullResyncRequired('Todoist answered an incremental sync with a full one');
    }
    const live = body.items.filter((item) => !item.is_deleted);
    yield {
      records: live.map(toTicket),
      deletes: body.items.filter((item) => item.is_deleted).map((item) => item.id),
      checkpoint: { syncToken: body.sync_token },
    };
  },
});

/** The code behind the Todoist manifest's `syncs`, by resource. */
export const TODOIST_SYNCS = { tasks: todoistTasksSync };
