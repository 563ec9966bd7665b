import { type ForgetsOnNotice, followChangeNotices, idsIn } from '../platform/follow-notices.js';
import type { TopicSubscription } from '../platform/pubsub.js';

/**
 * Drops the caches' entries as credentials notices arrive (readmodels/queries/credential-changes.ts),
 * subscribing again after a failure (see followChangeNotices: everything is forgotten whenever a
 * notice may have been missed). Returns when the pubsub closes.
 */
export function followCredentialNotices(
  subscribe: () => TopicSubscription,
  caches: readonly ForgetsOnNotice[],
  onError?: (error: unknown) => void,
): Promise<void> {
  const all: ForgetsOnNotice = {
    forget: (connectionIds) => {
      for (const cache of caches) cache.forget(connectionIds);
    },
    forgetAll: () => {
      for (const cache of caches) cache.forgetAll();
    },
  };
  return followChangeNotices(subscribe, all, idsIn('connectionIds'), { onError });
}
