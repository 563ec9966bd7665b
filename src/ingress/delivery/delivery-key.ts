import { createHash } from 'node:crypto';
import { uuidV5 } from '../../signals/uuid-v5.js';
import type { WebhookDeclaration } from '../verify/types.js';

/** Namespace of the ids of events the gateway writes: fixed, random, Switchboard's own. */
const INGRESS_EVENT_NAMESPACE = 'c4b0ad38-5a5e-4f8e-9d38-7d0f0e4b9a61';

/**
 * Whether someone who captured a delivery could not replay it under another id without the
 * secret. Standard Webhooks sign webhook-id. Google channels authenticate every header alike with
 * a bearer token, and their bodies are empty: only the message number tells notifications apart.
 * Graph signs nothing and sends no id; its clientState is in the body. Elsewhere the manifest says
 * (`deliveryId.signed`); unsaid, an id from a header is unsigned and one from the body is signed.
 */
export function deliveryIdSigned(webhooks: WebhookDeclaration): boolean {
  switch (webhooks.scheme) {
    case 'standard_webhooks':
    case 'google_channel_token':
      return true;
    case 'microsoft_graph':
      return false;
    default:
      return webhooks.deliveryId?.signed ?? webhooks.deliveryId?.header === undefined;
  }
}

export const sha256Hex = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * What makes a delivery unique for its connection; the ids of the events it becomes derive from it,
 * so the log recognizes a redelivery or a replay. It must be what an attacker cannot change without
 * the secret, and what a provider's retry does not change.
 * - The id is signed (Slack's event_id is in the signed body, Standard Webhooks sign webhook-id):
 *   retries of one event may differ in their signed timestamp, so the id is the identity.
 * - The id is unsigned (GitHub's X-GitHub-Delivery, Todoist's, Jira's and Linear's headers) or
 *   absent: the signed body is, since a captured body under a fresh id is the same delivery. Where
 *   the body holds when it was sent (Linear's webhookTimestamp: a retry is a new body), the body
 *   without that field is (`payload`: the parsed body).
 */
export function deliveryKey(
  webhooks: WebhookDeclaration,
  deliveryId: string | null,
  bodySha256: string,
  payload: unknown,
): string {
  if (deliveryId !== null && deliveryIdSigned(webhooks)) return `id:${deliveryId}`;
  const sentAtPath = 'timestamp' in webhooks ? webhooks.timestamp?.bodyPath : undefined;
  if (sentAtPath && payload !== null && typeof payload === 'object') {
    const unsent = JSON.stringify(withoutPath(payload as Record<string, unknown>, sentAtPath.split('.')));
    return `content:${sha256Hex(unsent)}`;
  }
  return `sha256:${bodySha256}`;
}

/** A copy of `document` without the value at `path` (objects along the path copied, the rest shared). */
function withoutPath(document: Record<string, unknown>, [key, ...rest]: string[]): Record<string, unknown> {
  if (key === undefined || !(key in document)) return document;
  const copy = { ...document };
  const child = copy[key];
  if (rest.length === 0) delete copy[key];
  else if (child !== null && typeof child === 'object' && !Array.isArray(child))
    copy[key] = withoutPath(child as Record<string, unknown>, rest);
  return copy;
}

/**
 * Deterministic event ids: the same delivery to the same connection always yields the same ids,
 * so the event store's idempotent append absorbs a redelivery.
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
