import { describe, expect, it } from 'vitest';
import { normalizeGithubDelivery } from '../../../src/connectors/github/webhook.js';
import { eventCatalog } from '../../../src/events/catalog.js';
import { openSignalBody, openSignalContent, sealSignal } from '../../../src/events/sealed-signal.js';
import { type SignalEvent, SignalRecorded } from '../../../src/events/signal.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import { createMemoryPlatform } from '../../../src/platform/index.js';
import { createSignalsProjection, signalRow } from '../../../src/projections/read-models/signals.js';
import { signalsTopic } from '../../../src/readmodels/queries/signal-view.js';
import { githubExamples } from '../../connectors/github/examples.js';
import { memoryVault } from '../../support/memory-vault.js';

const payload = githubExamples().find(
  (example) => example.eventName === 'issues' && example.payload['action'] === 'opened',
)!.payload;
const [signal] = normalizeGithubDelivery({
  provider: 'github',
  eventName: 'issues',
  deliveryId: 'd-1',
  payload,
  connectionId: 'conn_1',
  receivedAt: new Date('2026-01-01T00:00:00Z'),
});

const vault = memoryVault();

async function recorded(recordedAt = new Date(), sealer = vault): Promise<SignalEvent> {
  const event = eventCatalog.create(
    SignalRecorded,
    {
      ...(await sealSignal(sealer, 'acme', signal!, undefined)),
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

describe('sealed signal bodies', () => {
  it('seal the payload from its JSON text as it arrived, and open to what the parsed payload seals to', async () => {
    // Spacing and member order as a provider sends them, not as JSON.stringify would.
    const text = Buffer.from(
      `{ "action" : "opened",\n  "issue": {"id": 1, "title": "T\\u00e9"}, "n": 1.50 }`,
    );
    const parsed = JSON.parse(text.toString('utf8')) as Record<string, unknown>;
    const withPayload = { ...signal!, payload: parsed };
    const fromText = await sealSignal(vault, 'acme', withPayload, undefined, text);
    const fromValue = await sealSignal(vault, 'acme', withPayload, undefined);
    const opened = await openSignalBody(vault, 'acme', fromText);
    expect(opened).toEqual({ payload: parsed });
    expect(opened).toEqual(await openSignalBody(vault, 'acme', fromValue));
    // Bytes that were not UTF-8 travel beside it.
    expect(
      await openSignalBody(vault, 'acme', await sealSignal(vault, 'acme', withPayload, 'AAE=', text)),
    ).toEqual({
      payload: parsed,
      bodyBase64: 'AAE=',
    });
    // A null payload (Google's empty bodies) is serialized, never wrapped around empty text.
    expect(
      await openSignalBody(
        vault,
        'acme',
        await sealSignal(vault, 'acme', { ...signal!, payload: null }, undefined, Buffer.alloc(0)),
      ),
    ).toEqual({ payload: null });
  });
});

describe('signals projection', () => {
  it('makes a row from the event alone (tenant from the stream), so rebuilds are identical', async () => {
    const event = await recorded();
    const content = await openSignalContent(vault, 'acme', event.data);
    expect(signalRow(event, content)).toEqual({
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
    const again = await recorded();
    expect(signalRow(again, await openSignalContent(vault, 'acme', again.data))).toEqual(
      signalRow(event, content),
    );
  });

  it('keeps what the signal says and carries out of the log in the clear, bound to its signal', async () => {
    const event = await recorded();
    const stored = JSON.stringify(event.data);
    expect(stored).not.toContain(signal!.summary);
    expect(stored).not.toContain(signal!.actor!.name);
    expect(stored).not.toContain(JSON.stringify(payload['issue']).slice(0, 40));
    expect(await openSignalBody(vault, 'acme', event.data)).toEqual({ payload });
    // Moved to another signal or another tenant, a sealed part does not open.
    const moved = { ...event.data, signal: { ...event.data.signal, id: crypto.randomUUID() } };
    await expect(openSignalContent(vault, 'acme', moved)).rejects.toThrow(/could not be decrypted/);
    await expect(openSignalContent(vault, 'globex', event.data)).rejects.toThrow(/could not be decrypted/);
  });

  it('rows of a shredded tenant say nothing, and its deletion removes them', async () => {
    const doomed = memoryVault();
    const event = await recorded(new Date(), doomed);
    await doomed.destroyTenantKeys('acme');
    const content = await openSignalContent(doomed, 'acme', event.data);
    expect(content).toBeNull();
    expect(signalRow(event, content)).toMatchObject({
      summary: '[deleted]',
      actorName: null,
      subjectTitle: null,
    });
  });

  it("publishes fresh signals to their tenant's topic after commit, and not history", async () => {
    const platform = createMemoryPlatform();
    const projection = createSignalsProjection({ pubsub: platform.pubsub, vault });
    const subscription = platform.pubsub.subscribe(signalsTopic('acme'));
    await projection.afterCommit!([await recorded(new Date(Date.now() - 10 * 60_000)), await recorded()]);
    const iterator = subscription[Symbol.asyncIterator]();
    expect(await iterator.next()).toMatchObject({
      value: { id: signal!.id, tenantId: 'acme', position: 7n },
    });
    await subscription.close();
    expect(subscription.dropped).toBe(0);
    await platform.close();
  });
});
