import { z } from 'zod';
import { defineAction } from '../sdk/action.js';

/**
 * Todoist's actions, over API v1:
 * - Close task: https://developer.todoist.com/api/v1/#tag/Tasks/operation/close_task_api_v1_tasks__task_id__close_post
 *   (`POST /api/v1/tasks/{task_id}/close` → 204 No Content; a recurring task moves to its next
 *   date instead of completing; 404 for a task that does not exist or is not the user's).
 * Todoist dedupes writes by the `X-Request-Id` header (the official todoist-api-typescript sends a
 * request id with every POST), so the caller's idempotency key goes there.
 */
export const todoistCloseTask = defineAction({
  id: 'todoist.close_task',
  version: 1,
  description:
    'Mark a Todoist task as done. A recurring task is not completed but moves on to its next due date (so closing it twice moves it twice: pass an idempotencyKey when retrying).',
  input: z.object({
    taskId: z
      .string()
      .regex(/^[A-Za-z0-9]{1,64}$/, 'must be a Todoist task id')
      .describe('The task id (6X7rM8997g3RQmvh).'),
  }),
  output: z.object({
    taskId: z.string(),
    closed: z.literal(true),
  }),
  scopes: ['tasks.write'],
  hints: { readOnly: false, destructive: false, idempotent: false },
  errors: [
    { code: 'TASK_NOT_FOUND', description: 'No such task, or it belongs to another user.', status: 404 },
    {
      code: 'FORBIDDEN',
      description: 'The user may not change this task (a shared project’s permissions).',
      status: 403,
    },
  ],
  idempotency: { header: 'X-Request-Id' },
  async run(ctx, input) {
    await ctx.http.request({ method: 'POST', path: `/tasks/${encodeURIComponent(input.taskId)}/close` });
    return { taskId: input.taskId, closed: true as const };
  },
});

export const TODOIST_ACTIONS = [todoistCloseTask];
