import { randomUUID } from 'node:crypto';
import type { Caller } from '../commands/deps.js';
import { withLease } from '../platform/with-lease.js';
import { runDriftCheck } from './drift-check.js';
import { SyncScheduler } from './scheduler.js';
import {
  approveSyncReplay,
  type ConfigureSyncInput,
  configureSync,
  startSync,
  syncCommand,
} from './sync-commands.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';
import { requireSyncTarget } from './sync-target.js';
import { WebhookNudge } from './webhook-nudge.js';
import { SyncWorker, syncLeaseName } from './worker.js';

export interface SyncEngineOptions {
  /** Runs executed at once on this instance; 0: schedule only. */
  workers: number;
  /** How often the scheduler and the worker look for due work (default 1 s). */
  tickMs?: number;
}

/**
 * The sync engine of one instance: the commands resolvers call, and the background loops that
 * schedule due runs (one instance leads) and execute them (every instance with workers).
 */
export class SyncEngine {
  readonly scheduler: SyncScheduler;
  readonly worker: SyncWorker;
  readonly #nudges: WebhookNudge;
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;
  readonly #driftChecks = new Set<Promise<unknown>>();
  readonly #closing = new AbortController();

  constructor(
    readonly deps: SyncDeps,
    private readonly options: SyncEngineOptions,
  ) {
    this.scheduler = new SyncScheduler(deps);
    this.worker = new SyncWorker(deps, options.workers);
    this.#nudges = new WebhookNudge(deps);
  }

  /** A recorded webhook delivery: pulls the next run of the resources its event type changes forward. */
  nudge(
    target: { tenantId: string; connectionId: string; provider: string },
    eventType: string | null,
  ): void {
    this.#nudges.nudge(target, eventType);
  }

  configureSync(caller: Caller, tenantId: string, input: ConfigureSyncInput) {
    return configureSync(this.deps, caller, tenantId, input);
  }

  startSync(
    caller: Caller,
    tenantId: string,
    input: { connectionId: string; resource: string; full?: boolean | null },
  ) {
    return startSync(this.deps, caller, tenantId, input);
  }

  /** Checks a caller's sync: their own connection, a resource its provider declares (else NOT_FOUND codes). */
  requireTarget(target: SyncTarget) {
    return requireSyncTarget(this.deps, target);
  }

  /** Approves the replay of a parked run of the tenant's and queues it (reason `replay`). */
  approveSyncReplay(caller: Caller, tenantId: string, deadLetterId: string) {
    return approveSyncReplay(this.deps, caller, tenantId, deadLetterId);
  }

  setPaused(caller: Caller, target: SyncTarget, paused: boolean) {
    return syncCommand(
      this.deps,
      caller,
      target,
      paused ? { type: 'PauseSync', reason: 'operator', message: '' } : { type: 'ResumeSync' },
    );
  }

  /**
   * Starts a drift check now and returns its id; the check itself runs in the background under the
   * sync's lease (after the run in progress, if any) and reports through the drift read model.
   */
  async checkDrift(
    caller: Caller,
    tenantId: string,
    input: { connectionId: string; resource: string },
  ): Promise<{ checkId: string }> {
    const target = { tenantId, ...input };
    await requireSyncTarget(this.deps, target);
    const checkId = randomUUID();
    await syncCommand(this.deps, caller, target, { type: 'StartDriftCheck', checkId });
    const check = withLease(
      this.deps.leases,
      syncLeaseName(target),
      { ttlMs: this.deps.leaseTtlMs, waitMs: 10 * 60_000, signal: this.#closing.signal },
      (signal) => runDriftCheck(this.deps, { ...target, checkId }, signal),
    )
      .then(async (result) => {
        if (result.acquired) return;
        // Never leave the check open: a later checkDrift would be refused as already running.
        await syncCommand(this.deps, caller, target, {
          type: 'CompleteDriftCheck',
          checkId,
          status: 'failed',
          repaired: 0,
          message: 'the sync stayed busy for 10 minutes; try again later',
        });
      })
      .catch((error: unknown) =>
        this.deps.logger.warn({ ...target, checkId, err: error }, 'drift check did not finish'),
      )
      .finally(() => this.#driftChecks.delete(check));
    this.#driftChecks.add(check);
    return { checkId };
  }

  /** Waits for the drift checks in flight (tests, the demo). */
  async driftIdle(): Promise<void> {
    while (this.#driftChecks.size > 0) await Promise.allSettled(this.#driftChecks);
  }

  /** Begins the loops; safe to call once. */
  start(): void {
    if (this.#timer) return;
    const tickMs = this.options.tickMs ?? 1_000;
    this.#timer = setInterval(() => {
      this.#ticking ??= this.tick().finally(() => {
        this.#ticking = null;
      });
    }, tickMs);
    this.#timer.unref();
  }

  /** One pass of both loops (tests drive the engine with this instead of timers). */
  async tick(): Promise<void> {
    try {
      await this.scheduler.tick();
      if (this.options.workers > 0) await this.worker.tick();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'sync engine tick failed; trying again on the next one');
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#ticking;
    this.#closing.abort(new Error('shutting down'));
    await this.driftIdle();
    await this.worker.close();
    await this.scheduler.close();
  }
}
