import { equalTokens } from '../../shared/constant-time.js';
import { headerOf, secretBytes } from './request.js';
import {
  type DeclarationOf,
  refuse,
  type VerifyRequest,
  type VerifyResult,
  type WebhookSecret,
} from './types.js';

/**
 * Google push channels (Calendar, Directory, Drive): no signature. The token given at watch time
 * comes back in X-Goog-Channel-Token and must equal the secret.
 * https://developers.google.com/calendar/api/guides/push
 *
 * The delivery id is `<channel id>/<message number>`: message numbers restart at 1 on every new
 * channel (channels are renewed by watching again), so the number alone would collide across renewals.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'google_channel_token'>,
  _now: Date,
): VerifyResult {
  const expected = secretBytes(secret);
  if (expected.length === 0) return refuse('secret_not_configured');
  const token = headerOf(request, webhook.tokenHeader);
  if (token === undefined) return refuse('missing_token');
  if (!equalTokens(Buffer.from(token, 'utf8'), expected)) return refuse('bad_token');
  const channel = headerOf(request, webhook.channelIdHeader);
  const number = headerOf(request, webhook.messageNumberHeader);
  const deliveryId = number === undefined ? null : channel === undefined ? number : `${channel}/${number}`;
  return { ok: true, deliveryId, timestamp: null };
}
