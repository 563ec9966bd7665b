import type { DataOf } from '../../src/events/define.js';
import { openDeadLetter } from '../../src/events/sealed-dead-letter.js';
import { openSignalBody, openSignalContent } from '../../src/events/sealed-signal.js';
import type { SignalRecorded } from '../../src/events/signal.js';
import type { WebhookDeadLettered } from '../../src/events/webhook.js';
import type { Event } from '../../src/eventstore/envelope.js';
import type { ContentVault } from '../../src/vault/sealed-content.js';

/**
 * An event's data with its sealed parts opened, in the flat shape tests assert on: a signal whole
 * (payload included) with its delivery (bodyBase64 included), a dead letter with detail, headers and
 * body. Other events come back as they are. The tenant is the one in the event's metadata.
 */
export async function openedData(vault: ContentVault, event: Event): Promise<Record<string, unknown>> {
  const tenantId = event.metadata.tenantId;
  if (event.type === 'SignalRecorded') {
    const data = event.data as DataOf<typeof SignalRecorded>;
    const [content, body] = await Promise.all([
      openSignalContent(vault, tenantId, data),
      openSignalBody(vault, tenantId, data),
    ]);
    return {
      signal: { ...data.signal, ...content, payload: body?.payload },
      delivery: {
        ...data.delivery,
        ...(body?.bodyBase64 === undefined ? {} : { bodyBase64: body.bodyBase64 }),
      },
    };
  }
  if (event.type === 'WebhookDeadLettered') {
    const { content, contentEncoding, ...rest } = event.data as DataOf<typeof WebhookDeadLettered>;
    const opened = await openDeadLetter(vault, tenantId, {
      connectionId: rest.connectionId,
      eventId: event.id,
      content,
      contentEncoding,
    });
    return { ...rest, ...opened };
  }
  return event.data as Record<string, unknown>;
}
