import { verifyHmacDelivery } from './hmac-delivery.js';
import type { DeclarationOf, VerifyRequest, VerifyResult, WebhookSecret } from './types.js';

/**
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:{X-Slack-Request-Timestamp}:{body}">`, and
 * the timestamp must be within five minutes of now, either way.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 *
 * The manifest carries the header names, template and window; the schema makes `timestamp`
 * mandatory for this scheme, so a Slack delivery without one is always refused.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'slack_v0'>,
  now: Date,
): VerifyResult {
  return verifyHmacDelivery(webhook, request, secret, now);
}
