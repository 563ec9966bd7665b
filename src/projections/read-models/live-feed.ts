import { AUDIT_EVENTS } from '../../events/audit.js';
import { eventCatalog } from '../../events/catalog.js';
import { PROJECTION_EVENTS } from '../../events/projection.js';
import { ProviderCallRecorded } from '../../events/provider-call.js';
import { SignalRecorded } from '../../events/signal.js';
import { parseStreamName } from '../../events/streams.js';
import { RecordsBatchRecorded } from '../../events/sync.js';
import type { RecordedEvent } from '../../eventstore/envelope.js';
import type { PubSub } from '../../platform/pubsub.js';
import type { Projection } from '../projection.js';

// Decisions about projections and the log's audit seals belong to no tenant.
const GLOBAL_EVENT_TYPES = new Set<string>(
  [...PROJECTION_EVENTS, ...AUDIT_EVENTS].map((definition) => definition.type),
);

export const tenantEventsTopic = (tenantId: string) => `tenant-events:${tenantId}`;

/** Older events are history, not news: a first start or a long outage must not replay them to subscribers. */
const LIVE_WINDOW_MS = 5 * 60_000;

/**
 * Signals have their own live feed (the signals projection publishes each committed row, and
 * Subscription.signals serves it). Publishing their events here as well would read and encode every
 * delivery's payload a second time for subscribers who asked for configuration and audit events:
 * at webhook rates that was the hub's largest avoidable cost. Synced records likewise have theirs
 * (Subscription.recordChanges): a first sync appends pages of up to 500 sealed records each, which
 * this feed would push whole through the bus to every audit subscriber of the tenant. Provider calls
 * come at proxy rates (hundreds a second per tenant) and are read back through auditLog and
 * streamEvents, not watched live.
 */
export const LIVE_FEED_EVENT_TYPES = eventCatalog.types.filter(
  // Operators read those through npm run projections and npm run audit.
  (type) =>
    type !== SignalRecorded.type &&
    type !== RecordsBatchRecorded.type &&
    type !== ProviderCallRecorded.type &&
    !GLOBAL_EVENT_TYPES.has(type),
);

/**
 * Publishes every tenant event but signals to its tenant's topic once the read models have applied
 * it, so a subscriber that reacts by querying sees the change. It is a projection without tables:
 * the runner gives it a checkpoint (so it resumes after a restart) and runs it on the leader only,
 * which publishes once for all instances (Redis fans out; memory when embedded).
 */
export function liveFeedProjection(options: {
  pubsub: PubSub;
  /** Waits until every projection (but one stopped by its rule) has applied the position. */
  waitFor: (position: bigint) => Promise<void>;
  now?: () => number;
}): Projection {
  const now = options.now ?? Date.now;
  return {
    name: 'live-feed',
    eventTypes: LIVE_FEED_EVENT_TYPES,
    tables: [],
    apply: async () => {},
    async afterCommit(events: readonly RecordedEvent[]) {
      const fresh = events.filter((event) => now() - event.recordedAt.getTime() < LIVE_WINDOW_MS);
      if (fresh.length === 0) return;
      await options.waitFor(fresh[fresh.length - 1]!.position);
      for (const event of fresh) {
        const tenantId = parseStreamName(event.stream)?.tenantId;
        if (tenantId) await options.pubsub.publish(tenantEventsTopic(tenantId), event);
      }
    },
  };
}
