import { setTimeout as sleep } from 'node:timers/promises';
import { type EventCatalog, eventCatalog } from '../../events/catalog.js';
import type { EventStore } from '../../eventstore/port.js';
import type { ReadModels } from '../../readmodels/database.js';
import { defaultLogger, type ReadModelLogger } from '../../readmodels/logger.js';
import { type FailedEvent, UnknownProjectionError } from '../errors.js';
import type { Projection } from '../projection.js';
import { AdvanceSignal } from './advance-signal.js';
import { readCheckpoints, resetProjection } from './checkpoints.js';
import { type ProjectionLagReport, projectionLag } from './lag.js';
import { type LeaderLease, postgresLeaderLease, soleLeaderLease } from './leader-lease.js';
import type { ParkedEntry, StopEntry } from './ledger.js';
import {
  DEFAULT_POISON_POLICY,
  type PoisonPolicy,
  ProjectionWorker,
  type WorkerState,
} from './projection-worker.js';
import { reportProjections } from './report.js';
import { type WaitSources, waitForPosition } from './wait-for-position.js';

/** The store's answer to "anything pending for this projection?" is worth this long, then waitFor waits on. */
const PENDING_CHECK_DEADLINE_MS = 2_000;

export interface ProjectionRunnerOptions {
  eventStore: EventStore;
  readModels: ReadModels;
  projections: readonly Projection[];
  logger?: ReadModelLogger;
  /** Default: an advisory-lock lease on PostgreSQL, sole leader on PGlite. */
  lease?: LeaderLease;
  catalog?: EventCatalog;
  /** Events per transaction (default 500). */
  batchSize?: number;
  /** Passed to the store: a sparse filter reports progress at least every this many positions (default 5000). */
  checkpointInterval?: number;
  /** Followers try for the lease this often; the leader checks for remote rebuilds (default 2000). */
  leaseRetryMs?: number;
  /** Followers poll the checkpoints table this often in waitFor (default 100). */
  pollMs?: number;
  /** How an event that keeps failing is retried before it is parked (or stops its projection). */
  poison?: Partial<PoisonPolicy>;
  /** The clock of the decisions the runner appends (parked, stopped, recovered). */
  now?: () => Date;
}

export interface WaitForOptions {
  timeoutMs?: number;
  /** Only these projections (the read models a caller answers from); default: all. */
  projections?: readonly string[];
  /** A projection stopped by its rule counts as reached instead of failing the wait. */
  skipStopped?: boolean;
  /**
   * The event types the command appended: a projection that handles none of them has nothing of
   * this command to apply and counts as reached at once (read-your-writes is about one's own writes).
   */
  eventTypes?: readonly string[];
}

export interface ProjectionStatus {
  name: string;
  /** 'follower': another process is the leader and runs it. */
  state: WorkerState | 'follower';
  caughtUp: boolean;
  /** Committed checkpoint (from the database, so it is right on followers too). */
  position: bigint;
  /** Newest event of the types it handles. */
  head: bigint;
  /** Positions between checkpoint and head (0 when caught up); positions are not gap-free. */
  lag: bigint;
  failure?: { message: string; event?: FailedEvent };
  /** From the log, so it is right on followers too. */
  stopped: StopEntry | null;
  parked: ParkedEntry[];
}

export interface RunnerStatus {
  leader: boolean;
  projections: ProjectionStatus[];
}

export type Readiness =
  /** `degraded`: ready, but a projection is stopped (its read model is stale; mutations still work). */
  | { ok: true; degraded?: string; detail?: Record<string, unknown> }
  | { ok: false; reason: string; detail?: Record<string, unknown> };

/**
 * Runs every projection on the one process that holds the leader lease; on the others it only
 * answers waitFor and status from the checkpoints table. See ProjectionWorker for the per-projection
 * loop and checkpoints.ts for why a batch and its checkpoint can never diverge.
 */
export class ProjectionRunner {
  readonly projections: readonly Projection[];
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly advanced = new AdvanceSignal();
  private readonly lease: LeaderLease;
  private readonly logger: ReadModelLogger;
  private readonly leaseRetryMs: number;
  private readonly pollMs: number;
  private readonly catalog: EventCatalog;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = true;
  /** Set while a lost lease's workers wind down; a new lease must wait for it before starting them. */
  private workersStopping: Promise<void> | undefined;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.projections = options.projections;
    this.logger = options.logger ?? defaultLogger('projections');
    const { readModels } = options;
    this.lease =
      options.lease ??
      (readModels.source.kind === 'postgres'
        ? postgresLeaderLease(readModels.source.url, this.logger)
        : soleLeaderLease());
    this.leaseRetryMs = options.leaseRetryMs ?? 2_000;
    this.pollMs = options.pollMs ?? 100;
    this.catalog = options.catalog ?? eventCatalog;
    const context = {
      store: options.eventStore,
      prisma: readModels.prisma,
      catalog: this.catalog,
      logger: this.logger,
      batchSize: options.batchSize ?? 500,
      checkpointInterval: options.checkpointInterval ?? 5_000,
      poison: { ...DEFAULT_POISON_POLICY, ...options.poison },
      now: options.now ?? (() => new Date()),
      ping: () => readModels.ping(),
      onAdvance: () => this.advanced.notify(),
    };
    for (const projection of options.projections) {
      if (this.workers.has(projection.name)) throw new Error(`Duplicate projection ${projection.name}`);
      this.workers.set(projection.name, new ProjectionWorker(projection, context));
    }
    this.lease.onLost(() => {
      this.leader = false;
      this.logger.warn({}, 'no longer the projection leader; stopping projections');
      this.workersStopping = this.stopWorkers().finally(() => {
        this.workersStopping = undefined;
      });
    });
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Makes a first attempt at the lease (starting the projections if it gets it), then keeps trying. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, this.leaseRetryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    await this.stopWorkers();
    if (this.leader) this.logger.info({}, 'projection leader lease released');
    this.leader = false;
    await this.lease.release();
  }

  /**
   * Resolves once the projections (all, or those named) have reached `position` (the position an
   * append returned): read-your-writes for a mutation. A projection that handles none of the events
   * up to there counts as reached. Rejects with WaitForTimeoutError, or at once with the failure of
   * a projection stopped by its rule (unless `skipStopped`).
   */
  async waitFor(position: bigint, options: WaitForOptions = {}): Promise<void> {
    const projections = options.projections
      ? options.projections.map((name) => this.worker(name).projection)
      : this.projections;
    await this.waitForProjections(
      projections,
      position,
      options.timeoutMs ?? 5_000,
      options.skipStopped,
      options.eventTypes,
    );
  }

  /**
   * Empties the projection's tables and checkpoint in one transaction, replays it from the start,
   * and resolves once it has caught up with the log as it was when the rebuild began. From a
   * follower it resets and then waits for the leader, which notices the reset within leaseRetryMs.
   */
  async rebuild(name: string, options: { timeoutMs?: number } = {}): Promise<{ position: bigint }> {
    const worker = this.worker(name);
    const { readModels, eventStore } = this.options;
    const leading = this.leader;
    if (leading) await worker.stop();
    this.logger.info({ projection: name }, 'rebuilding projection');
    const started = Date.now();
    await resetProjection(readModels.prisma, worker.projection);
    const head = await eventStore.headPosition();
    if (leading && this.leader) worker.start();
    await this.waitForProjections([worker.projection], head, options.timeoutMs ?? 600_000);
    this.logger.info(
      { projection: name, position: String(head), ms: Date.now() - started },
      'projection rebuilt',
    );
    return { position: head };
  }

  async status(): Promise<RunnerStatus> {
    const reports = await reportProjections({
      store: this.options.eventStore,
      prisma: this.options.readModels.prisma,
      catalog: this.catalog,
      projections: this.projections,
    });
    const projections = reports.map((report): ProjectionStatus => {
      const worker = this.worker(report.name);
      return {
        ...report,
        state: this.leader ? worker.state : 'follower',
        caughtUp: this.leader ? worker.caughtUp : report.head <= report.position,
        ...(worker.failure && {
          failure: { message: worker.failure.message, event: worker.failure.event },
        }),
      };
    });
    return { leader: this.leader, projections };
  }

  /** How far behind each projection is, for /metrics (read when scraped, on any instance). */
  lag(): Promise<ProjectionLagReport[]> {
    return projectionLag({
      store: this.options.eventStore,
      prisma: this.options.readModels.prisma,
      catalog: this.catalog,
      projections: this.projections,
      stoppedHere: (name) => (this.leader ? this.worker(name).state === 'failed' : undefined),
      now: Date.now,
    });
  }

  /**
   * For /readyz: not ready while (on the leader) a running projection is still catching up. Parked
   * events and a projection stopped by its rule are reported, not unready: they are the same on
   * every instance, so taking this one out of rotation would help nobody, and mutations go on.
   */
  async readiness(): Promise<Readiness> {
    const workers = [...this.workers.values()];
    const parked = workers.filter((w) => w.ledger.parked.size > 0);
    const stopped = workers.filter((w) => w.state === 'failed');
    const detail = {
      leader: this.leader,
      positions: Object.fromEntries(workers.map((w) => [w.projection.name, String(w.position)])),
      ...(parked.length > 0 && {
        parked: Object.fromEntries(parked.map((w) => [w.projection.name, w.ledger.parked.size])),
      }),
      ...(stopped.length > 0 && {
        stopped: Object.fromEntries(stopped.map((w) => [w.projection.name, w.failure?.message])),
      }),
    };
    const behind = workers.filter((w) => w.state === 'running' && !w.caughtUp).map((w) => w.projection.name);
    if (this.leader && behind.length > 0) {
      return { ok: false, reason: `projections catching up: ${behind.join(', ')}`, detail };
    }
    if (stopped.length > 0) {
      const names = stopped.map((w) => w.projection.name).join(', ');
      return { ok: true, degraded: `projections stopped: ${names}`, detail };
    }
    return { ok: true, detail };
  }

  private worker(name: string): ProjectionWorker {
    const worker = this.workers.get(name);
    if (!worker) throw new UnknownProjectionError(name);
    return worker;
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.leader) {
        await this.workersStopping;
        if (!(await this.lease.tryAcquire()) || this.stopped) return;
        this.leader = true;
        this.logger.info(
          { projections: this.projections.map((p) => p.name) },
          'projection leader: running projections',
        );
        for (const worker of this.workers.values()) worker.start();
        return;
      }
      await this.noticeRemoteRebuilds();
      await this.noticeOperatorDecisions();
    } catch (error) {
      this.logger.warn({ err: error }, 'projection lease check failed; retrying');
    }
  }

  /** An idle worker would not notice that a rebuild elsewhere reset its checkpoint to 0; look for it. */
  private async noticeRemoteRebuilds(): Promise<void> {
    const checkpoints = await readCheckpoints(this.options.readModels.prisma);
    for (const worker of this.workers.values()) {
      if (
        worker.state === 'running' &&
        worker.position > 0n &&
        checkpoints.get(worker.projection.name) === 0n
      ) {
        await worker.restart();
      }
    }
  }

  /** A projection stopped by its rule starts again once an operator retried or skipped (any process). */
  private async noticeOperatorDecisions(): Promise<void> {
    for (const worker of this.workers.values()) {
      if (worker.state === 'failed' && (await worker.operatorDecided())) {
        this.logger.info({ projection: worker.projection.name }, 'operator decision: restarting projection');
        worker.start();
      }
    }
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  private waitForProjections(
    projections: readonly Projection[],
    position: bigint,
    timeoutMs: number,
    skipStopped = false,
    written?: readonly string[],
  ) {
    const sources: WaitSources = {
      positions: async () =>
        this.leader
          ? new Map([...this.workers].map(([name, worker]) => [name, worker.position]))
          : readCheckpoints(this.options.readModels.prisma),
      // Only the leader runs workers, so only it knows of a failure.
      failureOf: (name) => (this.leader ? this.worker(name).failure : undefined),
      skips: (name) => skipStopped && this.leader && this.worker(name).state === 'failed',
      pendingBetween: (projection, checkpoint, position) =>
        this.pendingBetween(projection, checkpoint, position),
      // The leader is woken by its own commits; a follower polls the checkpoints table.
      pause: (ms) => (this.leader ? this.advanced.wait(ms) : sleep(Math.min(ms, this.pollMs))),
    };
    return waitForPosition(sources, projections, position, timeoutMs, written);
  }

  /** One event forwards from the checkpoint, with a deadline: a sparse filter cannot make it scan for long. */
  private async pendingBetween(
    projection: Projection,
    checkpoint: bigint,
    position: bigint,
  ): Promise<boolean | undefined> {
    try {
      const next = this.options.eventStore.readAll({
        after: checkpoint,
        filter: { eventTypes: projection.eventTypes },
        maxCount: 1,
        deadlineMs: PENDING_CHECK_DEADLINE_MS,
      });
      for await (const event of next) return event.position <= position;
      return false;
    } catch (error) {
      this.logger.warn(
        { projection: projection.name, err: error },
        'could not check pending events; waiting on',
      );
      return undefined;
    }
  }
}
