import { describe, expect, it } from 'vitest';
import { eventCatalog } from '../../../src/events/catalog.js';
import { openDeadLetter, sealDeadLetter } from '../../../src/events/sealed-dead-letter.js';
import { WebhookDeadLettered, type WebhookEvent } from '../../../src/events/webhook.js';
import type { RecordedEvent } from '../../../src/eventstore/envelope.js';
import { deadLetterRow } from '../../../src/projections/read-models/webhook-dead-letters.js';
import { memoryVault } from '../../support/memory-vault.js';

type DeadLetterEvent = Extract<WebhookEvent, { type: 'WebhookDeadLettered' }>;

const vault = memoryVault();
const metadata = { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'provider:github' };
const fields = {
  provider: 'github',
  connectionId: 'conn_1',
  reason: 'malformed_payload',
  deliveryId: 'd-1',
  eventType: 'issues',
  receivedAt: '2026-01-01T00:00:01.000Z',
  bodySha256: 'b'.repeat(64),
};
const contentOf = (body: string) => ({
  detail: 'body is not JSON',
  headers: { 'x-github-event': 'issues' },
  bodyBase64: Buffer.from(body).toString('base64'),
});

/** A dead letter as written today: detail, headers and body sealed with the tenant's key. */
async function recorded(stream: string, body: string): Promise<DeadLetterEvent> {
  const id = crypto.randomUUID();
  const content = await sealDeadLetter(
    vault,
    'acme',
    { connectionId: 'conn_1', eventId: id },
    contentOf(body),
  );
  const event = eventCatalog.create(
    WebhookDeadLettered,
    { ...fields, bodyBytes: Buffer.byteLength(body), content },
    metadata,
    id,
  );
  const record: RecordedEvent = { ...event, stream, revision: 3n, position: 42n, recordedAt: new Date() };
  return eventCatalog.decode(record) as DeadLetterEvent;
}

/** A dead letter as v1 wrote it, everything in the clear: it still reads (upcast). */
function recordedV1(stream: string, body: string): DeadLetterEvent {
  const record: RecordedEvent = {
    id: crypto.randomUUID(),
    type: 'WebhookDeadLettered',
    data: { ...fields, ...contentOf(body) },
    metadata: { ...metadata, schemaVersion: 1 },
    stream,
    revision: 3n,
    position: 42n,
    recordedAt: new Date(),
  };
  return eventCatalog.decode(record) as DeadLetterEvent;
}

const open = (event: DeadLetterEvent) =>
  openDeadLetter(vault, 'acme', { connectionId: 'conn_1', eventId: event.id, content: event.data.content });

describe('webhook dead letters projection', () => {
  it('keeps what the list shows and where the delivery is in the log, never the body or headers', async () => {
    const event = await recorded('deadletters-acme.conn_1', 'ü is two bytes');
    expect(JSON.stringify(event.data)).not.toContain(Buffer.from('ü is two bytes').toString('base64'));
    expect(JSON.stringify(event.data)).not.toContain('x-github-event');
    const row = deadLetterRow(event, await open(event));
    expect(row).toEqual({
      tenantId: 'acme',
      id: event.id,
      connectionId: 'conn_1',
      provider: 'github',
      reason: 'malformed_payload',
      detail: 'body is not JSON',
      deliveryId: 'd-1',
      eventType: 'issues',
      receivedAt: new Date('2026-01-01T00:00:01.000Z'),
      bodyBytes: Buffer.byteLength('ü is two bytes'),
      bodySha256: 'b'.repeat(64),
      revision: 3n,
      position: 42n,
    });
  });

  it('reads dead letters written before sealing (v1, in the clear) into the same row', async () => {
    const sealed = await recorded('deadletters-acme.conn_1', 'ü is two bytes');
    const plain = recordedV1('deadletters-acme.conn_1', 'ü is two bytes');
    expect(await open(plain)).toEqual(await open(sealed));
    expect({ ...deadLetterRow(plain, await open(plain)), id: 'x' }).toEqual({
      ...deadLetterRow(sealed, await open(sealed)),
      id: 'x',
    });
  });

  it('refuses a dead letter in a stream without a tenant (the event names itself)', async () => {
    const event = await recorded('deadletters', 'x');
    expect(() => deadLetterRow(event, null)).toThrow(/without a tenant/);
  });
});
