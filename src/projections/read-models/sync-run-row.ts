import type { SyncEvent } from '../../events/sync.js';
import type { SyncRun } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';

type RunEvent = Extract<
  SyncEvent,
  {
    type:
      | 'SyncRunScheduled'
      | 'SyncStarted'
      | 'SyncExpired'
      | 'SyncCompleted'
      | 'RateLimited'
      | 'SyncFailed'
      | 'SyncDeadLettered';
  }
>;

export const RUN_EVENT_TYPES: ReadonlySet<string> = new Set<RunEvent['type']>([
  'SyncRunScheduled',
  'SyncStarted',
  'SyncExpired',
  'SyncCompleted',
  'RateLimited',
  'SyncFailed',
  'SyncDeadLettered',
]);

export const isRunEvent = (event: SyncEvent): event is RunEvent => RUN_EVENT_TYPES.has(event.type);

/** The sync_runs row after one of its events: pure, every value from the event. */
export function evolveSyncRun(row: SyncRun | null, event: RunEvent, tenantId: string): SyncRun {
  const at = event.recordedAt;
  if (event.type === 'SyncRunScheduled') {
    const { runId, connectionId, resource, reason, full, dueAt } = event.data;
    return {
      tenantId,
      runId,
      connectionId,
      resource,
      reason,
      full,
      status: 'QUEUED',
      scheduledAt: at,
      dueAt: new Date(dueAt),
      startedAt: null,
      finishedAt: null,
      attempt: 0,
      worker: null,
      added: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      requests: 0,
      error: null,
      retryAt: null,
      position: event.position,
    };
  }
  if (!row) throw new ProjectionEventError(event, `${event.type} for a run that was never scheduled`);
  const moved = { position: event.position };
  switch (event.type) {
    case 'SyncStarted':
      return {
        ...row,
        status: 'RUNNING',
        startedAt: row.startedAt ?? at,
        attempt: event.data.attempt,
        worker: event.data.worker,
        ...moved,
      };
    case 'SyncExpired':
      return { ...row, status: 'EXPIRED', ...moved };
    case 'SyncCompleted':
      return {
        ...row,
        status: 'SUCCEEDED',
        ...event.data.stats,
        finishedAt: new Date(event.data.finishedAt),
        ...moved,
      };
    case 'RateLimited':
      return {
        ...row,
        status: 'RATE_LIMITED',
        ...event.data.stats,
        retryAt: new Date(event.data.retryAt),
        finishedAt: new Date(event.data.finishedAt),
        ...moved,
      };
    case 'SyncFailed':
      return {
        ...row,
        status: 'FAILED',
        ...event.data.stats,
        error: event.data.message,
        retryAt: event.data.retryAt ? new Date(event.data.retryAt) : null,
        finishedAt: new Date(event.data.finishedAt),
        ...moved,
      };
    case 'SyncDeadLettered':
      return {
        ...row,
        status: 'DEAD_LETTERED',
        ...event.data.stats,
        error: event.data.message,
        finishedAt: new Date(event.data.finishedAt),
        ...moved,
      };
  }
}
