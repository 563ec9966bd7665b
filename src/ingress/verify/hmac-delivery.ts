import { valuesAt } from '../../shared/json-path.js';
import { type Locator, locate } from '../delivery/locate.js';
import { headerOf, parseJsonBody, secretBytes } from './request.js';
import { checkHmacSignature, type SignatureSpec, signedBytes } from './signature.js';
import { checkWindow, parseTimestamp, type TimestampUnit } from './timestamp.js';
import { refuse, type VerifyRequest, type VerifyResult, type WebhookSecret } from './types.js';

/** The parts of a manifest declaration an HMAC scheme reads. */
export interface HmacDeclaration {
  signature: SignatureSpec;
  timestamp?:
    | {
        header?: string | undefined;
        bodyPath?: string | undefined;
        unit: TimestampUnit;
        toleranceSeconds: number;
      }
    | undefined;
  deliveryId?: Locator | undefined;
}

/**
 * The HMAC schemes (GitHub, Slack, Atlassian, and any provider declared as `hmac_sha256`) differ
 * only in data: which header, which encoding, what is signed, where the timestamp is.
 *
 * The signature is checked before the window, so `stale_timestamp` means "authentic but old" and
 * points at a replay or a skewed clock rather than at a forgery.
 */
export function verifyHmacDelivery(
  declaration: HmacDeclaration,
  request: VerifyRequest,
  secret: WebhookSecret,
  now: Date,
): VerifyResult {
  if (secretBytes(secret).length === 0) return refuse('secret_not_configured');
  const { timestamp } = declaration;
  const timestampText = timestamp?.header ? headerOf(request, timestamp.header) : undefined;
  if (timestamp?.header && timestampText === undefined) return refuse('missing_timestamp');

  const signed = signedBytes(declaration.signature.signedPayload, request, timestampText);
  if (signed === 'missing_timestamp') return refuse('missing_timestamp');
  const problem = checkHmacSignature(declaration.signature, request, secret, signed);
  if (problem) return refuse(problem);

  // Verified: from here on the body may be parsed.
  const body = timestamp?.bodyPath || declaration.deliveryId?.bodyPath ? parseJsonBody(request) : undefined;
  let signedAt: Date | null = null;
  if (timestamp) {
    const raw = timestampText ?? (timestamp.bodyPath ? valuesAt(body, timestamp.bodyPath)[0] : undefined);
    if (raw === undefined) return refuse('missing_timestamp');
    signedAt = parseTimestamp(raw, timestamp.unit);
    if (signedAt === null) return refuse('malformed_timestamp');
    const outside = checkWindow(signedAt, now, timestamp.toleranceSeconds);
    if (outside) return refuse(outside);
  }
  return { ok: true, deliveryId: locate(declaration.deliveryId, request, body), timestamp: signedAt };
}
