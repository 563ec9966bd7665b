import { createHash } from 'node:crypto';
import type { WebhookScheme } from '../connectors/sdk/schema/webhooks.js';
import { uuidV5 } from '../signals/uuid-v5.js';

/** Namespace of the ids of events the gateway writes: fixed, random, Switchboard's own. */
const INGRESS_EVENT_NAMESPACE = 'c4b0ad38-5a5e-4f8e-9d38-7d0f0e4b9a61';

/**
 * Schemes whose delivery id is not authenticated: GitHub signs the body only (X-GitHub-Delivery
 * is not signed) and Graph sends no delivery id at all. What identifies one of their deliveries is
 * its body, which the signature (or clientState) does cover.
 */
const IDENTIFIED_BY_BODY: ReadonlySet<WebhookScheme> = new Set(['github_hmac_sha256', 'microsoft_graph']);

export interface DeliveryKey {
  /** What makes the delivery unique for its connection; the event ids derive from it. */
  identity: string;
  /** Every key the replay guard remembers: the identity, plus the delivery id when it is not the identity. */
  replayKeys: string[];
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A replayed delivery must be recognized whatever an attacker can change without the secret. For
 * GitHub and Graph that is the body (a captured body under a fresh, unsigned X-GitHub-Delivery is
 * the same delivery); elsewhere the delivery id is signed (Slack's event_id is in the signed body,
 * Standard Webhooks sign webhook-id), and retries of one event may differ in their signed
 * timestamp, so the id is the identity. No id at all: the body.
 */
export function deliveryKey(
  scheme: WebhookScheme,
  deliveryId: string | null,
  bodySha256: string,
): DeliveryKey {
  const byBody = `sha256:${bodySha256}`;
  if (IDENTIFIED_BY_BODY.has(scheme) || deliveryId === null) {
    return { identity: byBody, replayKeys: deliveryId === null ? [byBody] : [byBody, `id:${deliveryId}`] };
  }
  const byId = `id:${deliveryId}`;
  return { identity: byId, replayKeys: [byId] };
}

/**
 * Deterministic event ids: the same delivery to the same connection always yields the same ids,
 * so the event store's idempotent append absorbs a redelivery that got past the replay guard.
 * Tenant and connection are part of the name, so no delivery to one connection can collide with
 * (or block) another's.
 */
export function ingressEventId(
  purpose: 'signal' | 'rejected' | 'dead_letter',
  target: { tenantId: string; connectionId: string },
  ...parts: Array<string | number>
): string {
  return uuidV5(
    INGRESS_EVENT_NAMESPACE,
    [purpose, target.tenantId, target.connectionId, ...parts.map(String)].join('\u0000'),
  );
}
