import { systemCaller } from '../commands/deps.js';
import { ATTR } from '../observability/tracing/attributes.js';
import { inRootSpan } from '../observability/tracing/spans.js';
import { withLease } from '../platform/with-lease.js';
import { executeRun, type RunOutcome } from './run-executor.js';
import { syncCommand } from './sync-commands.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/** The lease that makes a sync's runs one at a time across every instance. */
export const syncLeaseName = (target: SyncTarget): string =>
  `sync:${target.tenantId}:${target.connectionId}:${target.resource}`;

/**
 * Takes runs that are due and executes them, at most `concurrency` at once on this instance. A run
 * is taken under its sync's lease: a run left RUNNING by a worker that died is found the same way,
 * and once its lease has expired it is marked SyncExpired and resumed from its last recorded page.
 */
export class SyncWorker {
  readonly #running = new Map<string, Promise<RunOutcome | null>>();
  readonly #stopping = new AbortController();

  constructor(
    private readonly deps: SyncDeps,
    private readonly concurrency: number,
  ) {}

  get busy(): number {
    return this.#running.size;
  }

  /** Starts what is due; does not wait for the runs. */
  async tick(): Promise<void> {
    const free = this.concurrency - this.#running.size;
    if (free <= 0 || this.#stopping.signal.aborted) return;
    const candidates = await this.deps.prisma.syncRun.findMany({
      where: { status: { in: ['QUEUED', 'EXPIRED', 'RUNNING'] }, dueAt: { lte: this.deps.now() } },
      orderBy: { dueAt: 'asc' },
      take: free * 4,
      select: { tenantId: true, connectionId: true, resource: true, runId: true, status: true },
    });
    for (const run of candidates) {
      if (this.#running.size >= this.concurrency) return;
      const key = syncLeaseName(run);
      if (this.#running.has(key)) continue;
      const work = this.#take(run).finally(() => this.#running.delete(key));
      this.#running.set(key, work);
    }
  }

  async #take(run: SyncTarget & { runId: string; status: string }): Promise<RunOutcome | null> {
    try {
      const result = await withLease(
        this.deps.leases,
        syncLeaseName(run),
        { ttlMs: this.deps.leaseTtlMs, signal: this.#stopping.signal },
        async (signal) => {
          if (run.status === 'RUNNING') {
            // Its worker stopped renewing the lease: the run goes on here from its last page.
            const expired = await syncCommand(
              this.deps,
              systemCaller('sync-worker', run.runId),
              run,
              { type: 'ExpireSyncRun', runId: run.runId },
              [],
            );
            if (expired.events.length > 0)
              this.deps.metrics?.syncRunFinished({ ...run, provider: expired.state.provider }, 'expired');
          }
          // One trace per run: each page's provider calls, its append and the records projection after it.
          return inRootSpan(
            'sync run',
            {
              [ATTR.tenant]: run.tenantId,
              [ATTR.connection]: run.connectionId,
              [ATTR.resource]: run.resource,
            },
            () => executeRun(this.deps, run, signal),
          );
        },
      );
      return result.acquired ? result.value : null;
    } catch (error) {
      if (!this.#stopping.signal.aborted) this.deps.logger.error({ ...run, err: error }, 'sync run crashed');
      return null;
    }
  }

  /** Stops taking runs, aborts the ones in flight (they resume elsewhere) and waits for them. */
  async close(): Promise<void> {
    this.#stopping.abort(new Error('shutting down'));
    await Promise.allSettled(this.#running.values());
  }

  /** Waits for the runs in flight (tests, the demo). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled(this.#running.values());
  }
}
