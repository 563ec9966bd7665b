import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { Subscription, SubscriptionMessage } from '../../eventstore/port.js';

export interface Batch {
  events: RecordedEvent[];
  /** Everything up to here that the filter matches is in this or an earlier batch. */
  upto: bigint;
  /** The subscription reported the end of catch-up within this batch. */
  caughtUp: boolean;
}

const IDLE = Symbol('idle');
const nextTurn = () => new Promise<typeof IDLE>((resolve) => setImmediate(() => resolve(IDLE)));

/**
 * Groups subscription messages into batches of at most `maxEvents`. A batch closes when it is full
 * or when the next message is not already at hand (it would need I/O), so catch-up reads whole pages
 * per transaction while a live event is applied at once instead of waiting for company.
 */
export async function* batches(subscription: Subscription, maxEvents: number): AsyncGenerator<Batch> {
  const iterator = subscription[Symbol.asyncIterator]();
  let pending = iterator.next();
  try {
    for (;;) {
      const first = await pending;
      if (first.done) return;
      pending = iterator.next();
      const batch: Batch = { events: [], upto: 0n, caughtUp: false };
      add(batch, first.value);
      while (batch.events.length < maxEvents) {
        const next = await Promise.race([pending, nextTurn()]);
        if (next === IDLE) break;
        if (next.done) {
          yield batch;
          return;
        }
        pending = iterator.next();
        add(batch, next.value);
      }
      yield batch;
    }
  } finally {
    // The consumer left (stop, error): the read-ahead may still settle; nobody will look at it.
    pending.catch(() => {});
  }
}

function add(batch: Batch, message: SubscriptionMessage): void {
  if (message.kind === 'event') {
    batch.events.push(message.event);
    batch.upto = message.event.position;
    return;
  }
  if (message.position > batch.upto) batch.upto = message.position;
  if (message.kind === 'caught_up') batch.caughtUp = true;
}
