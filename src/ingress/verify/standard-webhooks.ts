import { createHmac } from 'node:crypto';
import { anyEqual } from '../../shared/constant-time.js';
import { headerOf } from './request.js';
import { decodeStrict } from './signature.js';
import { checkWindow, parseTimestamp } from './timestamp.js';
import {
  type DeclarationOf,
  refuse,
  type VerifyRequest,
  type VerifyResult,
  type WebhookSecret,
} from './types.js';

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, spec/standard-webhooks.md):
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">`, where
 * the key is the base64 part of a `whsec_` secret. The header may list several space-separated
 * signatures (secret rotation, future versions): any v1 match is enough, and all are compared.
 *
 * Our own code rather than the `standardwebhooks` package: its verify reads the clock itself
 * (Date.now) and parses the body; ours takes `now` and stays pure. It reproduces the spec's test vector.
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'standard_webhooks'>,
  now: Date,
): VerifyResult {
  const key = signingKey(secret);
  if (key === null || key.length === 0) return refuse('secret_not_configured');
  const id = headerOf(request, 'webhook-id');
  const timestampText = headerOf(request, 'webhook-timestamp');
  const signatures = headerOf(request, 'webhook-signature');
  if (signatures === undefined) return refuse('missing_signature');
  if (id === undefined) return refuse('missing_delivery_id');
  if (timestampText === undefined) return refuse('missing_timestamp');

  const candidates = signatures
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version]) => version === 'v1')
    .map(([, signature]) => decodeStrict(signature ?? '', 'base64'))
    .filter((bytes): bytes is Buffer => bytes !== null);
  if (candidates.length === 0) return refuse('malformed_signature');

  const signed = Buffer.concat([Buffer.from(`${id}.${timestampText}.`, 'utf8'), request.rawBody]);
  const expected = createHmac('sha256', key).update(signed).digest();
  if (!anyEqual(candidates, expected)) return refuse('bad_signature');

  const timestamp = parseTimestamp(timestampText, 'seconds');
  if (timestamp === null) return refuse('malformed_timestamp');
  const outside = checkWindow(timestamp, now, webhook.toleranceSeconds);
  if (outside) return refuse(outside);
  return { ok: true, deliveryId: id, timestamp };
}

/** `whsec_<base64>` (or the bare base64, as the reference libraries accept); raw bytes as given. */
function signingKey(secret: WebhookSecret): Buffer | null {
  if (typeof secret !== 'string') return secret;
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return decodeStrict(encoded, 'base64');
}
