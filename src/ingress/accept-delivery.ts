import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { type DeliveryInfo, signalsStream } from '../events/signal.js';
import { deadLettersStream } from '../events/webhook.js';
import type { Event } from '../eventstore/envelope.js';
import { AppendTooLargeError } from '../eventstore/errors.js';
import type { AppendResult, EventStore } from '../eventstore/port.js';
import type { HubMetrics, WebhookResult } from '../observability/metrics/index.js';
import type { Logger } from '../platform/logger.js';
import type { ContentVault } from '../vault/sealed-content.js';
import { cleanOrNull } from './delivery/clean-text.js';
import { readBody, type StoredBody } from './delivery/delivery-body.js';
import { deliveryKey } from './delivery/delivery-key.js';
import { locate } from './delivery/locate.js';
import { normalizeDelivery } from './delivery/normalize.js';
import { recordedSignalIds } from './delivery/recorded-signals.js';
import { deadLetterRecord, type RecordTarget, signalRecords } from './delivery/records.js';
import { type DeliverySecrets, secretsOf } from './delivery/secrets.js';
import { acknowledged, type GatewayResponse, problem } from './responses.js';
import type { VerifyRequest, WebhookDeclaration } from './verify/types.js';

export interface AcceptDependencies {
  eventStore: Pick<EventStore, 'append' | 'readStream'>;
  /** Seals what deliveries say with their tenant's data key before it reaches the log. */
  vault: ContentVault;
  logger: Logger;
  /**
   * Told of each new delivery recorded (not of duplicates): the sync engine pulls the next run of a
   * resource forward when its webhook says it changed. Must not throw or wait.
   */
  onRecorded?: (target: RecordTarget, eventType: string | null) => void;
  /** Each delivery's result (none: not counted). */
  metrics?: Pick<HubMetrics, 'webhookDelivery'>;
}

/** A delivery that passed verification, for the connection it was routed to. */
export interface AuthenticDelivery {
  manifest: ProviderManifest;
  webhooks: WebhookDeclaration;
  target: RecordTarget;
  request: VerifyRequest;
  requestId: string;
  receivedAt: Date;
  bodySha256: string;
  verified: { deliveryId: string | null; timestamp: Date | null };
}

/**
 * From an authentic delivery to a durable fact: read the body (secrets out), normalize, append,
 * and only then acknowledge. What cannot become signals is appended as a dead
 * letter (400); what cannot be appended at all gets a 503 so the provider delivers it again, unless
 * the store refused it for its size, which no retry changes: signals too large for one append are
 * kept as a dead letter (`payload_too_large`, 400), and a dead letter the store still refuses is
 * answered 413. Nothing acknowledged is lost. A redelivery is answered `duplicate` with the ids of
 * the signals it produced the first time: its events' ids derive from the delivery's identity
 * (deliveryKey), so the append finds them in the log. Nothing is asked of Redis per delivery: a
 * replay guard in front of the log (a GET before, a SET after) cost more than the rare duplicate it
 * spared an append, and the log answers after a restart or a Redis outage alike.
 */
export async function acceptDelivery(
  dependencies: AcceptDependencies,
  delivery: AuthenticDelivery,
): Promise<GatewayResponse> {
  const { result, response } = await accepted(dependencies, delivery);
  dependencies.metrics?.webhookDelivery(delivery.target.provider, result, delivery.target.tenantId);
  return response;
}

interface Answer {
  result: WebhookResult;
  response: GatewayResponse;
}

async function accepted(dependencies: AcceptDependencies, delivery: AuthenticDelivery): Promise<Answer> {
  const { webhooks, target, request, bodySha256, verified } = delivery;
  const secrets = secretsOf(webhooks);
  const body = readBody(request.rawBody, {
    secretFields: secrets.fields,
    emptyIsNull: webhooks.scheme === 'google_channel_token',
  });
  // A body that could not be read still has the event type its headers name.
  const eventType = locate(webhooks.eventType, request, body.ok ? body.payload : null);
  if (!body.ok) return deadLetter(dependencies, delivery, secrets, body, eventType, body.reason, body.detail);

  const identity = deliveryKey(webhooks, verified.deliveryId, bodySha256, body.payload);
  const outcome = normalizeDelivery({
    manifest: delivery.manifest,
    connectionId: target.connectionId,
    deliveryId: verified.deliveryId ?? `sha256:${bodySha256}`,
    eventType,
    payload: body.payload,
    receivedAt: delivery.receivedAt,
    signedAt: verified.timestamp,
  });
  if (!outcome.ok) {
    return deadLetter(dependencies, delivery, secrets, body, eventType, outcome.reason, outcome.detail);
  }

  const info: DeliveryInfo = {
    id: cleanOrNull(verified.deliveryId),
    eventType: cleanOrNull(eventType),
    receivedAt: delivery.receivedAt.toISOString(),
    bodySha256,
  };
  const stream = signalsStream(target.tenantId, target.connectionId);
  const events = await seal(dependencies, () =>
    signalRecords(
      dependencies.vault,
      target,
      identity,
      outcome.signals,
      // The payload holds U+FFFD where the bytes were not UTF-8: the log keeps what arrived.
      body.utf8
        ? { info, bodyBase64: undefined, body: { payload: body.payload, json: body.bytes } }
        : { info, bodyBase64: body.bytes.toString('base64') },
      delivery.requestId,
    ),
  );
  if (!events) return failed(unavailable(delivery.requestId));
  const stored = await append(dependencies, stream, events);
  if (stored === 'too_large') {
    const detail = `the delivery's ${events.length} signal(s) exceed the event store's append size limit`;
    return deadLetter(dependencies, delivery, secrets, body, eventType, 'payload_too_large', detail);
  }
  if (!stored) return failed(unavailable(delivery.requestId));
  const ids = stored.duplicate
    ? ((await recordedSignalIds(dependencies.eventStore, stream, events, stored)) ??
      outcome.signals.map((signal) => signal.id))
    : outcome.signals.map((signal) => signal.id);
  if (!stored.duplicate) dependencies.onRecorded?.(target, eventType);
  const result = stored.duplicate ? 'duplicate' : 'accepted';
  return { result, response: acknowledged(result, ids) };
}

const failed = (response: GatewayResponse): Answer => ({ result: 'error', response });

async function deadLetter(
  dependencies: AcceptDependencies,
  delivery: AuthenticDelivery,
  secrets: DeliverySecrets,
  body: StoredBody,
  eventType: string | null,
  reason: string,
  detail: string,
): Promise<Answer> {
  const { target, request, receivedAt, requestId, bodySha256 } = delivery;
  const event = await seal(dependencies, () =>
    deadLetterRecord(
      dependencies.vault,
      target,
      {
        reason,
        detail,
        deliveryId: delivery.verified.deliveryId,
        eventType,
        bodySha256,
        body,
        secretHeaders: secrets.headers,
      },
      request,
      receivedAt,
      requestId,
    ),
  );
  if (!event) return failed(unavailable(requestId));
  const stored = await append(dependencies, deadLettersStream(target.tenantId, target.connectionId), [event]);
  if (stored === 'too_large') return failed(tooLarge(requestId));
  if (!stored) return failed(unavailable(requestId));
  dependencies.logger.warn(
    { provider: target.provider, connectionId: target.connectionId, reason, deadLetter: event.id },
    'webhook delivery kept as a dead letter',
  );
  return {
    result: 'dead_lettered',
    response: problem(
      400,
      'WEBHOOK_PAYLOAD_INVALID',
      `The delivery could not be processed: ${reason}`,
      requestId,
      {
        reason,
        deadLetterId: event.id,
      },
    ),
  };
}

/**
 * Records sealed with the tenant's data key; null when the key store cannot be reached (or the
 * tenant was just deleted), answered like a failed append: 503, the provider delivers again.
 */
async function seal<T>(dependencies: AcceptDependencies, build: () => Promise<T>): Promise<T | null> {
  try {
    return await build();
  } catch (error) {
    dependencies.logger.error({ err: error }, 'webhook delivery could not be sealed');
    return null;
  }
}

async function append(
  dependencies: AcceptDependencies,
  stream: string,
  events: Event[],
): Promise<AppendResult | 'too_large' | null> {
  try {
    return await dependencies.eventStore.append(stream, events, 'any');
  } catch (error) {
    dependencies.logger.error({ err: error, stream }, 'webhook delivery could not be recorded');
    return error instanceof AppendTooLargeError ? 'too_large' : null;
  }
}

/** Refused for its size even as a dead letter (a server limit below 1 MiB): a retry cannot help. */
const tooLarge = (requestId: string) =>
  problem(413, 'PAYLOAD_TOO_LARGE', 'The delivery is too large to be recorded', requestId);

/** Not recorded: a 5xx makes the provider deliver it again later. */
const unavailable = (requestId: string) =>
  problem(503, 'DEPENDENCY_UNAVAILABLE', 'The delivery could not be recorded; retry later', requestId);
