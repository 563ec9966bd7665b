import type { Logger } from '../platform/logger.js';
import type { PubSub, TopicSubscription } from '../platform/pubsub.js';
import type { TokenVault } from './vault.js';

/** Published by the instance that destroyed or rotated a tenant's data keys. */
export const KEY_NOTICES_TOPIC = 'vault:keys-changed';

interface KeyNotice {
  tenantId: string;
}

/**
 * The vault's onKeysChanged for a runtime: tells every instance. Best effort: the change itself
 * is done and durable, and an instance that misses the notice stops using the old key within the
 * vault's cache TTL anyway, so a pubsub failure is logged, not thrown at the caller.
 */
export function announceKeyChanges(pubsub: PubSub, logger: Logger): (tenantId: string) => Promise<void> {
  return async (tenantId) => {
    const notice: KeyNotice = { tenantId };
    await pubsub.publish(KEY_NOTICES_TOPIC, notice).catch((error: unknown) => {
      logger.warn(
        { err: error, tenantId },
        'key change notice not sent; other instances catch up within the key cache TTL',
      );
    });
  };
}

/**
 * Drops the announced tenants' keys from this instance's vault until `notices` ends (the pubsub
 * closes). A notice lost to a full buffer could be any tenant's, so a gap empties the whole cache.
 */
export async function followKeyNotices(
  vault: Pick<TokenVault, 'forgetTenant' | 'forgetAll'>,
  notices: TopicSubscription,
): Promise<void> {
  let dropped = 0;
  for await (const message of notices) {
    if (notices.dropped !== dropped) {
      dropped = notices.dropped;
      vault.forgetAll();
    }
    const tenantId = (message as Partial<KeyNotice> | null)?.tenantId;
    if (typeof tenantId === 'string') vault.forgetTenant(tenantId);
  }
}
