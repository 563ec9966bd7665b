import { BadUserInputError, DependencyError } from '../../shared/errors.js';
import { isUuid } from '../../shared/uuid.js';
import type { Event } from '../envelope.js';
import type { AppendResult, ExpectedRevision } from '../port.js';
import { type AppendOutcome, type AppendRequest, appendBatch, type SerializedEvent } from './append-batch.js';
import type { SqlClient } from './client.js';
import type { RecentAppends } from './recent-appends.js';

/** Appends waiting before a second batch goes while one is in flight (see AppendQueue). */
const SECOND_BATCH_MIN = 16;

interface Pending extends AppendRequest {
  settle: (outcome: AppendOutcome) => void;
}

/**
 * Group commit: appends that arrive while a batch is being written wait and go together in the
 * next transaction. A lone writer pays nothing (its append starts at once); 64 concurrent writers
 * share one lock acquisition and one commit per batch instead of queueing on the lock one by one.
 *
 * On PostgreSQL a second batch may be in flight once enough appends wait: it is already waiting
 * for the append lock in the database when the first commits, so it goes on without a round trip
 * through this process's event loop (which, under load, is busy with everything else). The lock
 * still orders them: positions are assigned and committed one batch after the other. With few
 * writers it waits instead: each batch holds the lock through its commit's flush, so splitting 8
 * writers into two batches of one and seven meant two flushes one after the other where one would
 * do (at 8 writers that was half the appends of one batch in flight).
 */
export class AppendQueue {
  private pending: Pending[] = [];
  private inFlight = 0;
  private readonly concurrency: number;

  constructor(
    private readonly db: SqlClient,
    private readonly onCommitted: (position: bigint) => void,
    private readonly recent: RecentAppends,
    private readonly maxEventsPerBatch = 2000,
  ) {
    // PGlite has a single connection: a second transaction would only queue behind the first.
    this.concurrency = db.kind === 'postgres' ? 2 : 1;
  }

  append(stream: string, events: readonly Event[], expected: ExpectedRevision): Promise<AppendResult> {
    let serialized: SerializedEvent[];
    try {
      serialized = events.map(serialize);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({
        stream,
        events: serialized,
        expected,
        settle: (outcome) => (outcome.ok ? resolve(outcome.result) : reject(outcome.error)),
      });
      this.pump();
    });
  }

  private takeBatch(): Pending[] {
    let events = 0;
    let count = 0;
    while (count < this.pending.length) {
      events += this.pending[count]!.events.length;
      count++;
      if (events >= this.maxEventsPerBatch) break;
    }
    return this.pending.splice(0, count);
  }

  private pump(): void {
    while (
      this.pending.length > 0 &&
      (this.inFlight === 0 || (this.inFlight < this.concurrency && this.pending.length >= SECOND_BATCH_MIN))
    ) {
      const batch = this.takeBatch();
      this.inFlight++;
      void this.write(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await appendBatch(this.db, batch, this.db.kind === 'postgres');
      let head = -1n;
      outcomes.forEach((outcome, index) => {
        const request = batch[index]!;
        if (outcome.ok && outcome.result.position > head) head = outcome.result.position;
        if (outcome.ok && outcome.recordedAt && request.events.length > 0)
          this.recent.keep(request.stream, request.events, outcome.result, outcome.recordedAt);
        request.settle(outcome);
      });
      if (head >= 0n) this.onCommitted(head);
    } catch (error) {
      for (const request of batch) request.settle({ ok: false, error: error as Error });
      // The database did not answer: appends queued behind this batch would wait as long again
      // only to fail the same way, and their callers have deadlines (a request within 5 s).
      if (error instanceof DependencyError)
        for (const request of this.pending.splice(0)) request.settle({ ok: false, error });
    }
  }
}

function serialize(event: Event): SerializedEvent {
  if (!isUuid(event.id)) throw new BadUserInputError(`Event id must be a UUID: ${JSON.stringify(event.id)}`);
  try {
    return {
      id: event.id,
      type: event.type,
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata),
    };
  } catch (error) {
    throw new BadUserInputError(`Event ${event.type} ${event.id} is not serializable as JSON`, {
      reason: (error as Error).message,
    });
  }
}
