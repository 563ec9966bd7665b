import { randomUUID } from 'node:crypto';
import { type Caller, execute } from '../commands/deps.js';
import { connectionNotFound } from '../domain/connection.js';
import { type SyncCommand, syncDecider } from '../domain/sync.js';
import { parseSchedule } from '../domain/sync-schedule.js';
import { syncStream } from '../events/sync.js';
import type { ReadModelName } from '../projections/names.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError, ConflictError } from '../shared/errors.js';
import { resolveResourceSync } from './resource-syncs.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

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
 * Sets up (or changes) the sync of one resource of a live connection: the resource must be one the
 * provider declares, the config must fit the connector's schema and the frequency must parse, so a
 * bad value is refused here and never fails a run later.
 */
export async function configureSync(
  deps: SyncDeps,
  caller: Caller,
  tenantId: string,
  input: ConfigureSyncInput,
) {
  const connection = await deps.prisma.connection.findFirst({
    where: { id: input.connectionId, tenantId },
    select: { provider: true, status: true },
  });
  if (!connection) throw connectionNotFound(input.connectionId);
  const { declaration, resourceSync } = resolveResourceSync(
    deps.catalog,
    connection.provider,
    input.resource,
  );
  const config = input.config ?? {};
  const parsed = resourceSync.config.safeParse(config);
  if (!parsed.success) {
    throw new BadUserInputError(`config does not fit the ${input.resource} sync: ${parsed.error.message}`, {
      path: 'config',
    });
  }
  const frequency = input.frequency ?? declaration.defaultFrequency;
  parseSchedule(frequency);
  const target = { tenantId, connectionId: input.connectionId, resource: input.resource };
  return syncCommand(deps, caller, target, {
    type: 'ConfigureSync',
    provider: connection.provider,
    model: declaration.model,
    config,
    frequency,
    enabled: input.enabled ?? true,
  });
}

/** Queues a run now (or returns the one already queued or running: one at a time per sync). */
export async function startSync(
  deps: SyncDeps,
  caller: Caller,
  tenantId: string,
  input: { connectionId: string; resource: string; full?: boolean | null },
): Promise<{ runId: string }> {
  const target = { tenantId, connectionId: input.connectionId, resource: input.resource };
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
