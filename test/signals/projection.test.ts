import { describe, expect, it } from 'vitest';
import { normalizeGithubDelivery } from '../../src/connectors/github/webhook.js';
import { eventCatalog } from '../../src/events/catalog.js';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { type SignalEvent, SignalRecorded } from '../../src/events/signal.js';
import { createMemoryPlatform } from '../../src/platform/index.js';
import { createSignalsProjection, signalRow } from '../../src/projections/signals.js';
import { signalsTopic } from '../../src/signals/view.js';
import { githubExamples } from '../connectors/github/examples.js';

const payload = githubExamples().find(
  (example) => example.eventName === 'issues' && example.payload['action'] === 'opened',
)!.payload;
const [signal] = normalizeGithubDelivery({
  eventName: 'issues',
  deliveryId: 'd-1',
  payload,
  connectionId: 'conn_1',
  receivedAt: new Date('2026-01-01T00:00:00Z'),
});

function recorded(recordedAt = new Date()): SignalEvent {
  const event = eventCatalog.create(
    SignalRecorded,
    {
      signal: signal!,
      delivery: {
        id: 'd-1',
        eventType: 'issues',
        receivedAt: '2026-01-01T00:00:01.000Z',
        bodySha256: 'a'.repeat(64),
      },
    },
    { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'provider:github' },
  );
  const record: RecordedEvent = {
    ...event,
    stream: 'signals-acme.conn_1',
    revision: 0n,
    position: 7n,
    recordedAt,
  };
  return eventCatalog.decode(record) as SignalEvent;
}

describe('signals projection', () => {
  it('makes a row from the event alone (tenant from the stream), so rebuilds are identical', () => {
    const event = recorded();
    expect(signalRow(event)).toEqual({
      tenantId: 'acme',
      id: signal!.id,
      connectionId: 'conn_1',
      provider: 'github',
      kind: 'issue_created',
      occurredAt: new Date(signal!.occurredAt),
      actorId: signal!.actor!.id,
      actorName: signal!.actor!.name,
      actorBot: false,
      subjectType: 'issue',
      subjectId: signal!.subject!.id,
      subjectTitle: signal!.subject!.title,
      subjectUrl: signal!.subject!.url,
      summary: signal!.summary,
      deliveryId: 'd-1',
      eventType: 'issues',
      receivedAt: new Date('2026-01-01T00:00:01.000Z'),
      revision: 0n,
      position: 7n,
    });
    expect(signalRow(recorded())).toEqual(signalRow(event));
  });

  it("publishes fresh signals to their tenant's topic after commit, and not history", async () => {
    const platform = createMemoryPlatform();
    const projection = createSignalsProjection({ pubsub: platform.pubsub });
    const subscription = platform.pubsub.subscribe(signalsTopic('acme'));
    await projection.afterCommit!([recorded(new Date(Date.now() - 10 * 60_000)), recorded()]);
    const iterator = subscription[Symbol.asyncIterator]();
    expect(await iterator.next()).toMatchObject({
      value: { id: signal!.id, tenantId: 'acme', position: 7n },
    });
    await subscription.close();
    expect(subscription.dropped).toBe(0);
    await platform.close();
  });
});
