import type { TopicSubscription } from '../platform/pubsub.js';

export { TENANTS_CHANGED_TOPIC } from '../readmodels/queries/tenant-changes.js';

export interface ForgetsTenants {
  forget(tenantIds: readonly string[]): void;
  forgetAll(): void;
}

/**
 * Drops the cache's rows as tenant notices arrive, subscribing again after a failure. Each new
 * subscription starts by forgetting everything, since notices published while there was none are
 * lost, and so does a subscription that dropped messages. Returns when the pubsub closes.
 */
export async function followTenantNotices(
  subscribe: () => TopicSubscription,
  cache: ForgetsTenants,
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
        const ids = (notice as { tenantIds?: unknown }).tenantIds;
        if (!Array.isArray(ids)) cache.forgetAll();
        else cache.forget(ids.filter((id): id is string => typeof id === 'string'));
      }
      return;
    } catch (error) {
      onError?.(error);
    }
    // Until the next subscription, rows live out their TTL; forget them all now instead.
    cache.forgetAll();
    await new Promise((resolve) => setTimeout(resolve, retryMs).unref());
    retryMs = Math.min(retryMs * 2, 30_000);
  }
}
