import type { VerifyFailureReason } from '../../ingress/verify/types.js';

/**
 * What each webhook verification failure reason (the `reason` label of
 * switchboard_webhook_verify_failures_total) usually means; a reason the ingress adds fails to
 * compile here until it is explained.
 */
export const VERIFY_FAILURE_FIXES = {
  secret_not_configured:
    "no secret to verify with: set the connection's (configureWebhook) or the app's (SWITCHBOARD_WEBHOOK_SECRETS)",
  missing_signature:
    'the signature header is absent: a sender that is not the provider, or a proxy dropping headers',
  malformed_signature: "the header is not in the provider's format (prefix, encoding)",
  bad_signature:
    'the secrets differ (rotated at one end only), or the body was changed on its way (a proxy re-encoding it)',
  missing_timestamp: 'the signed timestamp is absent',
  malformed_timestamp: 'the timestamp is not a number in the declared unit',
  stale_timestamp:
    "older than the tolerance: the hub's clock is ahead, deliveries queued too long, or a replay",
  future_timestamp: "newer than the tolerance: the hub's clock is behind",
  missing_delivery_id: 'the scheme needs a delivery id and none came',
  missing_token: 'token schemes (Graph clientState, Google channel token): no token in the notification',
  bad_token: 'token schemes: the subscription or channel was created with another secret',
  malformed_payload: 'the credential lives in the body (Graph) and the body is not the JSON expected',
} as const satisfies Record<VerifyFailureReason, string>;
