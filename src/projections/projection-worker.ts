import { setTimeout as sleep } from 'node:timers/promises';
import type { EventCatalog } from '../events/catalog.js';
import type { RecordedEvent } from '../events/envelope.js';
import type { EventStore, Subscription } from '../eventstore/port.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { ReadModelLogger } from '../readmodels/logger.js';
import { batches } from './batches.js';
import { ensureCheckpoint } from './checkpoints.js';
import { ApplyError, commitBatch } from './commit-batch.js';
import { CheckpointMovedError, describeEvent, ProjectionFailedError } from './errors.js';
import type { Projection } from './projection.js';

export interface WorkerContext {
  store: EventStore;
  prisma: PrismaClient;
  catalog: EventCatalog;
  logger: ReadModelLogger;
  batchSize: number;
  checkpointInterval: number;
  /** Throws when the read-model database does not answer. */
  ping(): Promise<void>;
  /** Called after every commit, with the projection's new checkpoint. */
  onAdvance(name: string, position: bigint): void;
}

export type WorkerState = 'running' | 'failed' | 'stopped';

/**
 * A checkpoint-only advance (past events the projection does not handle) is written at most this
 * often. Between writes it lives in memory: the positions it skips hold nothing for this projection,
 * so a restart that resumes from the older checkpoint re-reads nothing it needs, and waitFor on
 * followers learns the same from the log's head for the projection's types. Writing it on every
 * wake cost every idle projection a transaction per append under webhook load.
 */
const CHECKPOINT_ONLY_WRITE_MS = 1_000;

/**
 * Runs one projection on the leader: one filtered subscription starting after the checkpoint,
 * batches committed with their checkpoint. A transient failure (database or store unreachable)
 * resubscribes from the committed checkpoint after a backoff; an event the projection cannot apply
 * stops it there, with the event named, until `start()` is called again (restart or rebuild).
 */
export class ProjectionWorker {
  state: WorkerState = 'stopped';
  /** Position up to which the read models reflect the log (ahead of the stored checkpoint only by positions this projection skips). */
  position = 0n;
  /** The checkpoint as stored: the next transaction's compare-and-set starts from it. */
  private stored = 0n;
  private storedAt = 0;
  caughtUp = false;
  failure: ProjectionFailedError | undefined;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private halt = new AbortController();
  /** Committed something since the last retry: the next failure starts the backoff afresh. */
  private progressed = false;

  constructor(
    readonly projection: Projection,
    private readonly context: WorkerContext,
  ) {}

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.halt = new AbortController();
    this.failure = undefined;
    this.caughtUp = false;
    // Unknown until the loop reads the checkpoint; 0 keeps waitFor from trusting a stale value (after a rebuild).
    this.position = 0n;
    this.state = 'running';
    this.loop = this.run().finally(() => {
      this.loop = undefined;
      if (this.state === 'running') this.state = 'stopped';
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.halt.abort();
    await this.subscription?.close();
    await this.loop;
    if (this.state === 'running') this.state = 'stopped';
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  private async run(): Promise<void> {
    const { logger } = this.context;
    let backoffMs = 250;
    const pause = async () => {
      if (this.progressed) backoffMs = 250;
      this.progressed = false;
      await sleep(backoffMs, undefined, { signal: this.halt.signal }).catch(() => {});
      backoffMs = Math.min(backoffMs * 2, 5_000);
    };
    while (!this.stopping) {
      try {
        this.position = await ensureCheckpoint(this.context.prisma, this.projection.name);
        this.stored = this.position;
        this.storedAt = Date.now();
        this.context.onAdvance(this.projection.name, this.position);
        await this.follow();
        if (this.stopping) return;
        // The subscription ended without being asked to (the store closed it): don't spin.
        logger.warn({ projection: this.projection.name }, 'subscription ended; resubscribing');
        await pause();
      } catch (error) {
        if (this.stopping) return;
        if (error instanceof CheckpointMovedError) {
          logger.info(
            { projection: this.projection.name },
            'checkpoint moved (rebuild or another runner); resuming',
          );
          continue;
        }
        if (error instanceof ProjectionFailedError) {
          this.failure = error;
          this.state = 'failed';
          logger.error(
            { projection: this.projection.name, event: error.event, err: error.cause },
            `${error.message}. The projection is stopped; fix the cause and restart or rebuild it.`,
          );
          return;
        }
        logger.warn({ projection: this.projection.name, err: error }, 'projection interrupted; retrying');
        await pause();
      }
    }
  }

  private async follow(): Promise<void> {
    const subscription = this.context.store.subscribeAll({
      after: this.position,
      filter: { eventTypes: this.projection.eventTypes },
      checkpointInterval: this.context.checkpointInterval,
    });
    this.subscription = subscription;
    try {
      if (this.stopping) return;
      for await (const batch of batches(subscription, this.context.batchSize)) {
        await this.commit(batch.events, batch.upto);
        if (batch.caughtUp) this.caughtUp = true;
      }
    } finally {
      this.subscription = undefined;
      await subscription.close();
    }
  }

  private async commit(recorded: readonly RecordedEvent[], upto: bigint): Promise<void> {
    if (recorded.length === 0) {
      if (upto <= this.position) return;
      if (Date.now() - this.storedAt < CHECKPOINT_ONLY_WRITE_MS) {
        this.position = upto;
        this.context.onAdvance(this.projection.name, upto);
        return;
      }
    }
    const events: RecordedEvent[] = [];
    for (const event of recorded) {
      try {
        events.push(this.context.catalog.decode(event));
      } catch (error) {
        // Keep what decodes before the bad event; stop at it.
        const last = events.at(-1);
        if (last) await this.commitOne(events, last.position);
        throw new ProjectionFailedError(this.projection.name, describeEvent(event), error);
      }
    }
    try {
      await this.commitOne(events, upto);
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
      await this.isolatePoison(events, upto, error);
    }
  }

  private async commitOne(events: readonly RecordedEvent[], upto: bigint): Promise<void> {
    await commitBatch(this.context.prisma, this.projection, events, this.stored, upto);
    this.position = upto;
    this.stored = upto;
    this.storedAt = Date.now();
    this.progressed = true;
    this.context.onAdvance(this.projection.name, upto);
    if (this.projection.afterCommit && events.length > 0) {
      await this.projection.afterCommit(events).catch((error: unknown) => {
        this.context.logger.warn({ projection: this.projection.name, err: error }, 'afterCommit failed');
      });
    }
  }

  /**
   * The batch failed inside the projection. If the database is down that is no event's fault
   * (the ping throws and the run loop retries). Otherwise apply event by event so everything
   * before the culprit commits and the culprit is named; it is never skipped.
   */
  private async isolatePoison(
    events: readonly RecordedEvent[],
    upto: bigint,
    failure: ApplyError,
  ): Promise<void> {
    await this.context.ping();
    if (events.length === 1)
      throw new ProjectionFailedError(this.projection.name, describeEvent(events[0]!), failure.cause);
    for (const [index, event] of events.entries()) {
      try {
        await this.commitOne([event], index === events.length - 1 ? upto : event.position);
      } catch (error) {
        if (!(error instanceof ApplyError)) throw error;
        await this.context.ping();
        throw new ProjectionFailedError(this.projection.name, describeEvent(event), error.cause);
      }
    }
  }
}
