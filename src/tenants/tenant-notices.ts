import { type ForgetsOnNotice, followChangeNotices, idsIn } from '../platform/follow-notices.js';
import type { TopicSubscription } from '../platform/pubsub.js';

export { TENANTS_CHANGED_TOPIC } from '../readmodels/queries/tenant-changes.js';

/**
 * Drops the tenant cache's rows as the tenants projection's notices arrive (see followChangeNotices:
 * everything is forgotten whenever a notice may have been missed). Returns when the pubsub closes.
 */
export function followTenantNotices(
  subscribe: () => TopicSubscription,
  cache: ForgetsOnNotice,
  onError?: (error: unknown) => void,
): Promise<void> {
  return followChangeNotices(subscribe, cache, idsIn('tenantIds'), { onError });
}
