import type { WebhookDeclaration } from '../verify/types.js';

/** What of a delivery is a credential and never stored: payload members and headers. */
export interface DeliverySecrets {
  /** Manifest JSON paths of members removed from the body before it is kept (delivery-body.ts). */
  fields: string[];
  /** Header names (lower case) left out of a dead letter's headers. */
  headers: string[];
}

/**
 * The manifest's `secretFields`, plus what a scheme's own credential implies, so a custom provider
 * declared with a token scheme cannot forget it: Graph's clientState is the connection's webhook
 * secret in every notification; Google's channel token comes back in a header on every message.
 */
export function secretsOf(webhooks: WebhookDeclaration): DeliverySecrets {
  const fields = new Set(webhooks.secretFields);
  const headers: string[] = [];
  if (webhooks.scheme === 'microsoft_graph') fields.add(webhooks.clientStatePath);
  if (webhooks.scheme === 'google_channel_token') headers.push(webhooks.tokenHeader.toLowerCase());
  return { fields: [...fields], headers };
}
