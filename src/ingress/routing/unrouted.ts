import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import { GLOBAL_SCOPE } from '../../events/streams.js';
import { deadLettersStream } from '../../events/webhook.js';
import type { Event } from '../../eventstore/envelope.js';
import type { EventStore } from '../../eventstore/port.js';
import type { Logger } from '../../platform/logger.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import { readBody } from '../delivery/delivery-body.js';
import { locate } from '../delivery/locate.js';
import { deadLetterRecord, type RecordTarget } from '../delivery/records.js';
import { secretsOf } from '../delivery/secrets.js';
import { parseJsonBody } from '../verify/request.js';
import type { VerifyRequest, WebhookDeclaration } from '../verify/types.js';

/**
 * Where the parts of a signed batch that no connection holds are kept: no tenant owns them, so
 * they are the provider's, in the reserved global scope (`deadletters-_global.unrouted:<provider>`),
 * never in a tenant's log or read by a tenant's queries.
 */
export const unroutedTarget = (provider: string): RecordTarget => ({
  tenantId: GLOBAL_SCOPE,
  connectionId: `unrouted:${provider}`,
  provider,
});

export type UnroutedOutcome = { ok: true; deadLetterId: string } | { ok: false };

/** Appends a part of a verified batch whose account is bound to no connection as a dead letter. */
export async function deadLetterUnrouted(
  dependencies: { eventStore: Pick<EventStore, 'append'>; vault: ContentVault; logger: Logger },
  part: {
    manifest: ProviderManifest;
    webhooks: WebhookDeclaration;
    routingId: string | null;
    request: VerifyRequest;
    bodySha256: string;
    deliveryId: string | null;
    receivedAt: Date;
    requestId: string;
  },
): Promise<UnroutedOutcome> {
  const target = unroutedTarget(part.manifest.id);
  // The part's members that carry a secret (Graph's clientState) are cut as for any delivery.
  const secrets = secretsOf(part.webhooks);
  const body = readBody(part.request.rawBody, { secretFields: secrets.fields, emptyIsNull: false });
  const kind = part.webhooks.routing?.idKind ?? 'account';
  let event: Event;
  try {
    // Sealed under the global scope's own data key, like every body in the log.
    event = await deadLetterRecord(
      dependencies.vault,
      target,
      {
        reason: 'unrouted_account',
        detail:
          part.routingId === null
            ? `these entries name no ${kind}`
            : `no connection is bound to ${kind} ${part.routingId}`,
        deliveryId: part.deliveryId,
        eventType: locate(part.webhooks.eventType, part.request, parseJsonBody(part.request)),
        bodySha256: part.bodySha256,
        body,
        secretHeaders: secrets.headers,
      },
      part.request,
      part.receivedAt,
      part.requestId,
    );
    await dependencies.eventStore.append(
      deadLettersStream(target.tenantId, target.connectionId),
      [event],
      'any',
    );
  } catch (error) {
    dependencies.logger.error({ err: error }, 'unrouted batch part could not be recorded');
    return { ok: false };
  }
  dependencies.logger.warn(
    { provider: part.manifest.id, routingId: part.routingId, deadLetter: event.id },
    'batch part for an unbound account kept as a dead letter',
  );
  return { ok: true, deadLetterId: event.id };
}
