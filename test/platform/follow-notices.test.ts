import { describe, expect, it, vi } from 'vitest';
import { followChangeNotices, idsIn } from '../../src/platform/follow-notices.js';
import { MemoryPubSub } from '../../src/platform/memory/pubsub-memory.js';
import type { TopicSubscription } from '../../src/platform/pubsub.js';

const recordingCache = () => {
  const calls: string[] = [];
  return {
    calls,
    forget: (ids: readonly string[]) => calls.push(`forget ${ids.join(',')}`),
    forgetAll: () => calls.push('forgetAll'),
  };
};

describe('following change notices', () => {
  it('forgets everything when it starts, then the ids each notice names, and everything for a notice without ids', async () => {
    const pubsub = new MemoryPubSub();
    const cache = recordingCache();
    const following = followChangeNotices(() => pubsub.subscribe('changes'), cache, idsIn('ids'));
    await vi.waitFor(() => expect(cache.calls).toEqual(['forgetAll']));
    await pubsub.publish('changes', { ids: ['a', 'b', 7] });
    await pubsub.publish('changes', { unexpected: true });
    await vi.waitFor(() => expect(cache.calls).toEqual(['forgetAll', 'forget a,b', 'forgetAll']));
    await pubsub.close();
    await following;
  });

  it('subscribes again after a failure, entries living out their TTL meanwhile, and forgets everything when it is back', async () => {
    vi.useFakeTimers();
    try {
      const pubsub = new MemoryPubSub();
      const cache = recordingCache();
      const errors: unknown[] = [];
      let attempts = 0;
      const subscribe = (): TopicSubscription => {
        attempts++;
        if (attempts === 1) {
          return {
            ready: Promise.reject(new Error('bus down')),
            dropped: 0,
            close: async () => {},
            [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
          } as unknown as TopicSubscription;
        }
        return pubsub.subscribe('changes');
      };
      const following = followChangeNotices(subscribe, cache, idsIn('ids'), {
        onError: (error) => errors.push(error),
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(errors).toHaveLength(1);
      expect(cache.calls).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(attempts).toBe(2);
      expect(cache.calls).toEqual(['forgetAll']);
      await pubsub.close();
      await following;
    } finally {
      vi.useRealTimers();
    }
  });
});
