import type { TopicSubscription } from '../platform/pubsub.js';

export interface Forgetting {
  forget(connectionIds: readonly string[]): void;
  forgetAll(): void;
}

/**
 * Drops the caches' entries as credentials notices arrive (readmodels/queries/credential-changes.ts),
 * subscribing again after a failure: cached entries live out their TTL meanwhile, and each new
 * subscription starts by forgetting everything, since notices published while there was none are
 * lost. Returns when the pubsub closes.
 */
export async function followCredentialNotices(
  subscribe: () => TopicSubscription,
  caches: readonly Forgetting[],
  onError?: (error: unknown) => void,
): Promise<void> {
  const forgetAll = () => {
    for (const cache of caches) cache.forgetAll();
  };
  let retryMs = 1_000;
  for (;;) {
    let notices: TopicSubscription;
    try {
      notices = subscribe();
    } catch {
      return;
    }
    try {
      await notices.ready;
      forgetAll();
      retryMs = 1_000;
      let dropped = notices.dropped;
      for await (const notice of notices) {
        if (notices.dropped !== dropped) {
          dropped = notices.dropped;
          forgetAll();
        }
        const ids = (notice as { connectionIds?: unknown }).connectionIds;
        if (!Array.isArray(ids)) forgetAll();
        else {
          const connectionIds = ids.filter((id): id is string => typeof id === 'string');
          for (const cache of caches) cache.forget(connectionIds);
        }
      }
      return;
    } catch (error) {
      onError?.(error);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    retryMs = Math.min(retryMs * 2, 30_000);
  }
}
