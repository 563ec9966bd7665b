import { makeSignal, type Signal } from '../../signals/signal.js';
import type { WebhookNormalizer } from '../sdk/webhook-normalizer.js';
import { normalizeGeneric } from './generic.js';
import { GITHUB_NORMALIZERS } from './normalizers.js';

/** A verified GitHub delivery, body parsed. */
export interface GithubDelivery {
  /** The signals' provider: `github`, or a provider that extends it (GitHub Enterprise Server). */
  provider: string;
  /** X-GitHub-Event. */
  eventName: string;
  /** X-GitHub-Delivery: with the provider, it makes the signal id, so replays get the same id. */
  deliveryId: string;
  payload: unknown;
  connectionId: string;
  /** When the gateway received it: occurredAt for events that carry no time of their own (ping, star ...). */
  receivedAt: Date;
}

/**
 * One signal per delivery: a dedicated kind for the events and actions in GITHUB_NORMALIZERS, a
 * provider_event for everything else (STYLE.md: unknown event types are kept, never dropped).
 */
export function normalizeGithubDelivery(delivery: GithubDelivery): Signal[] {
  const { provider, eventName, deliveryId, payload, connectionId, receivedAt } = delivery;
  const normalizer = Object.hasOwn(GITHUB_NORMALIZERS, eventName) ? GITHUB_NORMALIZERS[eventName] : undefined;
  const normalized = normalizer?.(payload) ?? normalizeGeneric(eventName, payload);
  return [
    makeSignal({
      provider,
      connectionId,
      // A change a sync can also see is named by the change, so both make one signal (change-keys.ts).
      ...(normalized.changeKey ? { changeKey: normalized.changeKey } : { deliveryId, index: 0 }),
      kind: normalized.kind,
      occurredAt: normalized.occurredAt ?? receivedAt,
      actor: normalized.actor,
      subject: normalized.subject,
      summary: normalized.summary,
      payload,
    }),
  ];
}

/**
 * App-level deliveries (POST /webhooks/github): a GitHub App's events name their installation,
 * which identifies the connection. The manifest's routing path says the same (`installation.id`).
 */
export function githubRoutingId(payload: unknown): string | null {
  if (payload === null || typeof payload !== 'object') return null;
  const installation = (payload as { installation?: unknown }).installation;
  if (installation === null || typeof installation !== 'object') return null;
  const id = (installation as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id !== '') ? String(id) : null;
}

/** GitHub's rule: without X-GitHub-Event a payload cannot be told apart from another event's. */
export const githubWebhookNormalizer: WebhookNormalizer = (delivery) => {
  if (delivery.eventType === null)
    return { ok: false, reason: 'missing_event_type', detail: 'no X-GitHub-Event header' };
  return {
    ok: true,
    signals: normalizeGithubDelivery({
      ...delivery,
      provider: delivery.manifest.id,
      eventName: delivery.eventType,
    }),
  };
};
