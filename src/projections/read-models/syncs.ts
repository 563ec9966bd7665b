import { parseStreamName } from '../../events/streams.js';
import { SYNC_EVENTS, type SyncEvent } from '../../events/sync.js';
import { TenantDeleted, type TenantEvent } from '../../events/tenant.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import { Prisma } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import type { Projection, ProjectionTx } from '../projection.js';
import { pgJson, pgText } from './pg-text.js';
import { evolveSyncCursor, type SyncCursorRow } from './sync-cursor-row.js';
import { evolveSyncRun, isRunEvent } from './sync-run-row.js';

const HANDLED = SYNC_EVENTS.map((definition) => definition.type).filter(
  (type) => type !== 'RecordsBatchRecorded',
);

function tenantOf(event: RecordedEvent): string {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, `${event.type} in a stream without a tenant`);
  return tenantId;
}

/** JSON as a jsonb column can hold it (no NUL, no lone surrogate: see pgJson). */
const storableJson = (value: unknown): Prisma.InputJsonValue =>
  JSON.parse(pgJson(value)) as Prisma.InputJsonValue;

/**
 * The control side of every sync: sync_cursors (one row per sync), sync_runs, sync_dead_letters and
 * sync_drift_checks, folded from the `sync-<tenant>.<connection>:<resource>` streams. Rows are pure
 * functions of the events (sync-cursor-row.ts, sync-run-row.ts). Records are another projection's.
 */
export function createSyncsProjection(): Projection {
  return {
    name: READ_MODEL.syncs,
    eventTypes: [...HANDLED, TenantDeleted.type],
    tables: [
      { name: 'sync_cursors' },
      { name: 'sync_runs' },
      { name: 'sync_dead_letters' },
      { name: 'sync_drift_checks' },
    ],
    async apply(events, tx) {
      for (const event of events) {
        if (event.type === TenantDeleted.type) await deleteTenant(tx, (event as TenantEvent).data.tenantId);
        else await applySyncEvent(tx, event as SyncEvent);
      }
    },
  };
}

async function deleteTenant(tx: ProjectionTx, tenantId: string): Promise<void> {
  await tx.syncCursor.deleteMany({ where: { tenantId } });
  await tx.syncRun.deleteMany({ where: { tenantId } });
  await tx.syncDeadLetter.deleteMany({ where: { tenantId } });
  await tx.syncDriftCheck.deleteMany({ where: { tenantId } });
}

async function applySyncEvent(tx: ProjectionTx, event: SyncEvent): Promise<void> {
  const tenantId = tenantOf(event);
  const { connectionId, resource } = event.data;
  const cursorKey = { tenantId_connectionId_resource: { tenantId, connectionId, resource } };
  const stored = await tx.syncCursor.findUnique({ where: cursorKey });
  const before = stored ? (stored as unknown as SyncCursorRow) : null;
  const after = evolveSyncCursor(before, event, tenantId);
  if (after && after !== before) {
    const row = {
      ...after,
      lastError: after.lastError === null ? null : pgText(after.lastError),
      config: storableJson(after.config),
      checkpoint: after.checkpoint === null ? Prisma.DbNull : storableJson(after.checkpoint),
    };
    await tx.syncCursor.upsert({ where: cursorKey, create: row, update: row });
  }
  if (isRunEvent(event)) {
    const runKey = { tenantId_runId: { tenantId, runId: event.data.runId } };
    const run = evolveSyncRun(await tx.syncRun.findUnique({ where: runKey }), event, tenantId);
    const row = { ...run, error: run.error === null ? null : pgText(run.error) };
    await tx.syncRun.upsert({ where: runKey, create: row, update: row });
  }
  await applySideTables(tx, event, tenantId);
}

async function applySideTables(tx: ProjectionTx, event: SyncEvent, tenantId: string): Promise<void> {
  switch (event.type) {
    case 'SyncDeadLettered': {
      const { deadLetterId, connectionId, resource, runId, message, status } = event.data;
      await tx.syncDeadLetter.createMany({
        data: [
          {
            tenantId,
            id: deadLetterId,
            connectionId,
            resource,
            runId,
            class: event.data.class,
            message: pgText(message),
            status,
            createdAt: event.recordedAt,
            approvedAt: null,
            replayRunId: null,
            position: event.position,
          },
        ],
        skipDuplicates: true,
      });
      return;
    }
    case 'SyncReplayApproved':
      await tx.syncDeadLetter.updateMany({
        where: { tenantId, id: event.data.deadLetterId },
        data: { approvedAt: event.recordedAt, replayRunId: event.data.runId, position: event.position },
      });
      return;
    case 'DriftCheckStarted': {
      const { checkId, connectionId, resource } = event.data;
      await tx.syncDriftCheck.createMany({
        data: [
          {
            tenantId,
            checkId,
            connectionId,
            resource,
            status: 'RUNNING',
            missing: [],
            extra: [],
            changed: [],
            repaired: 0,
            message: null,
            startedAt: event.recordedAt,
            finishedAt: null,
            position: event.position,
          },
        ],
        skipDuplicates: true,
      });
      return;
    }
    case 'DriftDetected': {
      const { checkId, missing, extra, changed } = event.data;
      await tx.syncDriftCheck.updateMany({
        where: { tenantId, checkId },
        data: {
          missing: storableJson(missing),
          extra: storableJson(extra),
          changed: storableJson(changed),
          position: event.position,
        },
      });
      return;
    }
    case 'DriftCheckCompleted': {
      const { checkId, status, repaired, message, finishedAt } = event.data;
      await tx.syncDriftCheck.updateMany({
        where: { tenantId, checkId },
        data: {
          status: status.toUpperCase(),
          repaired,
          message: message === null ? null : pgText(message),
          finishedAt: new Date(finishedAt),
          position: event.position,
        },
      });
      return;
    }
    default:
      return;
  }
}
