import type { RecordedEvent } from '../events/envelope.js';
import { parseStreamName } from '../events/streams.js';
import { WebhookDeadLettered, type WebhookEvent } from '../events/webhook.js';
import type { WebhookDeadLetter } from '../generated/prisma/client.js';
import { ProjectionEventError } from './errors.js';
import { READ_MODEL } from './names.js';
import { pgText, pgTextOrNull } from './pg-text.js';
import type { Projection } from './projection.js';

type DeadLetterEvent = Extract<WebhookEvent, { type: 'WebhookDeadLettered' }>;

/** The row of a WebhookDeadLettered event: pure, every value from the event (rebuilds match). */
export function deadLetterRow(event: DeadLetterEvent): WebhookDeadLetter {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, 'WebhookDeadLettered in a stream without a tenant');
  const letter = event.data;
  // The detail may quote the body that could not be parsed, NUL included: pgText keeps it storable.
  return {
    tenantId,
    id: event.id,
    connectionId: pgText(letter.connectionId),
    provider: pgText(letter.provider),
    reason: pgText(letter.reason),
    detail: pgText(letter.detail),
    deliveryId: pgTextOrNull(letter.deliveryId),
    eventType: pgTextOrNull(letter.eventType),
    receivedAt: new Date(letter.receivedAt),
    bodyBytes: Buffer.byteLength(letter.bodyBase64, 'base64'),
    bodySha256: letter.bodySha256,
    revision: event.revision,
    position: event.position,
  };
}

/**
 * Dead letters are immutable: one row per event, a row already there left alone. The body and
 * headers stay in the log (deadletters/read-model.ts reads them for one dead letter).
 */
export const webhookDeadLettersProjection: Projection = {
  name: READ_MODEL.webhookDeadLetters,
  eventTypes: [WebhookDeadLettered.type],
  tables: [{ name: 'webhook_dead_letters' }],
  async apply(events, tx) {
    const rows = (events as readonly RecordedEvent[] as readonly DeadLetterEvent[]).map(deadLetterRow);
    await tx.webhookDeadLetter.createMany({ data: rows, skipDuplicates: true });
  },
};
