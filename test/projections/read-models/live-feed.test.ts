import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ProjectionEventParked } from '../../../src/events/projection.js';
import { ProviderCallRecorded } from '../../../src/events/provider-call.js';
import { SignalRecorded } from '../../../src/events/signal.js';
import { RecordsBatchRecorded } from '../../../src/events/sync.js';
import { TenantRenamed } from '../../../src/events/tenant.js';
import { WebhookRejected } from '../../../src/events/webhook.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import { createMemoryPlatform } from '../../../src/platform/index.js';
import {
  LIVE_FEED_EVENT_TYPES,
  liveFeedProjection,
  tenantEventsTopic,
} from '../../../src/projections/read-models/live-feed.js';

const event = (type: string, position: bigint, recordedAt = new Date()): RecordedEvent => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: { tenantId: 'acme', correlationId: 'c', causationId: null, actor: 'test', schemaVersion: 1 },
  stream: 'tenant-acme.profile',
  revision: position,
  position,
  recordedAt,
});

describe('live feed (Subscription.tenantEvents)', () => {
  it('follows every event type but SignalRecorded, which Subscription.signals carries, synced records and provider calls, read through auditLog, and decisions about projections, which belong to no tenant', () => {
    expect(LIVE_FEED_EVENT_TYPES).not.toContain(SignalRecorded.type);
    expect(LIVE_FEED_EVENT_TYPES).not.toContain(RecordsBatchRecorded.type);
    expect(LIVE_FEED_EVENT_TYPES).not.toContain(ProjectionEventParked.type);
    expect(LIVE_FEED_EVENT_TYPES).not.toContain(ProviderCallRecorded.type);
    expect(LIVE_FEED_EVENT_TYPES).toEqual(expect.arrayContaining([TenantRenamed.type, WebhookRejected.type]));
    expect(
      liveFeedProjection({ pubsub: createMemoryPlatform().pubsub, waitFor: async () => {} }).eventTypes,
    ).toBe(LIVE_FEED_EVENT_TYPES);
  });

  it('publishes fresh events to their tenant once the read models reached them, and history not at all', async () => {
    const { pubsub } = createMemoryPlatform();
    const waited: bigint[] = [];
    const feed = liveFeedProjection({ pubsub, waitFor: async (position) => void waited.push(position) });
    const subscription = pubsub.subscribe(tenantEventsTopic('acme'));
    const received: unknown[] = [];
    const reading = (async () => {
      for await (const message of subscription) received.push(message);
    })();
    const old = event(TenantRenamed.type, 1n, new Date(Date.now() - 10 * 60_000));
    await feed.afterCommit?.([old]);
    expect(waited).toEqual([]);
    const fresh = event(TenantRenamed.type, 2n);
    await feed.afterCommit?.([old, fresh]);
    expect(waited).toEqual([2n]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await subscription.close();
    await reading;
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ id: fresh.id, type: TenantRenamed.type, position: 2n });
  });
});
