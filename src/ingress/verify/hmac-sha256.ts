import { verifyHmacDelivery } from './hmac-delivery.js';
import type { DeclarationOf, VerifyRequest, VerifyResult, WebhookSecret } from './types.js';

/**
 * Any provider whose signature is an HMAC over a template of the request (Linear, Todoist, HubSpot
 * v3, Zoom, Notion, Dropbox, QuickBooks and custom providers): everything comes from the manifest.
 * A declared timestamp (header or signed body field) is required and checked against the window.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'hmac_sha256'>,
  now: Date,
): VerifyResult {
  return verifyHmacDelivery(webhook, request, secret, now);
}
