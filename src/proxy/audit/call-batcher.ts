import type { Event } from '../../eventstore/envelope.js';
import { StreamDeletedError } from '../../eventstore/errors.js';
import type { Logger } from '../../platform/logger.js';
import { CallAuditBacklogFullError } from './errors.js';

export interface CallBatcherOptions {
  /** Appends events to one stream, in order ('any': calls never conflict). */
  append(stream: string, events: readonly Event[]): Promise<unknown>;
  logger: Logger;
  /** Records queued or reserved at most (default 1,000): beyond it, callers are refused. */
  maxPending?: number;
  /** Events per append, and the queue size that starts a flush at once (default 100). */
  maxBatch?: number;
  /** A queued record waits at most this long before its flush starts (default 100 ms). */
  flushIntervalMs?: number;
}

/**
 * A place in the queue, held from before a read is sent to the provider until its record is
 * queued: the refusal (503) must come while the caller can still be answered, not after the
 * response streamed. Release it when the call is abandoned; after `enqueue` it is a no-op.
 */
export interface CallAuditSlot {
  release(): void;
}

type HeldSlot = CallAuditSlot & { take(): boolean };

class Slot implements CallAuditSlot {
  private held = true;
  constructor(readonly owner: { returnSlot(): void }) {}
  /** True the first time only: the place is handed over once. */
  take(): boolean {
    if (!this.held) return false;
    this.held = false;
    return true;
  }
  release(): void {
    if (this.take()) this.owner.returnSlot();
  }
}

/**
 * Bounded, per-stream batching of read-call records. A record counts against the bound from its
 * reservation until its append succeeded, so a slow or absent event store fills the queue and
 * refuses new calls instead of dropping records; a failed append is retried (the events keep their
 * ids, so a retry of an append that did land writes nothing twice).
 */
export class CallBatcher {
  private readonly queues = new Map<string, Event[]>();
  private readonly maxPending: number;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private queued = 0;
  private reserved = 0;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Failed drains in a row: retries back off from the flush interval up to 5 s. */
  private failures = 0;

  constructor(private readonly options: CallBatcherOptions) {
    this.maxPending = options.maxPending ?? 1_000;
    this.maxBatch = options.maxBatch ?? 100;
    this.flushIntervalMs = options.flushIntervalMs ?? 100;
  }

  /** Records queued, reserved or being appended. */
  get pending(): number {
    return this.queued + this.reserved;
  }

  /** Throws CallAuditBacklogFullError when the queue has no room. */
  reserve(): HeldSlot {
    if (this.pending >= this.maxPending) {
      throw new CallAuditBacklogFullError({ pending: this.pending, maxPending: this.maxPending });
    }
    this.reserved++;
    return new Slot(this);
  }

  /** The place `slot` holds when it is one of this batcher's, else a new one (which may throw). */
  claim(slot: CallAuditSlot | undefined): HeldSlot {
    return slot instanceof Slot && slot.owner === this ? slot : this.reserve();
  }

  returnSlot(): void {
    this.reserved--;
  }

  /** Queues an event in the place `slot` held (reserve's). */
  enqueue(stream: string, event: Event, slot: { take(): boolean }): void {
    if (!slot.take()) throw new Error('A call audit slot is used once');
    this.reserved--;
    this.queued++;
    const queue = this.queues.get(stream);
    if (queue) queue.push(event);
    else this.queues.set(stream, [event]);
    // A call that began before close() still gets its record appended, without waiting for a timer.
    if (this.queued >= this.maxBatch || this.closed) void this.flush();
    else this.schedule(this.flushIntervalMs);
  }

  /** Appends everything queued; resolves when the queue is empty or an append failed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing ??= this.drain().finally(() => {
      this.flushing = null;
      if (this.queued > 0 && !this.closed) {
        this.schedule(Math.min(this.flushIntervalMs * 2 ** this.failures, 5_000));
      }
    });
    return this.flushing;
  }

  /**
   * Stops the timer and appends what is queued, retrying until `deadlineMs` passes; what is still
   * queued then is reported as lost (the event store stayed down through the shutdown).
   */
  async close(deadlineMs = 10_000): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      await this.flush();
      if (this.queued === 0) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.flushIntervalMs, 500)));
    }
    this.options.logger.error(
      { lost: this.queued, streams: this.queues.size },
      'provider call records could not be appended before shutdown',
    );
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
    // Pending records never keep a process alive on their own: close() flushes them.
    this.timer.unref();
  }

  /** Round after round over the streams, each append at most maxBatch events, until none is left. */
  private async drain(): Promise<void> {
    while (this.queued > 0) {
      for (const [stream, queue] of [...this.queues]) {
        const batch = queue.slice(0, this.maxBatch);
        try {
          await this.options.append(stream, batch);
        } catch (error) {
          if (!(error instanceof StreamDeletedError)) {
            this.failures++;
            this.options.logger.warn(
              { err: error, stream },
              'provider call records not appended yet; retrying',
            );
            return;
          }
          // The tenant was deleted: its streams are tombstoned and every record of it is shredded.
          this.options.logger.warn(
            { stream, records: batch.length },
            'provider call records of a deleted tenant dropped',
          );
        }
        this.failures = 0;
        queue.splice(0, batch.length);
        this.queued -= batch.length;
        if (queue.length === 0) this.queues.delete(stream);
      }
    }
  }
}
