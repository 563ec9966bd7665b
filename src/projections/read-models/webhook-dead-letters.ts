import { openDeadLetter } from '../../events/sealed-dead-letter.js';
import { parseStreamName } from '../../events/streams.js';
import { TenantDeleted, type TenantEvent } from '../../events/tenant.js';
import { type DeadLetterContent, WebhookDeadLettered, type WebhookEvent } from '../../events/webhook.js';
import type { WebhookDeadLetter } from '../../generated/prisma/client.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import type { Projection } from '../projection.js';
import { pgText, pgTextOrNull } from './pg-text.js';
import { runsOfType } from './runs-of-type.js';

type DeadLetterEvent = Extract<WebhookEvent, { type: 'WebhookDeadLettered' }>;

/** What a shredded dead letter says; its row goes when TenantDeleted is applied, right after. */
const SHREDDED_DETAIL = '[deleted]';

function tenantOf(event: DeadLetterEvent): string {
  const tenantId = parseStreamName(event.stream)?.tenantId;
  if (!tenantId) throw new ProjectionEventError(event, 'WebhookDeadLettered in a stream without a tenant');
  return tenantId;
}

/**
 * The row of a WebhookDeadLettered event and its opened content: pure, every value from the event
 * (rebuilds match).
 */
export function deadLetterRow(event: DeadLetterEvent, content: DeadLetterContent | null): WebhookDeadLetter {
  const letter = event.data;
  // The detail may carry a connector's message, NUL included: pgText keeps it storable.
  return {
    tenantId: tenantOf(event),
    id: event.id,
    connectionId: pgText(letter.connectionId),
    provider: pgText(letter.provider),
    reason: pgText(letter.reason),
    detail: pgText(content?.detail ?? SHREDDED_DETAIL),
    deliveryId: pgTextOrNull(letter.deliveryId),
    eventType: pgTextOrNull(letter.eventType),
    receivedAt: new Date(letter.receivedAt),
    bodyBytes: letter.bodyBytes,
    bodySha256: letter.bodySha256,
    revision: event.revision,
    position: event.position,
  };
}

/**
 * Dead letters are immutable: one row per event, a row already there left alone. The body and
 * headers stay in the log, sealed (readmodels/queries/dead-letters.ts opens them for one dead letter). A
 * tenant's deletion removes its rows.
 */
export function createWebhookDeadLettersProjection(vault: ContentVault): Projection {
  const rowOf = async (event: DeadLetterEvent) =>
    deadLetterRow(
      event,
      await openDeadLetter(vault, tenantOf(event), {
        connectionId: event.data.connectionId,
        eventId: event.id,
        content: event.data.content,
        contentEncoding: event.data.contentEncoding,
      }),
    );
  return {
    name: READ_MODEL.webhookDeadLetters,
    eventTypes: [WebhookDeadLettered.type, TenantDeleted.type],
    tables: [{ name: 'webhook_dead_letters' }],
    async apply(events, tx) {
      for (const run of runsOfType(events)) {
        if (run.type === TenantDeleted.type) {
          const tenants = (run.events as readonly TenantEvent[]).map((event) => event.data.tenantId);
          await tx.webhookDeadLetter.deleteMany({ where: { tenantId: { in: tenants } } });
        } else {
          const rows = await Promise.all((run.events as readonly DeadLetterEvent[]).map(rowOf));
          await tx.webhookDeadLetter.createMany({ data: rows, skipDuplicates: true });
        }
      }
    },
  };
}
