import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryPubSub } from '../../src/platform/memory/pubsub-memory.js';
import { announceKeyChanges, followKeyNotices, KEY_NOTICES_TOPIC } from '../../src/vault/key-notices.js';

function recordingVault() {
  const calls: string[] = [];
  return {
    calls,
    forgetTenant: (tenantId: string) => void calls.push(`tenant:${tenantId}`),
    forgetAll: () => void calls.push('all'),
  };
}

describe('vault key change notices', () => {
  it("drops each announced tenant's keys, and everything after a gap in the notices", async () => {
    const pubsub = new MemoryPubSub();
    const vault = recordingVault();
    const notices = pubsub.subscribe(KEY_NOTICES_TOPIC, { bufferSize: 2 });
    await notices.ready;
    const announce = announceKeyChanges(pubsub, createLogger({ level: 'silent' }));
    // Three notices into a buffer of two before the follower reads: the oldest is lost.
    await announce('t1');
    await announce('t2');
    await announce('t3');
    const following = followKeyNotices(vault, notices);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await pubsub.close();
    await following;
    expect(vault.calls).toEqual(['all', 'tenant:t2', 'tenant:t3']);
  });

  it('does not fail the key change when the notice cannot be sent (the cache TTL still bounds it)', async () => {
    const pubsub = new MemoryPubSub();
    await pubsub.close();
    await expect(
      announceKeyChanges(pubsub, createLogger({ level: 'silent' }))('t1'),
    ).resolves.toBeUndefined();
  });
});
