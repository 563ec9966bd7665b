import { verifyHmacDelivery } from './hmac-delivery.js';
import type { DeclarationOf, VerifyRequest, VerifyResult, WebhookSecret } from './types.js';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 *
 * GitHub signs neither a timestamp nor the delivery id, so there is no window to check: replays are
 * caught only by the delivery-id dedupe, and a captured body replayed under a fresh
 * X-GitHub-Delivery is not. The gateway's dedupe should therefore also key on the body digest.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'github_hmac_sha256'>,
  now: Date,
): VerifyResult {
  return verifyHmacDelivery(webhook, request, secret, now);
}
