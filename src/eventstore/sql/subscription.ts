import type { RecordedEvent } from '../envelope.js';
import type { EventFilter, SubscribeAllOptions, Subscription, SubscriptionMessage } from '../port.js';
import type { LogTail } from './log-tail.js';
import type { WakeSignal } from './wake-signal.js';

export interface LogReader {
  /** Newest position in the log, unfiltered. */
  head(): Promise<bigint>;
  /** Matching events with after < position <= upto, in order, at most `limit`. */
  page(after: bigint, upto: bigint, filter: EventFilter | undefined, limit: number): Promise<RecordedEvent[]>;
}

const PAGE_SIZE = 1000;
/** A sparse filter scans the log in windows of this many positions and checkpoints after each. */
const DEFAULT_SCAN_WINDOW = 10_000;
/** Polls even without a NOTIFY, in case one was missed (a listener connection that dropped). */
export const SAFETY_POLL_MS = 1000;

/**
 * Catch-up, then live. Positions become visible in increasing order (appends are serialized), so
 * reading `position > after` page by page can never skip an event that commits later.
 */
export function sqlSubscription(
  reader: LogReader,
  wake: WakeSignal,
  options: SubscribeAllOptions = {},
  /** The store's shared view of the newest positions: spares most head and page queries. */
  tail?: LogTail,
): Subscription {
  const abort = new AbortController();
  const filter = options.filter;
  const filtered = Boolean(filter?.eventTypes?.length || filter?.streamPrefixes?.length);
  const window = BigInt(Math.max(1, options.checkpointInterval ?? DEFAULT_SCAN_WINDOW));

  /**
   * The messages in pages: a page of events from the log is handed over as it was read, and the
   * iterator below gives its events out one by one without a turn of this generator each (an
   * async generator's yield cost several promise turns per event, more than the rest of the
   * hand-over).
   */
  async function* pages(): AsyncGenerator<readonly SubscriptionMessage[]> {
    let after = options.after ?? 0n;
    let caughtUp = false;
    while (!abort.signal.aborted) {
      const seen = wake.current;
      const view = tail ? await tail.view(after, seen, filter) : null;
      const head = view ? view.head : await reader.head();
      if (view && head > after && !view.matches) {
        // Nothing up to the head for this filter: move on without reading a page.
        after = head;
        yield [{ kind: 'checkpoint', position: after }];
        continue;
      }
      if (head > after) {
        const upto = filtered && head - after > window ? after + window : head;
        let events = await reader.page(after, upto, filter, PAGE_SIZE);
        while (events.length > 0) {
          // Fetch the next page while the consumer works through this one.
          const last = events[events.length - 1]!.position;
          const next = events.length === PAGE_SIZE ? reader.page(last, upto, filter, PAGE_SIZE) : null;
          // If the consumer closes mid-page, nobody awaits `next`; don't let its failure go unhandled.
          next?.catch(() => {});
          yield events.map((event): SubscriptionMessage => ({ kind: 'event', event }));
          after = last;
          events = next ? await next : [];
        }
        if (upto > after) {
          after = upto;
          if (filtered) yield [{ kind: 'checkpoint', position: after }];
        }
        continue;
      }
      if (!caughtUp) {
        caughtUp = true;
        yield [{ kind: 'caught_up', position: after }];
        continue;
      }
      await wake.wait(seen, SAFETY_POLL_MS, abort.signal);
    }
  }

  const source = pages();
  const done: IteratorReturnResult<undefined> = { value: undefined, done: true };
  let page: readonly SubscriptionMessage[] = [];
  let index = 0;
  /** The page being read; next() calls made meanwhile wait for it, in order. */
  let reading: Promise<IteratorResult<SubscriptionMessage>> | null = null;

  const iterator: AsyncIterator<SubscriptionMessage> = {
    next(): Promise<IteratorResult<SubscriptionMessage>> {
      if (abort.signal.aborted) return Promise.resolve(done);
      if (reading) return reading.then(() => iterator.next());
      if (index < page.length) return Promise.resolve({ value: page[index++]!, done: false });
      reading = source.next().then(
        (result) => {
          reading = null;
          if (result.done || abort.signal.aborted) return done;
          page = result.value;
          index = 0;
          return iterator.next();
        },
        (error: unknown) => {
          reading = null;
          throw error;
        },
      );
      return reading;
    },
    async return(): Promise<IteratorResult<SubscriptionMessage>> {
      abort.abort();
      page = [];
      await source.return(undefined);
      return done;
    },
  };
  return {
    [Symbol.asyncIterator]: () => iterator,
    async close() {
      await iterator.return?.();
    },
  };
}
