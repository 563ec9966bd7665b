import { eventCatalog } from '../../events/catalog.js';
import type { CallerMetadata } from '../../events/define.js';
import { sealDeadLetter } from '../../events/sealed-dead-letter.js';
import { sealSignal } from '../../events/sealed-signal.js';
import { changeSignalEventId, type DeliveryInfo, SignalRecorded } from '../../events/signal.js';
import { type DeadLetterContent, WebhookDeadLettered, WebhookRejected } from '../../events/webhook.js';
import { appendBytes, MAX_APPEND_BYTES } from '../../eventstore/append-size.js';
import type { Event } from '../../eventstore/envelope.js';
import type { Signal } from '../../signals/signal.js';
import type { ContentVault } from '../../vault/sealed-content.js';
import type { VerifyRequest } from '../verify/types.js';
import { cleanOrNull, cleanText } from './clean-text.js';
import type { StoredBody } from './delivery-body.js';
import { ingressEventId } from './delivery-key.js';

export interface RecordTarget {
  tenantId: string;
  connectionId: string;
  provider: string;
}

const metadataOf = (target: RecordTarget, requestId: string): CallerMetadata => ({
  tenantId: target.tenantId,
  correlationId: requestId,
  causationId: null,
  actor: `provider:${target.provider}`,
});

/**
 * One SignalRecorded per signal, ids from the delivery's identity (see delivery-key.ts) or, for a
 * signal that names its change, from the change (a sync that finds it writes the same id: the
 * store then answers this append as a retry). Only connectors whose deliveries make one signal
 * name changes (GitHub): an append where some ids are known and others not would be refused. What each
 * says and carries sealed with the tenant's data key. `bodyBase64` is the delivery's bytes when they
 * were not UTF-8 (the payload holds U+FFFD where they were bad): kept, sealed, with each signal.
 * A signal whose payload is the delivery's whole body is sealed from `payloadJson`, the body's
 * bytes as kept, instead of serializing the parsed payload again.
 */
export async function signalRecords(
  vault: ContentVault,
  target: RecordTarget,
  identity: string,
  signals: readonly Signal[],
  delivery: {
    info: DeliveryInfo;
    bodyBase64: string | undefined;
    /** The parsed body and its JSON text (secret members cut), when the text is UTF-8. */
    body?: { payload: unknown; json: Buffer };
  },
  requestId: string,
): Promise<Event[]> {
  return Promise.all(
    signals.map(async (signal, index) =>
      eventCatalog.create(
        SignalRecorded,
        {
          ...(await sealSignal(
            vault,
            target.tenantId,
            signal,
            delivery.bodyBase64,
            delivery.body && signal.payload === delivery.body.payload ? delivery.body.json : undefined,
          )),
          delivery: delivery.info,
        },
        metadataOf(target, requestId),
        changeSignalEventId(target.tenantId, signal) ?? ingressEventId('signal', target, identity, index),
      ),
    ),
  );
}

/** Identical refused requests (a replayed forgery) record one event, not one each. */
export function rejectionRecord(
  target: RecordTarget,
  rejection: { reason: string; claimedDeliveryId: string | null; bodySha256: string; bodyBytes: number },
  receivedAt: Date,
  requestId: string,
): Event {
  return eventCatalog.create(
    WebhookRejected,
    {
      provider: target.provider,
      connectionId: target.connectionId,
      reason: rejection.reason,
      claimedDeliveryId: cleanOrNull(rejection.claimedDeliveryId),
      receivedAt: receivedAt.toISOString(),
      bodyBytes: rejection.bodyBytes,
      bodySha256: rejection.bodySha256,
    },
    metadataOf(target, requestId),
    ingressEventId(
      'rejected',
      target,
      rejection.reason,
      rejection.bodySha256,
      rejection.claimedDeliveryId ?? '',
    ),
  );
}

/** Headers that carry credentials never go into the log, whatever the scheme. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * The delivery as it arrived, for inspection: its body as kept (secret members cut out,
 * delivery-body.ts), its headers but credentials. Text from the request (ids, header values,
 * `detail`, which may carry a connector's message) is made storable (clean-text.ts).
 */
export async function deadLetterRecord(
  vault: ContentVault,
  target: RecordTarget,
  letter: {
    reason: string;
    detail: string;
    deliveryId: string | null;
    eventType: string | null;
    bodySha256: string;
    body: StoredBody;
    /** Scheme-specific credential headers (Google's channel token) to leave out. */
    secretHeaders: readonly string[];
  },
  request: VerifyRequest,
  receivedAt: Date,
  requestId: string,
): Promise<Event> {
  const hidden = new Set([...CREDENTIAL_HEADERS, ...letter.secretHeaders.map((name) => name.toLowerCase())]);
  const headers = Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined || hidden.has(name) ? [] : [[cleanText(name), cleanText(value)]],
    ),
  );
  const eventId = ingressEventId('dead_letter', target, letter.bodySha256);
  const build = async (content: DeadLetterContent, bodyOmitted: boolean) =>
    eventCatalog.create(
      WebhookDeadLettered,
      {
        provider: target.provider,
        connectionId: target.connectionId,
        reason: letter.reason,
        deliveryId: cleanOrNull(letter.deliveryId),
        eventType: cleanOrNull(letter.eventType),
        receivedAt: receivedAt.toISOString(),
        bodyBytes: letter.body.bytes.length,
        bodySha256: letter.bodySha256,
        ...(letter.body.redacted > 0 ? { redacted: letter.body.redacted } : {}),
        content: await sealDeadLetter(
          vault,
          target.tenantId,
          { connectionId: target.connectionId, eventId },
          content,
          { compressed: true },
        ),
        contentEncoding: 'br' as const,
        ...(bodyOmitted ? { bodyOmitted: true as const } : {}),
      },
      metadataOf(target, requestId),
      eventId,
    );
  const content = { detail: cleanText(letter.detail.slice(0, 2000)), headers };
  const whole = await build({ ...content, bodyBase64: letter.body.bytes.toString('base64') }, false);
  // One event per append, and it must fit the smallest supported server (see WebhookDeadLettered).
  return appendBytes([whole]) <= MAX_APPEND_BYTES ? whole : build(content, true);
}
