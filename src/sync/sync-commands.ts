import { randomUUID } from 'node:crypto';
import { type Caller, execute } from '../commands/deps.js';
import { type SyncCommand, syncDecider } from '../domain/sync.js';
import { parseSchedule } from '../domain/sync-schedule.js';
import { syncStream } from '../events/sync.js';
import type { ReadModelName } from '../projections/names.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../shared/errors.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';
import { requireSyncTarget } from './sync-target.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type SyncCommandBody = DistributiveOmit<SyncCommand, 'connectionId' | 'resource'>;

/** Executes one command on a sync's control stream (decide, append, wait for the named read models). */
export function syncCommand(
  deps: SyncDeps,
  caller: Caller,
  target: SyncTarget,
  body: SyncCommandBody,
  waitFor: readonly ReadModelName[] = [READ_MODEL.syncs],
) {
  return execute(
    deps,
    caller,
    { tenantId: target.tenantId, stream: syncStream(target.tenantId, target.connectionId, target.resource) },
    syncDecider,
    { ...body, connectionId: target.connectionId, resource: target.resource } as SyncCommand,
    { waitFor },
  );
}

export interface ConfigureSyncInput {
  connectionId: string;
  resource: string;
  config?: Record<string, unknown> | null;
  frequency?: string | null;
  enabled?: boolean | null;
}

/**
 * Sets up (or changes: omitted fields keep their values) the sync of one resource of a live connection: the resource must be one the
 * provider declares, the config must fit the connector's schema and the frequency must parse, so a
 * bad value is refused here and never fails a run later.
 */
export async function configureSync(
  deps: SyncDeps,
  caller: Caller,
  tenantId: string,
  input: ConfigureSyncInput,
) {
  const target = { tenantId, connectionId: input.connectionId, resource: input.resource };
  const { provider, declaration, resourceSync } = await requireSyncTarget(deps, target);
  // A change names what changes: what it leaves out keeps its current value.
  const current = await deps.prisma.syncCursor.findUnique({
    where: { tenantId_connectionId_resource: target },
    select: { config: true, frequency: true },
  });
  const config = input.config ?? (current?.config as Record<string, unknown> | undefined) ?? {};
  const parsed = resourceSync.config.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = ['config', ...(issue?.path ?? []).map(String)].join('.');
    throw new BadUserInputError(
      `config does not fit the ${input.resource} sync: ${field}: ${issue?.message ?? 'invalid'}`,
      { path: field },
      { field },
    );
  }
  const frequency = input.frequency ?? current?.frequency ?? declaration.defaultFrequency;
  try {
    parseSchedule(frequency);
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    throw new BadUserInputError(`frequency: ${error.message}`, { frequency }, { field: 'frequency' });
  }
  const configured = await syncCommand(deps, caller, target, {
    type: 'ConfigureSync',
    provider,
    model: declaration.model,
    config,
    frequency,
    enabled: input.enabled ?? true,
  });
  // `enabled` is also the switch an operator pauses and resumes with; a sync paused because the
  // connection needs re-authorizing stays paused until that is fixed (or resumed on purpose).
  if (input.enabled === false) return syncCommand(deps, caller, target, pauseByOperator);
  if (input.enabled === true && configured.state.paused === 'operator')
    return syncCommand(deps, caller, target, { type: 'ResumeSync' });
  return configured;
}

const pauseByOperator: SyncCommandBody = { type: 'PauseSync', reason: 'operator', message: '' };

/** Queues a run now (or returns the one already queued or running: one at a time per sync). */
export async function startSync(
  deps: SyncDeps,
  caller: Caller,
  tenantId: string,
  input: { connectionId: string; resource: string; full?: boolean | null },
): Promise<{ runId: string }> {
  const target = { tenantId, connectionId: input.connectionId, resource: input.resource };
  await requireSyncTarget(deps, target);
  const runId = randomUUID();
  const result = await syncCommand(deps, caller, target, {
    type: 'ScheduleSyncRun',
    runId,
    reason: 'manual',
    full: input.full ?? false,
    dueAt: deps.now(),
  });
  const current = result.state.run?.runId;
  if (!current) throw new ConflictError('The sync could not be queued');
  return { runId: current };
}

/**
 * Approves the replay of a parked run: SyncReplayApproved, and a run with reason `replay` queued
 * at once (unless one is already queued or running, which then picks the work up).
 */
export async function approveSyncReplay(
  deps: SyncDeps,
  caller: Caller,
  tenantId: string,
  deadLetterId: string,
): Promise<{ runId: string }> {
  const letter = await deps.prisma.syncDeadLetter.findUnique({
    where: { tenantId_id: { tenantId, id: deadLetterId } },
    select: { connectionId: true, resource: true },
  });
  if (!letter) {
    throw new NotFoundError('SYNC_DEAD_LETTER_NOT_FOUND', `No sync dead letter ${deadLetterId}`, {
      deadLetterId,
    });
  }
  const target = { tenantId, ...letter };
  const result = await syncCommand(deps, caller, target, {
    type: 'ApproveSyncReplay',
    deadLetterId,
    runId: randomUUID(),
  });
  const current = result.state.run?.runId;
  if (!current) throw new ConflictError('The replay could not be queued');
  return { runId: current };
}
