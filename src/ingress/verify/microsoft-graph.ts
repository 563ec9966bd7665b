import { equalTokens } from '../../shared/constant-time.js';
import { valuesAt } from '../../shared/json-path.js';
import { locate } from '../delivery/locate.js';
import { parseJsonBody, secretBytes } from './request.js';
import {
  type DeclarationOf,
  refuse,
  type VerifyRequest,
  type VerifyResult,
  type WebhookSecret,
} from './types.js';

/**
 * Microsoft Graph change notifications carry no signature. Each notification in `value[]` repeats
 * the clientState chosen at subscription time, and every one of them must equal the secret: a batch
 * with one missing or wrong clientState is refused whole, since it did not all come from our
 * subscription. https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks
 *
 * The credential is inside the body, so the body is parsed here: the one exception to "verify
 * before parsing", and why a body that is not JSON is `malformed_payload` (refused, not a dead letter).
 * The validationToken handshake is answered before this runs (handshake.ts).
 */
export function verify(
  request: VerifyRequest,
  secret: WebhookSecret,
  webhook: DeclarationOf<'microsoft_graph'>,
  _now: Date,
): VerifyResult {
  const expected = secretBytes(secret);
  if (expected.length === 0) return refuse('secret_not_configured');
  const body = parseJsonBody(request);
  if (body === undefined) return refuse('malformed_payload');
  const states = valuesAt(body, webhook.clientStatePath);
  if (states.length === 0 || states.some((state) => typeof state !== 'string' || state === '')) {
    return refuse('missing_token');
  }
  // Compare every one (no early exit) so timing does not reveal which notification failed.
  let allMatch = true;
  for (const state of states as string[]) {
    allMatch = equalTokens(Buffer.from(state, 'utf8'), expected) && allMatch;
  }
  if (!allMatch) return refuse('bad_token');
  // Graph sends no delivery id; a custom declaration may still name one.
  return { ok: true, deliveryId: locate(webhook.deliveryId, request, body), timestamp: null };
}
