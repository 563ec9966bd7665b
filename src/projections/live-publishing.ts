import { WEBHOOK_TARGETS_CHANGED_TOPIC, type WebhookTargetsChanged } from '../connections/webhook-targets.js';
import type { PubSub } from '../platform/pubsub.js';
import type { Projection } from './projection.js';
import { createSignalsProjection, SIGNALS_PROJECTION } from './signals.js';
import { webhookEndpointsProjection } from './webhook-endpoints.js';

/**
 * The webhook endpoints projection, announcing after each commit which connections' webhook
 * targets changed, so every instance's gateway drops its cached copy (resolved-targets.ts).
 */
export function announcingWebhookTargetChanges(pubsub: PubSub): Projection {
  return {
    ...webhookEndpointsProjection,
    async afterCommit(events) {
      const connectionIds = [
        ...new Set(events.map((event) => (event.data as { connectionId: string }).connectionId)),
      ];
      const notice: WebhookTargetsChanged = { connectionIds };
      await pubsub.publish(WEBHOOK_TARGETS_CHANGED_TOPIC, notice);
    },
  };
}

/**
 * The hub's projections with their live side effects (runtime.ts): committed signals published to
 * subscribers, webhook target changes announced to gateways. Rebuilds and verify run the plain ones.
 */
export function withLivePublishing(projections: readonly Projection[], pubsub: PubSub): Projection[] {
  return projections.map((projection) => {
    if (projection.name === SIGNALS_PROJECTION) return createSignalsProjection({ pubsub });
    if (projection.name === webhookEndpointsProjection.name) return announcingWebhookTargetChanges(pubsub);
    return projection;
  });
}
