import type { ProviderAccountEvent } from '../../events/provider-account.js';
import type { RecordsBatchEvent } from '../../events/sync.js';
import type { HubMetrics } from '../../observability/metrics/index.js';
import type { PubSub } from '../../platform/pubsub.js';
import {
  CREDENTIALS_CHANGED_TOPIC,
  type CredentialsChanged,
} from '../../readmodels/queries/credential-changes.js';
import { type RecordChangesNotice, recordChangesTopic } from '../../readmodels/queries/sync-records.js';
import { TENANTS_CHANGED_TOPIC, type TenantsChanged } from '../../readmodels/queries/tenant-changes.js';
import {
  WEBHOOK_TARGETS_CHANGED_TOPIC,
  type WebhookTargetsChanged,
} from '../../readmodels/queries/webhook-targets.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import { READ_MODEL } from '../names.js';
import type { Projection } from '../projection.js';
import { credentialsProjection } from './credentials.js';
import { claimChanges, providerAccountClaimsProjection } from './provider-account-claims.js';
import { createSignalsProjection, SIGNALS_PROJECTION } from './signals.js';
import { createSyncRecordsProjection, syncTenant } from './sync-records.js';
import { tenantsProjection } from './tenants.js';
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
 * The credentials projection, announcing whose credentials changed (TokenRotated, ConnectionRevoked
 * ...) so every instance's proxy drops its cached copy at once.
 */
export function announcingCredentialChanges(pubsub: PubSub): Projection {
  return {
    ...credentialsProjection,
    async afterCommit(events) {
      const connectionIds = [
        ...new Set(events.map((event) => (event.data as { connectionId: string }).connectionId)),
      ];
      const notice: CredentialsChanged = { connectionIds };
      await pubsub.publish(CREDENTIALS_CHANGED_TOPIC, notice);
    },
  };
}

/**
 * The tenants projection, announcing which tenants changed (registered, renamed, reconfigured,
 * deleted) so every instance's tenant directory drops its cached rows at once.
 */
export function announcingTenantChanges(pubsub: PubSub): Projection {
  return {
    ...tenantsProjection,
    async afterCommit(events) {
      const tenantIds = [...new Set(events.map((event) => (event.data as { tenantId: string }).tenantId))];
      const notice: TenantsChanged = { tenantIds };
      await pubsub.publish(TENANTS_CHANGED_TOPIC, notice);
    },
  };
}

/**
 * The account claims projection, announcing the connections an account binding left or reached, so
 * no gateway keeps routing an account to the connection it was moved away from.
 */
export function announcingAccountBindingChanges(pubsub: PubSub): Projection {
  return {
    ...providerAccountClaimsProjection,
    async afterCommit(events) {
      const changes = (events as readonly ProviderAccountEvent[]).flatMap(claimChanges);
      const notice: WebhookTargetsChanged = {
        connectionIds: [...new Set(changes.map((change) => change.connectionId))],
      };
      await pubsub.publish(WEBHOOK_TARGETS_CHANGED_TOPIC, notice);
    },
  };
}

/**
 * The records projection, telling each tenant's subscribers which of its syncs changed after each
 * commit: one small notice per sync and batch, never the records (subscribers read the feed from
 * their own cursor, tenant-scoped, so nothing sealed or large crosses the bus).
 */
export function announcingRecordChanges(pubsub: PubSub, vault: ContentVault): Projection {
  return {
    ...createSyncRecordsProjection(vault),
    async afterCommit(events) {
      const latest = new Map<string, { tenantId: string; notice: RecordChangesNotice }>();
      for (const event of events as readonly RecordsBatchEvent[]) {
        if (event.type !== 'RecordsBatchRecorded') continue;
        const tenantId = syncTenant(event);
        const { connectionId, resource } = event.data;
        latest.set(`${tenantId}\u0000${connectionId}\u0000${resource}`, {
          tenantId,
          notice: { connectionId, resource, position: String(event.position) },
        });
      }
      await Promise.all(
        [...latest.values()].map(({ tenantId, notice }) =>
          pubsub.publish(recordChangesTopic(tenantId), notice),
        ),
      );
    },
  };
}

/**
 * The hub's projections with their live side effects (runtime.ts): committed signals published to
 * subscribers, record changes announced to theirs, webhook target and account binding changes announced to gateways, credential changes to proxies, tenant changes to tenant directories. Rebuilds and verify run the plain ones.
 */
export function withLivePublishing(
  projections: readonly Projection[],
  pubsub: PubSub,
  vault: ContentVault,
  metrics?: Pick<HubMetrics, 'signalPublished'>,
): Projection[] {
  return projections.map((projection) => {
    if (projection.name === SIGNALS_PROJECTION) return createSignalsProjection({ pubsub, vault, metrics });
    if (projection.name === webhookEndpointsProjection.name) return announcingWebhookTargetChanges(pubsub);
    if (projection.name === READ_MODEL.syncRecords) return announcingRecordChanges(pubsub, vault);
    if (projection.name === providerAccountClaimsProjection.name)
      return announcingAccountBindingChanges(pubsub);
    if (projection.name === credentialsProjection.name) return announcingCredentialChanges(pubsub);
    if (projection.name === tenantsProjection.name) return announcingTenantChanges(pubsub);
    return projection;
  });
}
