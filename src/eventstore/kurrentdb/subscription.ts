/**
 * subscribeAll over the client's catch-up subscription.
 *
 * The client delivers events through its readable side but reports checkpoints (callback) and
 * "caughtUp" (event emitter) synchronously as their messages arrive, while earlier events may still
 * sit in the readable buffer. To keep the server's order, a marker remembers how many events were
 * buffered ahead of it (`readableLength`) and is released once that many have been read. Events are
 * read only when the consumer asks, so a slow consumer applies backpressure to the server.
 *
 * Resuming: `after` is exclusive. The server's subscription start is exclusive too, but events at or
 * before `after` are skipped here as well, so the contract never rests on a server detail. The same
 * skip makes a resubscription after a dropped connection (resubscribe) free of repeats.
 */
import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
  NotLeaderError,
  START,
  UnavailableError,
} from '@kurrent/kurrentdb-client';
import type { SubscribeAllOptions, Subscription, SubscriptionMessage } from '../port.js';
import { checkpointSettings, trustedPosition } from './checkpoints.js';
import { positionOf, readPosition, toRecordedEvent } from './convert.js';
import { translateError } from './errors.js';
import { type CompiledFilter, compileFilter } from './filter.js';

/**
 * Resubscription after a drop: 100 ms, doubled each time up to 5 s. The 7th drop in a row (about
 * 6 s of trying without an event in between) is thrown, so the consumer sees an outage; a drop
 * after a quiet minute starts the count again.
 */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
const MAX_DROPS = 6;
const QUIET_RESET_MS = 60_000;

/** Errors that end a subscription without saying anything about it: the node or the leader went away. */
function isDrop(error: unknown): boolean {
  return error instanceof UnavailableError || error instanceof NotLeaderError;
}

/** Stands for the subscription being replaced: reads nothing, and unsubscribing it does nothing. */
const PLACEHOLDER = {
  read: () => null,
  readableLength: 0,
  unsubscribe: async () => undefined,
} as unknown as AllStreamSubscription;

type Marker = { kind: 'checkpoint'; position: bigint } | { kind: 'caught_up'; position: bigint | undefined };
type Entry = { kind: 'resolved'; resolved: AllStreamResolvedEvent } | Marker;

export class KurrentSubscription implements Subscription {
  private source: AllStreamSubscription;
  private readonly filter: CompiledFilter;
  private readonly after: bigint | undefined;
  private readonly ready: Entry[] = [];
  private pending: { ahead: number; marker: Marker }[] = [];
  private lastEvent: bigint | undefined;
  private lastCheckpoint: bigint | undefined;
  private caughtUpSent = false;
  private ended = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Consecutive drops without an event in between; the backoff grows with it. */
  private drops = 0;
  private lastDropAt = 0;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KurrentDBClient,
    private readonly options: SubscribeAllOptions = {},
  ) {
    this.after = options.after;
    this.filter = compileFilter(options.filter);
    this.source = this.open(options.after);
  }

  /** A server subscription starting after `after`; its callbacks are ignored once it is replaced. */
  private open(after: bigint | undefined): AllStreamSubscription {
    const { maxSearchWindow, multiplier } = checkpointSettings(this.options.checkpointInterval);
    const current = () => this.source === source;
    const source = this.client.subscribeToAll({
      fromPosition: after === undefined ? START : readPosition(after),
      filter: {
        ...this.filter.server,
        maxSearchWindow,
        // The client's `checkpointInterval` is the server's multiplier of the search window.
        checkpointInterval: multiplier,
        checkpointReached: (_subscription, position) => {
          const at = trustedPosition(position);
          if (at !== undefined && current()) this.mark({ kind: 'checkpoint', position: at });
        },
      },
    });
    source.on('caughtUp', (info) => {
      if (current()) this.mark({ kind: 'caught_up', position: trustedPosition(info.position) });
    });
    source.on('readable', () => this.signal());
    source.on('end', () => current() && this.finish());
    source.on('close', () => current() && this.finish());
    source.on('error', (error) => {
      if (!current()) return;
      if (this.closing !== undefined || !isDrop(error) || !this.resubscribe()) {
        this.failure ??= translateError(error);
      }
      this.signal();
    });
    return source;
  }

  /**
   * The server dropped us (node lost, leader changed): subscribe again after a backoff, from the
   * last position the consumer was given. What the old subscription had buffered is lost with it,
   * and what is still queued here comes again from the server: `accept` drops those repeats, so
   * the consumer sees no gap and no duplicate. False when it has tried long enough.
   */
  private resubscribe(): boolean {
    const dropped = this.source;
    if (Date.now() - this.lastDropAt > QUIET_RESET_MS) this.drops = 0;
    this.lastDropAt = Date.now();
    if (this.drops >= MAX_DROPS) return false;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.drops, MAX_RETRY_MS);
    this.drops += 1;
    // Markers counted events in the dropped buffer; the new subscription sends its own.
    this.pending = [];
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.closing !== undefined) return;
      this.source = this.open(maxOf([this.lastEvent, this.lastCheckpoint, this.after]));
      this.signal();
    }, delay);
    // Until then the dropped source is still `this.source`, but `current()` is false for it.
    this.source = PLACEHOLDER;
    void dropped.unsubscribe().catch(() => undefined);
    return true;
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  close(): Promise<void> {
    clearTimeout(this.retry);
    this.closing ??= this.source.unsubscribe().catch(() => undefined);
    this.signal();
    return this.closing;
  }

  private async next(): Promise<IteratorResult<SubscriptionMessage>> {
    while (this.closing === undefined) {
      const entry = this.ready.shift();
      if (entry) {
        const message = this.accept(entry);
        if (message) return { done: false, value: message };
        continue;
      }
      const resolved: AllStreamResolvedEvent | null = this.source.read();
      if (resolved !== null) {
        this.drops = 0;
        this.ready.push({ kind: 'resolved', resolved });
        this.releaseMarkers();
        continue;
      }
      if (this.failure) {
        const failure = this.failure;
        void this.close();
        throw failure;
      }
      if (this.ended) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return { done: true, value: undefined };
  }

  private mark(marker: Marker): void {
    this.pending.push({ ahead: this.source.readableLength, marker });
    this.flushMarkers();
    this.signal();
  }

  /** One more event has left the readable buffer: markers that were waiting for it follow it. */
  private releaseMarkers(): void {
    for (const entry of this.pending) entry.ahead -= 1;
    this.flushMarkers();
  }

  private flushMarkers(): void {
    while (this.pending[0] && this.pending[0].ahead <= 0) {
      const released = this.pending.shift();
      if (released) this.ready.push(released.marker);
    }
  }

  /** Turns an entry into what the port promises: no system events, no duplicates, monotonic checkpoints. */
  private accept(entry: Entry): SubscriptionMessage | undefined {
    const floor = this.lastEvent ?? this.after;
    if (entry.kind === 'resolved') {
      const event = entry.resolved.event;
      if (!event) return undefined;
      const position = positionOf(event.position);
      if (floor !== undefined && position <= floor) return undefined;
      if (!this.filter.accepts(event.streamId, event.type)) return undefined;
      const recorded = toRecordedEvent(entry.resolved);
      if (!recorded) return undefined;
      this.lastEvent = position;
      return { kind: 'event', event: recorded };
    }
    if (entry.kind === 'checkpoint') {
      // A checkpoint at or below what was already said (an event or a checkpoint) adds nothing.
      const previous = maxOf([this.lastCheckpoint, floor]);
      if (previous !== undefined && entry.position <= previous) return undefined;
      this.lastCheckpoint = entry.position;
      return entry;
    }
    if (this.caughtUpSent) return undefined;
    this.caughtUpSent = true;
    const position = maxOf([entry.position, this.lastCheckpoint, this.lastEvent, this.after]) ?? 0n;
    return { kind: 'caught_up', position };
  }

  private finish(): void {
    this.ended = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function maxOf(values: (bigint | undefined)[]): bigint | undefined {
  let max: bigint | undefined;
  for (const value of values) if (value !== undefined && (max === undefined || value > max)) max = value;
  return max;
}
