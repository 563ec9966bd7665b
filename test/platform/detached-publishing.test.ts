import { describe, expect, it } from 'vitest';
import { detachedPublishing } from '../../src/platform/detached-publishing.js';
import { createMemoryPlatform, type PubSub } from '../../src/platform/index.js';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const log = (level: string) => (fields: Record<string, unknown>, message: string) =>
    void lines.push({ level, message, fields });
  return { lines, logger: { warn: log('warn'), info: log('info') } as never };
}

/** A pubsub whose publishes hang until released, or fail, as a partitioned or down Redis would. */
function controllablePubSub(): PubSub & { mode: 'hang' | 'fail' | 'ok'; published: string[] } {
  const pubsub = createMemoryPlatform().pubsub;
  const state = {
    mode: 'ok' as 'hang' | 'fail' | 'ok',
    published: [] as string[],
    publish: async (topic: string, payload: unknown) => {
      if (state.mode === 'hang') return new Promise<void>(() => {});
      if (state.mode === 'fail') throw new Error('Redis PUBLISH failed: connection refused');
      state.published.push(topic);
      await pubsub.publish(topic, payload);
    },
    subscribe: pubsub.subscribe.bind(pubsub),
    close: pubsub.close.bind(pubsub),
  };
  return state;
}

describe('detached publishing', () => {
  it('never makes the publisher wait on a pubsub that hangs, and drops what is not answered in time', async () => {
    const { lines, logger } = recordingLogger();
    const backend = controllablePubSub();
    const live = detachedPublishing(backend, { logger, timeoutMs: 50 });
    backend.mode = 'hang';
    const started = performance.now();
    for (let i = 0; i < 100; i++) await live.publish('signals:acme', { i });
    expect(performance.now() - started).toBeLessThan(50);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // One line for the outage, not one per message.
    expect(lines.map((line) => line.level)).toEqual(['warn']);

    backend.mode = 'ok';
    await live.publish('signals:acme', { back: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(backend.published).toEqual(['signals:acme']);
    expect(lines.at(-1)).toMatchObject({ level: 'info', fields: { dropped: 100 } });
  });

  it('swallows failures: the caller (a projection after its commit) goes on', async () => {
    const { lines, logger } = recordingLogger();
    const backend = controllablePubSub();
    backend.mode = 'fail';
    const live = detachedPublishing(backend, { logger });
    await expect(live.publish('t', 1)).resolves.toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lines[0]).toMatchObject({ level: 'warn', fields: { topic: 't' } });
  });

  it('stops starting publishes beyond its limit of unanswered ones', async () => {
    const { logger } = recordingLogger();
    const backend = controllablePubSub();
    backend.mode = 'hang';
    let started = 0;
    const counting: PubSub = {
      ...backend,
      publish: (topic, payload) => {
        started++;
        return backend.publish(topic, payload);
      },
    };
    const live = detachedPublishing(counting, { logger, timeoutMs: 60_000, maxPending: 10 });
    for (let i = 0; i < 50; i++) await live.publish('t', i);
    expect(started).toBe(10);
  });

  it('delivers to subscribers as the pubsub does', async () => {
    const { logger } = recordingLogger();
    const pubsub = createMemoryPlatform().pubsub;
    const live = detachedPublishing(pubsub, { logger });
    const subscription = live.subscribe('t');
    await subscription.ready;
    await live.publish('t', { hello: 'world' });
    const iterator = subscription[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ hello: 'world' });
    await subscription.close();
  });
});
