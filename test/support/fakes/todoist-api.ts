/**
 * Todoist's Sync endpoint (API v1, `POST /api/v1/sync`) on loopback for sync tests, and closing a
 * task (`POST /api/v1/tasks/{id}/close`) for the close_task action.
 *
 * Built from:
 * - The endpoint and its protocol: https://developer.todoist.com/api/v1/#tag/Sync (form or JSON
 *   body with `sync_token`, "*" for everything, and `resource_types` as a JSON array; the answer's
 *   `full_sync`, `sync_token` and `temp_id_mapping`; an incremental answer carries only what changed
 *   since the token, deleted objects with `is_deleted: true`), and the getting-started example of
 *   https://developer.todoist.com/sync/v9/ that v1 keeps.
 * - The item (task) shape: Doist's official SDKs for API v1: todoist-api-typescript
 *   src/types/tasks/types.ts (TaskSchema: the fields a sync item has, in camelCase) and
 *   todoist-api-python tests/data/test_defaults.py (DEFAULT_TASK_RESPONSE: the same task in
 *   snake_case as the API sends it, with its ids, due, deadline and duration values, copied here).
 * - Checked once, out of tree, with the official @doist/todoist-sdk 17.0.0 (not a dependency here):
 *   its `api.sync({ resourceTypes: ['items'], syncToken })` parsed full and incremental answers
 *   through its own zod schemas, and reported the 401.
 *
 * Fake's own choices (not checked against the live API): a full sync lists active tasks only
 * (Todoist serves completed ones through its separate completed-tasks endpoints), while completed
 * and deleted tasks show up in incremental answers; a sync token this fake did not issue, or one
 * issued before `expireSyncTokens()`, is answered with a full sync (`full_sync: true`, the API's way
 * to say "start over"); a 401 has no body. Only `items` are modelled; other resource types answer
 * nothing.
 */
import {
  bearerOf,
  type FakeReply,
  type FakeRequest,
  paramsOf,
  startLoopbackServer,
} from './loopback-server.js';

/** A task as the Sync API sends it (todoist-api-typescript's TaskSchema, in the API's snake_case). */
export interface TodoistItem {
  id: string;
  user_id: string;
  project_id: string;
  section_id: string | null;
  parent_id: string | null;
  added_by_uid: string | null;
  assigned_by_uid: string | null;
  responsible_uid: string | null;
  labels: string[];
  deadline: { date: string; lang: string } | null;
  duration: { amount: number; unit: 'minute' | 'day' } | null;
  checked: boolean;
  is_deleted: boolean;
  added_at: string | null;
  completed_at: string | null;
  updated_at: string | null;
  due: {
    date: string;
    timezone?: string | null;
    string: string;
    lang?: string | null;
    is_recurring: boolean;
  } | null;
  priority: number;
  child_order: number;
  content: string;
  description: string;
  day_order: number;
  is_collapsed: boolean;
}

export interface TodoistRequestLog {
  syncToken: string | null;
  resourceTypes: string | null;
  status: number;
  fullSync: boolean | null;
}

export interface TodoistCloseLog {
  taskId: string;
  requestId: string | null;
}

export interface TodoistApiFake {
  /** The API base, `http://127.0.0.1:<port>/api/v1`. */
  url: string;
  token: string;
  calls: { sync: number; full: number; incremental: number };
  requests: TodoistRequestLog[];
  /** Every `POST /tasks/{id}/close`, with its X-Request-Id. */
  closes: TodoistCloseLog[];
  seedTasks(count: number, fields?: Partial<TodoistItem>): TodoistItem[];
  addTask(fields?: Partial<TodoistItem>): TodoistItem;
  updateTask(id: string, fields: Partial<TodoistItem>): TodoistItem;
  completeTask(id: string): TodoistItem;
  deleteTask(id: string): TodoistItem;
  /** Every task the fake holds, deleted ones included, in creation order. */
  tasks(): TodoistItem[];
  /** Answer every call with 401 (a revoked token) until switched off. */
  setInvalidAuth(invalid: boolean): void;
  /** Answer every call with 403 (a token without the scope) until switched off: a terminal failure. */
  setForbidden(forbidden: boolean): void;
  /** Tokens issued so far get a full sync next time (the server asking the client to start over). */
  expireSyncTokens(): void;
  close(): Promise<void>;
}

/** Values of DEFAULT_TASK_RESPONSE (todoist-api-python tests/data/test_defaults.py). */
const EXAMPLE = {
  project_id: '6Jf8VQXxpwv56VQ7',
  section_id: '3Ty8VQXxpwv28PK3',
  responsible_uid: '2423523',
  assigned_by_uid: '2971358',
  added_by_uid: '34567',
  content: 'Some task content',
  description: 'Some task description',
  due: {
    date: '2016-09-01',
    timezone: 'Europe/Moscow',
    string: 'tomorrow at 12',
    lang: 'en',
    is_recurring: true,
  },
  deadline: { date: '2016-09-01', lang: 'en' },
  duration: { amount: 60, unit: 'minute' as const },
};

function header(request: FakeRequest, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** Todoist writes microseconds: "2016-01-02T21:00:30.000000Z". */
const todoistTime = (date: Date) => `${date.toISOString().slice(0, 23)}000Z`;

export async function startTodoistApiFake(options: { token?: string } = {}): Promise<TodoistApiFake> {
  const token = options.token ?? '0123456789abcdef0123456789abcdef01234567';
  const items = new Map<string, { item: TodoistItem; changedAt: number }>();
  const issued = new Map<string, number>(); // sync token → the change sequence it covers
  const calls = { sync: 0, full: 0, incremental: 0 };
  const requests: TodoistRequestLog[] = [];
  const closes: TodoistCloseLog[] = [];
  let sequence = 0;
  let taskCount = 0;
  let invalidAuth = false;
  let forbidden = false;

  const issueToken = () => {
    const syncToken = Buffer.from(`fake-sync:${sequence}:${issued.size}`).toString('base64url');
    issued.set(syncToken, sequence);
    return syncToken;
  };
  const change = (item: TodoistItem) => {
    sequence += 1;
    items.set(item.id, { item, changedAt: sequence });
    return item;
  };

  const sync = (params: Map<string, string>): FakeReply => {
    const given = params.get('sync_token') ?? '*';
    const since = given === '*' ? undefined : issued.get(given);
    const full = since === undefined;
    const types: unknown = JSON.parse(params.get('resource_types') ?? '[]');
    const wantsItems = Array.isArray(types) && (types.includes('items') || types.includes('all'));
    calls[full ? 'full' : 'incremental'] += 1;
    const body: Record<string, unknown> = {
      full_sync: full,
      sync_token: issueToken(),
      temp_id_mapping: {},
    };
    if (wantsItems) {
      body.items = [...items.values()]
        .filter(({ item, changedAt }) =>
          full ? !item.is_deleted && !item.checked : changedAt > (since as number),
        )
        .map(({ item }) => item);
    }
    return { status: 200, body };
  };

  /**
   * `POST /api/v1/tasks/{id}/close` (https://developer.todoist.com/api/v1/#tag/Tasks): 204; a
   * recurring task moves to its next date instead (the fake: one day later) and stays open. A
   * repeated X-Request-Id gets the first answer without acting again, as Todoist's REST API
   * documents for that header. Fake's own choices: the 404 body, and "next date" as one day.
   */
  const seenRequestIds = new Map<string, FakeReply>();
  const close = (request: FakeRequest, id: string): FakeReply => {
    const requestId = header(request, 'x-request-id');
    closes.push({ taskId: id, requestId });
    const earlier = requestId === null ? undefined : seenRequestIds.get(requestId);
    if (earlier) return earlier;
    const entry = items.get(id);
    let reply: FakeReply;
    if (!entry || entry.item.is_deleted) {
      reply = { status: 404, body: { error: 'Task not found', error_tag: 'NOT_FOUND', http_code: 404 } };
    } else if (entry.item.due?.is_recurring) {
      const next = new Date(Date.parse(entry.item.due.date) + 86_400_000).toISOString().slice(0, 10);
      fake.updateTask(id, { due: { ...entry.item.due, date: next } });
      reply = { status: 204 };
    } else {
      if (!entry.item.checked) fake.completeTask(id);
      reply = { status: 204 };
    }
    if (requestId !== null) seenRequestIds.set(requestId, reply);
    return reply;
  };

  const handle = (request: FakeRequest): FakeReply => {
    const closing = /^\/api\/v1\/tasks\/([^/]+)\/close$/.exec(request.pathname);
    if (closing && request.method === 'POST') {
      if (bearerOf(request) !== token || invalidAuth) return { status: 401 };
      if (forbidden) return { status: 403 };
      return close(request, decodeURIComponent(closing[1]!));
    }
    if (request.pathname !== '/api/v1/sync' || request.method !== 'POST') {
      return { status: 404, body: { error: 'Not found' } };
    }
    calls.sync += 1;
    const params = paramsOf(request);
    const reply =
      bearerOf(request) !== token || invalidAuth
        ? { status: 401 }
        : forbidden
          ? { status: 403 }
          : sync(params);
    requests.push({
      syncToken: params.get('sync_token') ?? null,
      resourceTypes: params.get('resource_types') ?? null,
      status: reply.status,
      fullSync: reply.status === 200 ? ((reply.body as { full_sync: boolean }).full_sync ?? null) : null,
    });
    return reply;
  };

  const server = await startLoopbackServer(handle);

  const itemOf = (id: string) => {
    const entry = items.get(id);
    if (!entry) throw new Error(`no task ${id} in the Todoist fake`);
    return entry.item;
  };

  const fake: TodoistApiFake = {
    url: `${server.origin}/api/v1`,
    token,
    calls,
    requests,
    closes,
    seedTasks(count, fields) {
      return Array.from({ length: count }, () => fake.addTask(fields));
    },
    addTask(fields = {}) {
      taskCount += 1;
      const at = todoistTime(new Date());
      return change({
        id: `6X7r${taskCount.toString(36).padStart(12, '0')}`,
        user_id: EXAMPLE.added_by_uid,
        project_id: EXAMPLE.project_id,
        section_id: EXAMPLE.section_id,
        parent_id: null,
        added_by_uid: EXAMPLE.added_by_uid,
        assigned_by_uid: EXAMPLE.assigned_by_uid,
        responsible_uid: EXAMPLE.responsible_uid,
        labels: [],
        deadline: EXAMPLE.deadline,
        duration: EXAMPLE.duration,
        checked: false,
        is_deleted: false,
        added_at: at,
        completed_at: null,
        updated_at: at,
        due: EXAMPLE.due,
        priority: 1,
        child_order: taskCount,
        content: `${EXAMPLE.content} #${taskCount}`,
        description: EXAMPLE.description,
        day_order: -1,
        is_collapsed: false,
        ...fields,
      });
    },
    updateTask(id, fields) {
      return change({ ...itemOf(id), ...fields, id, updated_at: todoistTime(new Date()) });
    },
    completeTask(id) {
      const at = todoistTime(new Date());
      return change({ ...itemOf(id), checked: true, completed_at: at, updated_at: at });
    },
    deleteTask(id) {
      return change({ ...itemOf(id), is_deleted: true, updated_at: todoistTime(new Date()) });
    },
    tasks: () => [...items.values()].map(({ item }) => item).sort((a, b) => a.child_order - b.child_order),
    setInvalidAuth(invalid) {
      invalidAuth = invalid;
    },
    setForbidden(value) {
      forbidden = value;
    },
    expireSyncTokens() {
      issued.clear();
    },
    close: () => server.close(),
  };
  return fake;
}
