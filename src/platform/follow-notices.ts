import type { TopicSubscription } from './pubsub.js';

/** A cache that change notices keep honest. */
export interface ForgetsOnNotice {
  /** Drops the entries of these ids. */
  forget(ids: readonly string[]): void;
  forgetAll(): void;
}

/**
 * Drops a cache's entries as change notices arrive, subscribing again after a failure (backing off
 * from 1 s to 30 s). Each new subscription starts by forgetting everything, since notices published
 * while there was none are lost, and so does a subscription that dropped messages or a notice
 * without the ids (`idsOf` returns null). Between subscriptions entries are forgotten too, rather
 * than left to live out their TTL. Returns when the pubsub closes.
 */
export async function followChangeNotices(
  subscribe: () => TopicSubscription,
  cache: ForgetsOnNotice,
  idsOf: (notice: unknown) => readonly string[] | null,
  onError?: (error: unknown) => void,
): Promise<void> {
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
      cache.forgetAll();
      retryMs = 1_000;
      let dropped = notices.dropped;
      for await (const notice of notices) {
        if (notices.dropped !== dropped) {
          dropped = notices.dropped;
          cache.forgetAll();
        }
        const ids = idsOf(notice);
        if (ids === null) cache.forgetAll();
        else cache.forget(ids);
      }
      return;
    } catch (error) {
      onError?.(error);
    }
    cache.forgetAll();
    await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    retryMs = Math.min(retryMs * 2, 30_000);
  }
}

/** The string ids a notice lists under `field`; null when it lists none (forget everything). */
export function idsIn(field: string): (notice: unknown) => readonly string[] | null {
  return (notice) => {
    const ids = (notice as Record<string, unknown> | null)?.[field];
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : null;
  };
}
