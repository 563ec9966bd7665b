import { randomUUID } from 'node:crypto';
import { commandContext, execute, systemCaller } from '../commands/deps.js';
import { CANONICAL_MODELS } from '../connectors/sdk/models.js';
import { FullResyncRequired, ProviderCallError } from '../connectors/sdk/provider-http.js';
import type { Checkpoint } from '../connectors/sdk/sync.js';
import { recordHash } from '../domain/record-hash.js';
import { type SyncCommand, syncDecider } from '../domain/sync.js';
import { fullJitterDelay } from '../domain/sync-retry.js';
import type { RunStats } from '../events/sync.js';
import { syncStream } from '../events/sync.js';
import { WrongExpectedVersionError } from '../eventstore/errors.js';
import { READ_MODEL } from '../projections/names.js';
import { SwitchboardError } from '../shared/errors.js';
import { knownRecordHashes } from './known-records.js';
import { providerHttpFor } from './provider-http-for.js';
import { resolveResourceSync } from './resource-syncs.js';
import { type PageChanges, RunStream } from './run-stream.js';
import { connectionForSync } from './sync-connection.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

export type RunOutcome =
  | 'succeeded'
  | 'rate_limited'
  | 'failed'
  | 'dead_lettered'
  /** Not ours: not queued any more (another worker took it), or our append lost to a newer owner. */
  | 'superseded'
  /** The signal aborted (lease lost, shutdown): whoever takes the run next resumes it. */
  | 'stopped';

/** A page with nothing changed is not written; its checkpoint is, at the latest after this long. */
const CHECKPOINT_AT_LEAST_EVERY_MS = 60_000;

class InvalidRecordError extends Error {}

/**
 * Runs one queued run of a sync to its end: takes it (SyncStarted, which fails harmlessly when
 * another worker took it first), lists the resource from its checkpoint through the connector,
 * appends each page's changes with the page's checkpoint in one event, and ends the run with one
 * event saying how: completed, rate limited, failed or dead-lettered. The caller holds the sync's
 * lease; `signal` aborts when it is lost.
 */
export async function executeRun(
  deps: SyncDeps,
  target: SyncTarget & { runId: string },
  signal: AbortSignal,
): Promise<RunOutcome> {
  const caller = systemCaller('sync', target.runId);
  const command = (body: DistributiveOmit<SyncCommand, 'connectionId' | 'resource'>) =>
    execute(
      deps,
      caller,
      {
        tenantId: target.tenantId,
        stream: syncStream(target.tenantId, target.connectionId, target.resource),
      },
      syncDecider,
      { ...body, connectionId: target.connectionId, resource: target.resource } as SyncCommand,
      { waitFor: [] },
    );

  const started = await command({ type: 'StartSyncRun', runId: target.runId, worker: deps.workerId });
  if (started.events.length === 0 || !started.state.run || started.position === null) return 'superseded';
  const { state } = started;
  const run = state.run as NonNullable<typeof state.run>;
  const ended = (outcome: RunOutcome): RunOutcome => {
    if (outcome !== 'superseded' && outcome !== 'stopped')
      deps.metrics?.syncRunFinished({ ...target, provider: state.provider }, outcome);
    return outcome;
  };
  const stats: RunStats = { added: 0, updated: 0, deleted: 0, unchanged: 0, requests: 0 };
  let checkpoint: Checkpoint | null = state.checkpoint;

  try {
    const { manifest, declaration, resourceSync } = resolveResourceSync(
      deps.catalog,
      state.provider,
      target.resource,
    );
    const metadata = commandContext(deps, caller, target.tenantId).metadata;
    const opened = await RunStream.open(
      deps,
      { ...target, model: declaration.model, source: 'sync' },
      metadata,
    );
    // A resumed run goes on from its last recorded page; a full run starts from nothing.
    const resumed = opened.pages > 0;
    checkpoint = opened.lastCheckpoint ?? (run.full ? null : state.checkpoint);
    let full = run.full || checkpoint === null;

    await deps.projections.waitFor(started.position, {
      projections: [READ_MODEL.syncRecords],
      timeoutMs: 60_000,
    });
    const known = await knownRecordHashes(deps, target);
    const modelSchema = CANONICAL_MODELS[declaration.model];
    const config = resourceSync.config.parse(state.config);
    const connection = await connectionForSync(deps, target);
    const http = providerHttpFor(deps, target, manifest, connection, signal, () => {
      stats.requests++;
    });

    let seen = new Set<string>();
    let listedEverything = false;
    // The provider forgot our cursor and this worker listed everything again from the first page.
    let relistedFromScratch = false;
    let relistingFindsDeletes = false;
    // Unchanged pages since the last append: their checkpoint is written with the next change, or on its own once a minute.
    const quiet: { unchanged: number; since: number | null } = { unchanged: 0, since: null };
    const flush = async (page: PageChanges) => {
      await opened.stream.append({ ...page, unchanged: page.unchanged + quiet.unchanged });
      quiet.unchanged = 0;
      quiet.since = null;
      countRecords(deps, state.provider, target.resource, page);
    };

    for (;;) {
      try {
        const ctx = { checkpoint, config, full, http, connection, signal, now: deps.now };
        for await (const page of resourceSync.sync(ctx)) {
          signal.throwIfAborted();
          const changes: PageChanges = {
            records: [],
            deletes: [],
            unchanged: 0,
            checkpoint: page.checkpoint,
          };
          for (const record of page.records) {
            const parsed = modelSchema.safeParse(record.data);
            if (!parsed.success) {
              throw new InvalidRecordError(
                `${manifest.id} ${target.resource} record ${record.id} does not fit ${declaration.model}: ${parsed.error.message.slice(0, 300)}`,
              );
            }
            seen.add(record.id);
            const hash = recordHash(parsed.data, declaration.volatileFields);
            const before = known.get(record.id);
            if (before === hash) {
              changes.unchanged++;
              continue;
            }
            changes.records.push({
              id: record.id,
              op: before === undefined ? 'created' : 'updated',
              hash,
              data: parsed.data,
              raw: record.raw,
            });
            known.set(record.id, hash);
          }
          for (const id of page.deletes ?? []) {
            if (known.delete(id)) changes.deletes.push(id);
          }
          stats.added += changes.records.filter((record) => record.op === 'created').length;
          stats.updated += changes.records.filter((record) => record.op === 'updated').length;
          stats.deleted += changes.deletes.length;
          stats.unchanged += changes.unchanged;
          checkpoint = page.checkpoint;
          if (changes.records.length > 0 || changes.deletes.length > 0) {
            await flush(changes);
          } else {
            quiet.unchanged += changes.unchanged;
            quiet.since ??= Date.now();
            if (Date.now() - quiet.since >= CHECKPOINT_AT_LEAST_EVERY_MS) {
              await flush({ records: [], deletes: [], unchanged: 0, checkpoint: page.checkpoint });
            }
          }
        }
        listedEverything = true;
        break;
      } catch (error) {
        if (!(error instanceof FullResyncRequired) || relistedFromScratch) throw error;
        // The provider no longer knows our cursor: list everything again, in this same run.
        deps.logger.warn(
          { ...target, reason: error.message },
          'sync cursor expired at the provider; listing everything again',
        );
        relistedFromScratch = true;
        relistingFindsDeletes = error.absentMeansDeleted;
        full = true;
        checkpoint = null;
        seen = new Set();
      }
    }

    // Absence means deleted only after a complete listing that this worker saw from its first page:
    // every full scan, and for syncs whose provider reports deletes, a relisting after the provider
    // forgot the cursor when the connector says that relisting holds every live record (what was
    // deleted meanwhile would never be reported).
    const listedFromFirstPage = listedEverything && ((full && !resumed) || relistedFromScratch);
    const absenceIsDeletion =
      declaration.deletes === 'full_scan' || (declaration.deletes === 'reported' && relistingFindsDeletes);
    const deletes =
      listedFromFirstPage && absenceIsDeletion ? [...known.keys()].filter((id) => !seen.has(id)) : [];
    for (const id of deletes) known.delete(id);
    stats.deleted += deletes.length;
    if (deletes.length > 0) {
      await flush({ records: [], deletes, unchanged: 0, checkpoint });
    }
    const finalCheckpoint: Checkpoint = checkpoint ?? {};
    const completed = await command({
      type: 'CompleteSyncRun',
      runId: target.runId,
      checkpoint: finalCheckpoint,
      stats,
      fullScan: (full && !resumed) || relistedFromScratch,
    });
    return ended(completed.events.length > 0 ? 'succeeded' : 'superseded');
  } catch (error) {
    return ended(
      await endAfterFailure(deps, command, target, {
        error,
        checkpoint,
        stats,
        failures: state.failures,
        signal,
      }),
    );
  }
}

/** Records a page wrote, counted once the page is in the log. */
function countRecords(deps: SyncDeps, provider: string, resource: string, page: PageChanges): void {
  if (!deps.metrics) return;
  const created = page.records.filter((record) => record.op === 'created').length;
  deps.metrics.syncRecords(provider, resource, 'created', created);
  deps.metrics.syncRecords(provider, resource, 'updated', page.records.length - created);
  deps.metrics.syncRecords(provider, resource, 'deleted', page.deletes.length);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

async function endAfterFailure(
  deps: SyncDeps,
  command: (
    body: DistributiveOmit<SyncCommand, 'connectionId' | 'resource'>,
  ) => Promise<{ events: readonly unknown[] }>,
  target: SyncTarget & { runId: string },
  run: {
    error: unknown;
    checkpoint: Checkpoint | null;
    stats: RunStats;
    failures: number;
    signal: AbortSignal;
  },
): Promise<RunOutcome> {
  const { error, checkpoint, stats } = run;
  if (error instanceof WrongExpectedVersionError) return 'superseded';
  if (run.signal.aborted) return 'stopped';
  const now = deps.now();
  if (error instanceof ProviderCallError && error.failureClass === 'rate_limited') {
    const retryAt = error.retryAt ?? new Date(now.getTime() + fullJitterDelay(run.failures + 1));
    deps.logger.info({ ...target, retryAt }, 'sync rate limited; the next run continues from its checkpoint');
    const ended = await command({
      type: 'RateLimitSyncRun',
      runId: target.runId,
      checkpoint,
      stats,
      retryAt,
    });
    return ended.events.length > 0 ? 'rate_limited' : 'superseded';
  }
  const failureClass =
    error instanceof ProviderCallError
      ? error.failureClass === 'rate_limited'
        ? 'retryable'
        : error.failureClass
      : error instanceof InvalidRecordError || (error instanceof SwitchboardError && error.status < 500)
        ? 'terminal'
        : 'retryable';
  const message = error instanceof Error ? error.message : String(error);
  const retryAt =
    failureClass === 'retryable'
      ? ((error as ProviderCallError).retryAt ?? new Date(now.getTime() + fullJitterDelay(run.failures + 1)))
      : null;
  deps.logger.warn({ ...target, failureClass, err: message }, 'sync run failed');
  const ended = await command({
    type: 'FailSyncRun',
    runId: target.runId,
    checkpoint,
    stats,
    failureClass,
    message: message.slice(0, 2000),
    status: error instanceof ProviderCallError ? error.status : null,
    retryAt,
    deadLetterId: randomUUID(),
  });
  if (ended.events.length === 0) return 'superseded';
  const types = (ended.events as Array<{ type: string }>).map((event) => event.type);
  return types.includes('SyncDeadLettered') ? 'dead_lettered' : 'failed';
}
