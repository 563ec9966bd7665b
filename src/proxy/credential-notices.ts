import { followChangeNotices, idsIn } from '../platform/follow-notices.js';
import type { TopicSubscription } from '../platform/pubsub.js';

export interface Forgetting {
  forget(connectionIds: readonly string[]): void;
  forgetAll(): void;
}

/**
 * Drops the caches' entries as credentials notices arrive (readmodels/queries/credential-changes.ts),
 * subscribing again after a failure (see followChangeNotices: everything is forgotten whenever a
 * notice may have been missed). Returns when the pubsub closes.
 */
export function followCredentialNotices(
  subscribe: () => TopicSubscription,
  caches: readonly Forgetting[],
  onError?: (error: unknown) => void,
): Promise<void> {
  const all: Forgetting = {
    forget: (connectionIds) => {
      for (const cache of caches) cache.forget(connectionIds);
    },
    forgetAll: () => {
      for (const cache of caches) cache.forgetAll();
    },
  };
  return followChangeNotices(subscribe, all, idsIn('connectionIds'), onError);
}
