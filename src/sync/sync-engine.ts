import type { Caller } from '../commands/deps.js';
import { SyncScheduler } from './scheduler.js';
import { type ConfigureSyncInput, configureSync, startSync, syncCommand } from './sync-commands.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';
import { SyncWorker } from './worker.js';

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
  #timer: NodeJS.Timeout | null = null;
  #ticking: Promise<void> | null = null;

  constructor(
    readonly deps: SyncDeps,
    private readonly options: SyncEngineOptions,
  ) {
    this.scheduler = new SyncScheduler(deps);
    this.worker = new SyncWorker(deps, options.workers);
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

  setPaused(caller: Caller, target: SyncTarget, paused: boolean) {
    return syncCommand(
      this.deps,
      caller,
      target,
      paused ? { type: 'PauseSync', reason: 'operator', message: '' } : { type: 'ResumeSync' },
    );
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
    await this.worker.close();
    await this.scheduler.close();
  }
}
