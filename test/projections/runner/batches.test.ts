import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import type { Subscription, SubscriptionMessage } from '../../../src/eventstore/port.js';
import { type Batch, batches } from '../../../src/projections/runner/batches.js';

const event = (position: bigint): SubscriptionMessage => ({
  kind: 'event',
  event: { id: `e${position}`, type: 'Happened', position } as unknown as RecordedEvent,
});

/** A subscription that hands out its messages; a number in the list is a pause (ms) before the next one. */
function subscription(script: ReadonlyArray<SubscriptionMessage | number>): Subscription {
  return {
    async *[Symbol.asyncIterator]() {
      for (const step of script) {
        if (typeof step === 'number') await sleep(step);
        else yield step;
      }
    },
    close: async () => {},
  };
}

async function all(source: AsyncIterable<Batch>) {
  const out: Array<{ positions: bigint[]; upto: bigint; caughtUp: boolean }> = [];
  for await (const batch of source)
    out.push({ positions: batch.events.map((e) => e.position), upto: batch.upto, caughtUp: batch.caughtUp });
  return out;
}

describe('batches', () => {
  it('groups messages at hand into batches of at most maxEvents, keeping the last partial one', async () => {
    const script = [1n, 2n, 3n, 4n, 5n].map(event);
    expect(await all(batches(subscription(script), 2))).toEqual([
      { positions: [1n, 2n], upto: 2n, caughtUp: false },
      { positions: [3n, 4n], upto: 4n, caughtUp: false },
      { positions: [5n], upto: 5n, caughtUp: false },
    ]);
  });

  it('closes a batch when the next message is not at hand, so a live event is applied at once', async () => {
    const script = [event(1n), event(2n), 30, event(3n)];
    expect(await all(batches(subscription(script), 100))).toEqual([
      { positions: [1n, 2n], upto: 2n, caughtUp: false },
      { positions: [3n], upto: 3n, caughtUp: false },
    ]);
  });

  it('moves upto past checkpoints and notes the end of catch-up, in batches with or without events', async () => {
    const script: Array<SubscriptionMessage | number> = [
      event(1n),
      { kind: 'checkpoint', position: 40n },
      { kind: 'caught_up', position: 41n },
      30,
      { kind: 'checkpoint', position: 50n },
      // A checkpoint behind what the batch already covers does not move it back.
      { kind: 'checkpoint', position: 10n },
    ];
    expect(await all(batches(subscription(script), 100))).toEqual([
      { positions: [1n], upto: 41n, caughtUp: true },
      { positions: [], upto: 50n, caughtUp: false },
    ]);
  });

  it('ends when the subscription does, with nothing for an empty one', async () => {
    expect(await all(batches(subscription([]), 10))).toEqual([]);
  });
});
