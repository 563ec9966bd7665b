import { setTimeout as sleep } from 'node:timers/promises';
import type { EventCatalog } from '../../events/catalog.js';
import { ProjectionRetryRequested } from '../../events/projection.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { EventStore, Subscription } from '../../eventstore/port.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { ReadModelLogger } from '../../readmodels/logger.js';
import { CheckpointMovedError, describeEvent, ProjectionFailedError } from '../errors.js';
import type { Projection } from '../projection.js';
import { inBatchSpan } from './batch-span.js';
import { batches } from './batches.js';
import { ensureCheckpoint } from './checkpoints.js';
import { ApplyError, commitBatch } from './commit-batch.js';
import { isRetryRequestFor, locate, ProjectionLedger } from './ledger.js';
import { decodeForProjection, reapplyParked } from './reapply.js';
import { WorkerDecisions } from './worker-decisions.js';

/** How an event that keeps failing is retried before the projection's rule (park or stop) applies. */
export interface PoisonPolicy {
  /** Attempts after the first. */
  retries: number;
  /** Pause before the first retry, doubled before each next one up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

/** About 0.7 s in all: the projection holds up every tenant while it retries (an outage is waited out apart). */
export const DEFAULT_POISON_POLICY: PoisonPolicy = { retries: 3, backoffMs: 100, maxBackoffMs: 2_000 };

export interface WorkerContext {
  store: EventStore;
  prisma: PrismaClient;
  catalog: EventCatalog;
  logger: ReadModelLogger;
  batchSize: number;
  checkpointInterval: number;
  poison: PoisonPolicy;
  now(): Date;
  /** Throws when the read-model database does not answer. */
  ping(): Promise<void>;
  /** Called after every commit, with the projection's new checkpoint. */
  onAdvance(name: string, position: bigint): void;
}

/** 'failed': stopped by its own rule at an event it cannot apply, until a retry or a skip. */
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
 * resubscribes from the committed checkpoint after a backoff. An event the projection cannot apply
 * is retried with backoff (PoisonPolicy), then parked (the projection goes on without it) or, when
 * the projection's rule says `stop`, stops this projection alone until an operator decides.
 * Every such decision is an event in `projection-_global.<name>` (see ProjectionLedger).
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
  /** The decisions about this projection, as of its checkpoint. */
  ledger: ProjectionLedger;
  private readonly decisions: WorkerDecisions;
  private readonly handled: ReadonlySet<string>;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private halt = new AbortController();
  /** Committed something since the last retry: the next failure starts the backoff afresh. */
  private progressed = false;

  constructor(
    readonly projection: Projection,
    private readonly context: WorkerContext,
  ) {
    this.handled = new Set(projection.eventTypes);
    this.ledger = new ProjectionLedger(projection.name);
    this.decisions = new WorkerDecisions(context, projection.name, () => this.ledger);
  }

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

  /** For a stopped projection: true when an operator retried or skipped since it stopped. */
  async operatorDecided(): Promise<boolean> {
    const decisions = await this.ledger.catchUp(this.context.store, this.context.catalog);
    return decisions.some(
      (decision) =>
        decision.type === 'ProjectionRetryRequested' || decision.type === 'ProjectionEventSkipped',
    );
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
        this.ledger = await ProjectionLedger.read(
          this.context.store,
          this.context.catalog,
          this.projection.name,
          this.position,
        );
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
            `${error.message}. The projection is stopped (its rule); other projections go on. ` +
              'Fix the cause, then: npm run projections -- retry (or skip)',
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
      // Retry requests are part of the input: parked events are re-applied where the request stands.
      filter: { eventTypes: [...new Set([...this.projection.eventTypes, ProjectionRetryRequested.type])] },
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

  /** Cuts the batch at this projection's retry requests and leaves out what the ledger passes over. */
  private async commit(recorded: readonly RecordedEvent[], upto: bigint): Promise<void> {
    let part: RecordedEvent[] = [];
    for (const event of recorded) {
      if (isRetryRequestFor(this.projection.name, event)) {
        if (part.length > 0) await this.applyPart(part, part.at(-1)!.position);
        part = [];
        await this.retryParked(event);
        continue;
      }
      if (!this.handled.has(event.type) || this.ledger.passesOver(event.position)) continue;
      part.push(event);
    }
    await this.applyPart(part, upto);
  }

  private async applyPart(recorded: readonly RecordedEvent[], upto: bigint): Promise<void> {
    if (recorded.length === 0) {
      if (upto <= this.position) return;
      if (Date.now() - this.storedAt < CHECKPOINT_ONLY_WRITE_MS) {
        this.position = upto;
        this.context.onAdvance(this.projection.name, upto);
        return;
      }
      await this.commitOne([], upto);
      return;
    }
    try {
      const events = recorded.map((event) => decodeForProjection(this.context.catalog, event));
      await this.commitOne(events, upto);
      return;
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
    }
    // One event spoiled the batch: apply them one at a time, so everything but the culprit commits.
    for (const [index, event] of recorded.entries()) {
      await this.applyOne(event, index === recorded.length - 1 ? upto : event.position);
    }
  }

  private async applyOne(event: RecordedEvent, upto: bigint): Promise<void> {
    const { poison, logger } = this.context;
    let backoffMs = poison.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commitOne([decodeForProjection(this.context.catalog, event)], upto);
        return;
      } catch (error) {
        if (!(error instanceof ApplyError)) throw error;
        // With the database down it is no event's fault: ping throws and the run loop waits.
        await this.context.ping();
        if (attempt > poison.retries) return this.giveUp(event, upto, error.cause, attempt);
        logger.warn(
          { projection: this.projection.name, event: describeEvent(event), err: error.cause, attempt },
          'could not apply an event; retrying',
        );
        await sleep(backoffMs, undefined, { signal: this.halt.signal }).catch(() => {});
        if (this.stopping) throw new Error('projection stopping');
        backoffMs = Math.min(backoffMs * 2, poison.maxBackoffMs);
      }
    }
  }

  /** The event still fails after its retries: park it and go on, or stop here (the projection's rule). */
  private async giveUp(event: RecordedEvent, upto: bigint, cause: unknown, attempts: number): Promise<void> {
    const name = this.projection.name;
    if (this.projection.onPoison === 'stop') {
      await this.decisions.stopped(locate(event), cause, attempts);
      throw new ProjectionFailedError(name, describeEvent(event), cause);
    }
    // The decision first: a crash before the checkpoint moves finds it and passes over the event.
    await this.decisions.parked(locate(event), cause, attempts, null);
    this.context.logger.error(
      { projection: name, event: describeEvent(event), err: cause, attempts },
      'parked an event the projection cannot apply; going on without it (npm run projections -- status)',
    );
    await this.commitOne([], upto);
  }

  /** A retry request for this projection: its parked events are applied again, here in the log. */
  private async retryParked(request: RecordedEvent): Promise<void> {
    if (request.revision > this.ledger.revision) this.ledger.revision = request.revision;
    for (const entry of this.ledger.parkedBefore(request.position)) {
      const context = { ...this.context, projection: this.projection };
      const outcome = await reapplyParked(context, entry, this.stored);
      if (outcome.ok) {
        await this.decisions.recovered(entry.event, request.position);
        await this.afterCommit([outcome.event]);
        continue;
      }
      await this.context.ping();
      await this.decisions.parked(entry.event, outcome.cause, entry.attempts + 1, request.position);
    }
    await this.commitOne([], request.position);
  }

  private commitOne(events: readonly RecordedEvent[], upto: bigint): Promise<void> {
    return inBatchSpan(this.projection.name, events, this.stored, upto, () =>
      this.commitTraced(events, upto),
    );
  }

  private async commitTraced(events: readonly RecordedEvent[], upto: bigint): Promise<void> {
    await commitBatch(this.context.prisma, this.projection, events, this.stored, upto);
    this.position = upto;
    this.stored = upto;
    this.storedAt = Date.now();
    this.progressed = true;
    this.context.onAdvance(this.projection.name, upto);
    const retrying = this.ledger.retrying;
    // The event this projection had stopped at applied after the retry: say so in the log.
    if (retrying && events.some((event) => event.position === retrying.event.position))
      await this.decisions.recovered(retrying.event, retrying.retryPosition);
    await this.afterCommit(events);
  }

  private async afterCommit(events: readonly RecordedEvent[]): Promise<void> {
    if (!this.projection.afterCommit || events.length === 0) return;
    await this.projection.afterCommit(events).catch((error: unknown) => {
      this.context.logger.warn({ projection: this.projection.name, err: error }, 'afterCommit failed');
    });
  }
}
