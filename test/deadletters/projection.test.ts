import { describe, expect, it } from 'vitest';
import { eventCatalog } from '../../src/events/catalog.js';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { WebhookDeadLettered, type WebhookEvent } from '../../src/events/webhook.js';
import { deadLetterRow } from '../../src/projections/webhook-dead-letters.js';

type DeadLetterEvent = Extract<WebhookEvent, { type: 'WebhookDeadLettered' }>;

function recorded(stream: string, body: string): DeadLetterEvent {
  const event = eventCatalog.create(
    WebhookDeadLettered,
    {
      provider: 'github',
      connectionId: 'conn_1',
      reason: 'malformed_payload',
      detail: 'body is not JSON',
      deliveryId: 'd-1',
      eventType: 'issues',
      receivedAt: '2026-01-01T00:00:01.000Z',
      headers: { 'x-github-event': 'issues' },
      bodyBase64: Buffer.from(body).toString('base64'),
      bodySha256: 'b'.repeat(64),
    },
    { tenantId: 'acme', correlationId: 'c-1', causationId: null, actor: 'provider:github' },
  );
  const record: RecordedEvent = { ...event, stream, revision: 3n, position: 42n, recordedAt: new Date() };
  return eventCatalog.decode(record) as DeadLetterEvent;
}

describe('webhook dead letters projection', () => {
  it('keeps what the list shows and where the delivery is in the log, never the body or headers', () => {
    const event = recorded('deadletters-acme.conn_1', 'ü is two bytes');
    const row = deadLetterRow(event);
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

  it('refuses a dead letter in a stream without a tenant (the event names itself)', () => {
    expect(() => deadLetterRow(recorded('deadletters', 'x'))).toThrow(/without a tenant/);
  });
});
