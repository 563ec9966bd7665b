import { makeSignal, type Signal } from '../../signals/signal.js';
import type { WebhookNormalizer } from '../sdk/webhook-normalizer.js';
import { channelSubject, slackTime, userActor } from './describe.js';
import { type Normalized, SLACK_NORMALIZERS } from './normalizers.js';
import { envelopeSchema, type SlackEnvelope } from './payloads.js';

/** A verified Slack Events API delivery, body parsed. */
export interface SlackDelivery {
  /** The signals' provider: `slack`, or a provider that extends it (GovSlack, say). */
  provider: string;
  /** The envelope's event_id (same on Slack's retries), which makes the signal id. */
  deliveryId: string;
  payload: unknown;
  connectionId: string;
  /** When the gateway received it: occurredAt when the event carries no usable time. */
  receivedAt: Date;
}

/**
 * `event_callback` envelopes become one signal for their inner event: a dedicated kind for the
 * types in SLACK_NORMALIZERS, a provider_event for any other type or envelope (app_rate_limited ...),
 * never dropped. url_verification never gets here: the gateway answers it as a handshake.
 */
export function normalizeSlackDelivery(delivery: SlackDelivery): Signal[] {
  const { provider, deliveryId, payload, connectionId, receivedAt } = delivery;
  const envelope = envelopeSchema.safeParse(payload).data;
  const teamId = envelope ? slackRoutingId(payload) : null;
  const inner = envelope?.type === 'event_callback' ? envelope.event : undefined;
  const normalizer =
    inner && Object.hasOwn(SLACK_NORMALIZERS, inner.type) ? SLACK_NORMALIZERS[inner.type] : undefined;
  const normalized = normalizer?.(inner, teamId) ?? normalizeGeneric(envelope, teamId);
  return [
    makeSignal({
      provider,
      connectionId,
      deliveryId,
      index: 0,
      kind: normalized.kind,
      occurredAt: normalized.occurredAt ?? slackTime(envelope?.event_time) ?? receivedAt,
      actor: normalized.actor,
      subject: normalized.subject,
      summary: normalized.summary,
      payload,
    }),
  ];
}

function normalizeGeneric(envelope: SlackEnvelope | undefined, teamId: string | null): Normalized {
  const event = envelope?.event;
  const user = typeof event?.['user'] === 'string' ? event['user'] : undefined;
  const channel = typeof event?.['channel'] === 'string' ? event['channel'] : undefined;
  const subtype = typeof event?.['subtype'] === 'string' ? ` (${event['subtype']})` : '';
  const what = event ? `${event.type}${subtype}` : (envelope?.type ?? 'unrecognized payload');
  const by = user ? ` by ${user}` : '';
  const where = channel ? ` in channel ${channel}` : '';
  return {
    kind: 'provider_event',
    actor: user ? userActor(user) : null,
    subject: channel ? channelSubject(teamId, channel) : null,
    summary: `Slack ${what}${by}${where}`,
    occurredAt: slackTime(
      typeof event?.['event_ts'] === 'string' ? event['event_ts'] : undefined,
      typeof event?.['ts'] === 'string' ? event['ts'] : undefined,
    ),
  };
}

/**
 * App-level deliveries (POST /webhooks/slack): the workspace names the connection. team_id first;
 * then the authorization's team, then the enterprise for org-wide installs, which may send events
 * without a workspace.
 */
export function slackRoutingId(payload: unknown): string | null {
  const envelope = envelopeSchema.safeParse(payload).data;
  if (!envelope) return null;
  const [authorization] = envelope.authorizations ?? [];
  return (
    envelope.team_id ??
    authorization?.team_id ??
    envelope.enterprise_id ??
    authorization?.enterprise_id ??
    null
  );
}

export const slackWebhookNormalizer: WebhookNormalizer = (delivery) => ({
  ok: true,
  signals: normalizeSlackDelivery({ ...delivery, provider: delivery.manifest.id }),
});
