import { locate } from '../locate.js';
import { verifyHmacDelivery } from './hmac-delivery.js';
import { verifyHs256 } from './jwt-hs256.js';
import { headerOf, secretBytes } from './request.js';
import {
  type DeclarationOf,
  refuse,
  type VerifyRequest,
  type VerifyResult,
  type WebhookSecret,
} from './types.js';

/** Clock leeway for the dynamic-webhook JWT's exp and iat. */
const JWT_LEEWAY_SECONDS = 60;

/**
 * Jira / Atlassian, two ways, as the manifest declares:
 * - admin webhooks registered with a secret: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`
 *   (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks);
 * - dynamic webhooks an OAuth app registers through the REST API: a JWT signed (HS256) with the
 *   app's client secret in `Authorization`; then `secret` must be that client secret.
 * The signature header wins when both are present. Neither carries a signed body timestamp; the
 * JWT's exp bounds its replay.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'atlassian'>,
  now: Date,
): VerifyResult {
  const jwt = webhook.dynamicWebhookJwt;
  if (!jwt || headerOf(request, webhook.signature.header) !== undefined) {
    return verifyHmacDelivery(webhook, request, secret, now);
  }
  const authorization = headerOf(request, jwt.header);
  if (authorization === undefined) return refuse('missing_signature');
  if (secretBytes(secret).length === 0) return refuse('secret_not_configured');
  const token = authorization.replace(/^(?:Bearer|JWT)\s+/i, '').trim();
  const verdict = verifyHs256(token, secret, now, JWT_LEEWAY_SECONDS);
  if (!verdict.ok) return refuse(verdict.reason);
  return { ok: true, deliveryId: locate(webhook.deliveryId, request), timestamp: verdict.issuedAt };
}
