import { randomUUID } from 'node:crypto';
import { systemCaller } from '../commands/deps.js';
import type { Lease } from '../platform/lease.js';
import { syncCommand } from './sync-commands.js';
import type { SyncDeps } from './sync-deps.js';

const LEADER_LEASE = 'sync:scheduler';
/** Due syncs queued per tick: a backlog drains over a few ticks instead of in one burst. */
const BATCH = 200;

const REASON_BY_STATUS = { IDLE: 'adaptive', RATE_LIMITED: 'rate_limit', FAILED: 'retry' } as const;

/**
 * Appends SyncRunScheduled when a sync falls due. One instance at a time does it (a lease), from
 * sync_cursors.nextRunAt, which the projection computes from the log; the decider refuses a second
 * run of a sync that has one, so a scheduler that lost its lease mid-tick cannot double-book.
 * Nothing here is a job table a replay could not rebuild.
 */
export class SyncScheduler {
  #lease: Lease | null = null;

  constructor(private readonly deps: SyncDeps) {}

  /** One pass: keep or take the leadership, then queue what is due. Returns how many runs it queued. */
  async tick(): Promise<number> {
    if (!(await this.#lead())) return 0;
    const now = this.deps.now();
    const due = await this.deps.prisma.syncCursor.findMany({
      where: { enabled: true, status: { in: Object.keys(REASON_BY_STATUS) }, nextRunAt: { lte: now } },
      orderBy: { nextRunAt: 'asc' },
      take: BATCH,
      select: { tenantId: true, connectionId: true, resource: true, status: true, frequency: true },
    });
    let queued = 0;
    for (const sync of due) {
      const reason =
        sync.status === 'IDLE' && /\s/.test(sync.frequency)
          ? 'cron'
          : REASON_BY_STATUS[sync.status as keyof typeof REASON_BY_STATUS];
      try {
        const result = await syncCommand(
          this.deps,
          systemCaller('sync-scheduler', randomUUID()),
          sync,
          { type: 'ScheduleSyncRun', runId: randomUUID(), reason, full: false, dueAt: now },
          [],
        );
        if (result.position !== null) queued++;
      } catch (error) {
        this.deps.logger.warn({ ...sync, err: error }, 'could not schedule a sync run');
      }
    }
    return queued;
  }

  async #lead(): Promise<boolean> {
    const ttlMs = this.deps.leaseTtlMs;
    if (this.#lease && !(await this.#lease.renew().catch(() => false))) this.#lease = null;
    this.#lease ??= await this.deps.leases.acquire(LEADER_LEASE, { ttlMs }).catch(() => null);
    return this.#lease !== null;
  }

  async close(): Promise<void> {
    await this.#lease?.release().catch(() => {});
    this.#lease = null;
  }
}
