import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import type { Event } from '../events/envelope.js';
import { signalsStream } from '../events/signal.js';
import { deadLettersStream } from '../events/webhook.js';
import type { EventStore } from '../eventstore/port.js';
import type { Logger } from '../platform/logger.js';
import { deliveryKey } from './delivery-key.js';
import { locate } from './locate.js';
import { normalizeDelivery } from './normalize.js';
import { deadLetterRecord, type RecordTarget, signalRecords } from './records.js';
import type { ReplayGuard } from './replay-guard.js';
import { acknowledged, type GatewayResponse, problem } from './responses.js';
import type { VerifyRequest, WebhookDeclaration } from './verify/types.js';

export interface AcceptDependencies {
  eventStore: Pick<EventStore, 'append'>;
  replayGuard: ReplayGuard;
  logger: Logger;
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
 * From an authentic delivery to a durable fact: parse, drop replays, normalize, append, and only
 * then acknowledge. What cannot become signals is appended as a dead letter (400); what cannot be
 * appended at all gets a 503 so the provider delivers it again. Nothing acknowledged is lost.
 */
export async function acceptDelivery(
  dependencies: AcceptDependencies,
  delivery: AuthenticDelivery,
): Promise<GatewayResponse> {
  const { webhooks, target, request, bodySha256, verified } = delivery;
  const payload = parseBody(request, webhooks.scheme);
  const eventType = payload.ok ? locate(webhooks.eventType, request, payload.value) : null;
  if (!payload.ok) {
    return deadLetter(dependencies, delivery, eventType, 'malformed_payload', payload.detail);
  }
  const key = deliveryKey(webhooks.scheme, verified.deliveryId, bodySha256);
  if (await dependencies.replayGuard.seen(target, key.replayKeys)) return acknowledged('duplicate', []);

  const outcome = normalizeDelivery({
    manifest: delivery.manifest,
    connectionId: target.connectionId,
    deliveryId: verified.deliveryId ?? `sha256:${bodySha256}`,
    eventType,
    payload: payload.value,
    receivedAt: delivery.receivedAt,
    signedAt: verified.timestamp,
  });
  if (!outcome.ok) return deadLetter(dependencies, delivery, eventType, outcome.reason, outcome.detail);

  const info = {
    id: verified.deliveryId,
    eventType,
    receivedAt: delivery.receivedAt.toISOString(),
    bodySha256,
  };
  const events = signalRecords(target, key.identity, outcome.signals, info, delivery.requestId);
  const stored = await append(dependencies, signalsStream(target.tenantId, target.connectionId), events);
  if (!stored) return unavailable(delivery.requestId);
  const ids = outcome.signals.map((signal) => signal.id);
  await dependencies.replayGuard
    .remember(target, key.replayKeys, ids.join(','))
    .catch((error: unknown) => dependencies.logger.warn({ err: error }, 'webhook replay guard not updated'));
  return acknowledged('accepted', ids);
}

type Parsed = { ok: true; value: unknown } | { ok: false; detail: string };

/** Every supported provider posts JSON; Google's push messages are headers only, with no body. */
function parseBody(request: VerifyRequest, scheme: WebhookDeclaration['scheme']): Parsed {
  const text = request.rawBody.toString('utf8');
  if (text.trim() === '' && scheme === 'google_channel_token') return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, detail: `body is not JSON: ${(error as Error).message}` };
  }
}

async function deadLetter(
  dependencies: AcceptDependencies,
  delivery: AuthenticDelivery,
  eventType: string | null,
  reason: string,
  detail: string,
): Promise<GatewayResponse> {
  const { target, webhooks, request, receivedAt, requestId, bodySha256 } = delivery;
  const secretHeaders = webhooks.scheme === 'google_channel_token' ? [webhooks.tokenHeader] : [];
  const event = deadLetterRecord(
    target,
    { reason, detail, deliveryId: delivery.verified.deliveryId, eventType, bodySha256, secretHeaders },
    request,
    receivedAt,
    requestId,
  );
  const stored = await append(dependencies, deadLettersStream(target.tenantId, target.connectionId), [event]);
  if (!stored) return unavailable(requestId);
  dependencies.logger.warn(
    { provider: target.provider, connectionId: target.connectionId, reason, deadLetter: event.id },
    'webhook delivery kept as a dead letter',
  );
  return problem(
    400,
    'WEBHOOK_PAYLOAD_INVALID',
    `The delivery could not be processed: ${reason}`,
    requestId,
    {
      reason,
      deadLetterId: event.id,
    },
  );
}

async function append(dependencies: AcceptDependencies, stream: string, events: Event[]): Promise<boolean> {
  try {
    await dependencies.eventStore.append(stream, events, 'any');
    return true;
  } catch (error) {
    dependencies.logger.error({ err: error, stream }, 'webhook delivery could not be recorded');
    return false;
  }
}

/** Not recorded: a 5xx makes the provider deliver it again later. */
const unavailable = (requestId: string) =>
  problem(503, 'DEPENDENCY_UNAVAILABLE', 'The delivery could not be recorded; retry later', requestId);
