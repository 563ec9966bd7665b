import { describe, expect, it } from 'vitest';
import { MemoryPubSub } from '../../src/platform/memory/pubsub-memory.js';
import { replayThenLive } from '../../src/resolvers/resume.js';

interface Item {
  position: bigint;
  kind: string;
}

/**
 * A log the backlog reads and a publisher that publishes what is appended, as the projections do
 * after they commit. `onRead` runs while the backlog is being read: the switch from replay to live.
 */
function world(pubsub: MemoryPubSub, onRead: (log: Item[]) => Promise<void> = async () => {}) {
  const log: Item[] = [];
  const append = async (kind = 'a') => {
    const item = { position: BigInt(log.length + 1), kind };
    log.push(item);
    await pubsub.publish('topic', item);
  };
  const feed = {
    topic: 'topic',
    positionOf: (item: Item) => item.position,
    accepts: (item: Item) => item.kind === 'a',
    async *backlog(after: bigint) {
      const visible = log.filter((item) => item.position > after && item.kind === 'a');
      await onRead(log);
      yield* visible;
    },
  };
  return { log, append, feed };
}

async function take(iterator: AsyncGenerator<Item>, count: number): Promise<bigint[]> {
  const positions: bigint[] = [];
  while (positions.length < count) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${positions}`)), 2_000)),
    ]);
    if (next.done) break;
    positions.push(next.value.position);
  }
  return positions;
}

describe('replayThenLive', () => {
  it('replays after the cursor, then goes live, with what was appended during the backlog read once', async () => {
    const pubsub = new MemoryPubSub();
    const { log, append, feed } = world(pubsub);
    for (let i = 0; i < 5; i++) await append();
    // The switch: 6 is appended (and published) before the read, so the read returns it and it also
    // arrives live; 7 is appended after the read, so it arrives only live.
    const backlog = async function* (after: bigint) {
      await append();
      const read = log.filter((item) => item.position > after);
      await append();
      yield* read;
    };
    const iterator = replayThenLive(pubsub, { ...feed, backlog }, 2n);
    const positions = await take(iterator, 5);
    await append();
    positions.push(...(await take(iterator, 1)));
    expect(positions).toEqual([3n, 4n, 5n, 6n, 7n, 8n]);
    await iterator.return(undefined);
  });

  it('skips live items the subscriber did not ask for', async () => {
    const pubsub = new MemoryPubSub();
    const { append, feed } = world(pubsub);
    await append();
    await append();
    const iterator = replayThenLive(pubsub, feed, 1n);
    expect(await take(iterator, 1)).toEqual([2n]);
    await append('b');
    await append();
    expect(await take(iterator, 1)).toEqual([4n]);
    await iterator.return(undefined);
  });

  it('reads the backlog again when the live buffer overflowed during a long replay', async () => {
    const pubsub = new MemoryPubSub({ bufferSize: 2 });
    let during = true;
    const { append, feed } = world(pubsub, async () => {
      if (!during) return;
      during = false;
      // Five items while the replay runs: the 2-message buffer keeps only the last two.
      for (let i = 0; i < 5; i++) await append();
    });
    await append();
    const iterator = replayThenLive(pubsub, feed, 0n);
    expect(await take(iterator, 6)).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    await iterator.return(undefined);
  });
});
