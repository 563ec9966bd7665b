import { nextRunAt } from '../../domain/sync-schedule.js';
import type { SyncEvent } from '../../events/sync.js';
import type { SyncCursor } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';

export type SyncCursorRow = Omit<SyncCursor, 'config' | 'checkpoint'> & {
  config: Record<string, unknown>;
  checkpoint: Record<string, unknown> | null;
};

const ISO = (value: string) => new Date(value);

/**
 * The sync_cursors row after one control-stream event: pure, every value from the event (its
 * recorded time included), so a rebuild writes the same row. The schedule rule is the domain's
 * (domain/sync-schedule.ts); this only records its answer.
 */
export function evolveSyncCursor(
  row: SyncCursorRow | null,
  event: SyncEvent,
  tenantId: string,
): SyncCursorRow | null {
  const at = event.recordedAt;
  const touched = { updatedAt: at, position: event.position };
  if (event.type === 'SyncConfigured') {
    const { connectionId, resource, provider, model, config, frequency, enabled } = event.data;
    const base: SyncCursorRow = row ?? {
      tenantId,
      connectionId,
      resource,
      provider,
      model,
      config,
      frequency,
      enabled,
      status: 'IDLE',
      pausedReason: null,
      checkpoint: null,
      currentRunId: null,
      nextRunAt: null,
      rateLimitedUntil: null,
      lastError: null,
      lastRunAt: null,
      quietRuns: 0,
      configuredAt: at,
      ...touched,
    };
    const due = enabled ? (base.nextRunAt ?? at) : null;
    return { ...base, provider, model, config, frequency, enabled, nextRunAt: due, ...touched };
  }
  if (!row) throw new ProjectionEventError(event, `${event.type} before SyncConfigured`);
  switch (event.type) {
    case 'SyncPaused':
      return {
        ...row,
        status: 'PAUSED',
        pausedReason: event.data.reason,
        lastError: event.data.message || row.lastError,
        nextRunAt: null,
        ...touched,
      };
    case 'SyncResumed':
      return { ...row, status: 'IDLE', pausedReason: null, nextRunAt: row.enabled ? at : null, ...touched };
    case 'SyncRunScheduled':
      return { ...row, status: 'QUEUED', currentRunId: event.data.runId, ...touched };
    case 'SyncStarted':
      return { ...row, status: 'RUNNING', currentRunId: event.data.runId, ...touched };
    case 'SyncExpired':
      return { ...row, status: 'QUEUED', ...touched };
    case 'SyncCompleted': {
      const { stats, checkpoint, finishedAt } = event.data;
      const changes = stats.added + stats.updated + stats.deleted;
      const quietRuns = changes > 0 ? 0 : row.quietRuns + 1;
      const last = { finishedAt: ISO(finishedAt), changes, quietRuns };
      return {
        ...row,
        status: row.pausedReason ? 'PAUSED' : 'IDLE',
        checkpoint,
        currentRunId: null,
        lastError: null,
        lastRunAt: last.finishedAt,
        rateLimitedUntil: null,
        quietRuns,
        nextRunAt: row.enabled && !row.pausedReason ? nextRunAt(row.frequency, last) : null,
        ...touched,
      };
    }
    case 'RateLimited':
      return {
        ...row,
        status: 'RATE_LIMITED',
        checkpoint: event.data.checkpoint ?? row.checkpoint,
        currentRunId: null,
        lastRunAt: ISO(event.data.finishedAt),
        rateLimitedUntil: ISO(event.data.retryAt),
        nextRunAt: row.enabled ? ISO(event.data.retryAt) : null,
        ...touched,
      };
    case 'SyncFailed':
      return {
        ...row,
        status: 'FAILED',
        checkpoint: event.data.checkpoint ?? row.checkpoint,
        currentRunId: null,
        lastError: event.data.message,
        lastRunAt: ISO(event.data.finishedAt),
        nextRunAt: row.enabled && event.data.retryAt ? ISO(event.data.retryAt) : null,
        ...touched,
      };
    case 'SyncDeadLettered':
      return {
        ...row,
        status: 'DEAD_LETTERED',
        currentRunId: null,
        lastError: event.data.message,
        lastRunAt: ISO(event.data.finishedAt),
        nextRunAt: null,
        ...touched,
      };
    case 'SyncReplayApproved':
    case 'DriftCheckStarted':
    case 'DriftDetected':
    case 'DriftCheckCompleted':
    case 'RecordsBatchRecorded':
      return row;
  }
}
