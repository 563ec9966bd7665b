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
 * before `after` are skipped here as well, so the contract never rests on a server detail.
 */
import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type KurrentDBClient,
  START,
} from '@kurrent/kurrentdb-client';
import type { SubscribeAllOptions, Subscription, SubscriptionMessage } from '../port.js';
import { positionOf, readPosition, toRecordedEvent, UNKNOWN_POSITION } from './convert.js';
import { translateError } from './errors.js';
import { type CompiledFilter, compileFilter } from './filter.js';

/** The server's default search window; also its page size while catching up. */
const DEFAULT_WINDOW = 32;
const MAX_WINDOW = 256;

type Marker = { kind: 'checkpoint'; position: bigint } | { kind: 'caught_up'; position: bigint | undefined };
type Entry = { kind: 'resolved'; resolved: AllStreamResolvedEvent } | Marker;

/** The server checkpoints every `window x multiplier` scanned events; stay at or under the asked interval. */
export function checkpointSettings(interval: number | undefined): {
  maxSearchWindow: number;
  multiplier: number;
} {
  if (interval === undefined || interval < 1) return { maxSearchWindow: DEFAULT_WINDOW, multiplier: 1 };
  const maxSearchWindow = Math.min(Math.floor(interval), MAX_WINDOW);
  return { maxSearchWindow, multiplier: Math.max(1, Math.floor(interval / maxSearchWindow)) };
}

export class KurrentSubscription implements Subscription {
  private readonly source: AllStreamSubscription;
  private readonly filter: CompiledFilter;
  private readonly after: bigint | undefined;
  private readonly ready: Entry[] = [];
  private readonly pending: { ahead: number; marker: Marker }[] = [];
  private lastEvent: bigint | undefined;
  private lastCheckpoint: bigint | undefined;
  private caughtUpSent = false;
  private ended = false;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(client: KurrentDBClient, options: SubscribeAllOptions = {}) {
    this.after = options.after;
    this.filter = compileFilter(options.filter);
    const { maxSearchWindow, multiplier } = checkpointSettings(options.checkpointInterval);
    this.source = client.subscribeToAll({
      fromPosition: options.after === undefined ? START : readPosition(options.after),
      filter: {
        ...this.filter.server,
        maxSearchWindow,
        // The client's `checkpointInterval` is the server's multiplier of the search window.
        checkpointInterval: multiplier,
        checkpointReached: (_subscription, position) => {
          const at = trustedPosition(position);
          if (at !== undefined) this.mark({ kind: 'checkpoint', position: at });
        },
      },
    });
    this.source.on('caughtUp', (info) =>
      this.mark({ kind: 'caught_up', position: trustedPosition(info.position) }),
    );
    this.source.on('readable', () => this.signal());
    this.source.on('end', () => this.finish());
    this.source.on('close', () => this.finish());
    this.source.on('error', (error) => {
      this.failure ??= translateError(error);
      this.signal();
    });
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

/**
 * A checkpoint is a resume point only when it is a record's position, as every event this store
 * writes has (commit = prepare). Refused: "no position" (u64::MAX, sent by 24.10.0-24.10.4 when a
 * filter matched nothing before going live) and a commit position with another prepare position
 * (25.0.0's end-of-log checkpoint with prepare 0: resuming from its commit alone misses the event
 * written there next). A refused checkpoint only delays progress: the next event or checkpoint says
 * as much. Servers that zero the prepare position of every checkpoint get no checkpoints at all.
 */
export function trustedPosition(
  position: { commit: bigint; prepare: bigint } | undefined,
): bigint | undefined {
  if (position === undefined) return undefined;
  const commit = positionOf(position);
  if (commit === UNKNOWN_POSITION || position.prepare !== position.commit) return undefined;
  return commit;
}

function maxOf(values: (bigint | undefined)[]): bigint | undefined {
  let max: bigint | undefined;
  for (const value of values) if (value !== undefined && (max === undefined || value > max)) max = value;
  return max;
}
