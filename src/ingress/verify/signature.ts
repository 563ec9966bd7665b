import { createHmac } from 'node:crypto';
import { anyEqual } from '../../shared/constant-time.js';
import { headerOf, secretBytes } from './request.js';
import type { VerifyFailureReason, VerifyRequest, WebhookSecret } from './types.js';

/** The manifest's `signature` block (schema: connectors/sdk/schema/webhooks.ts). */
export interface SignatureSpec {
  header: string;
  algorithm: 'sha256' | 'sha1';
  encoding: 'hex' | 'base64';
  prefix: string;
  signedPayload: string;
}

const DIGEST_BYTES = { sha256: 32, sha1: 20 } as const;

/**
 * The bytes the provider signed: the template with `{body}` as the raw body bytes (never decoded and
 * re-encoded) and `{timestamp}` as the header text exactly as sent.
 */
export function signedBytes(
  template: string,
  request: VerifyRequest,
  timestampText: string | undefined,
): Buffer | 'missing_timestamp' {
  const parts: Buffer[] = [];
  for (const [index, piece] of template.split(/\{(body|timestamp|method|url)\}/).entries()) {
    // split with a capture group alternates literal text (even) and placeholder names (odd).
    if (index % 2 === 0) parts.push(Buffer.from(piece, 'utf8'));
    else if (piece === 'body') parts.push(request.rawBody);
    else if (piece === 'method') parts.push(Buffer.from(request.method.toUpperCase(), 'utf8'));
    else if (piece === 'url') parts.push(Buffer.from(request.url, 'utf8'));
    else if (timestampText === undefined) return 'missing_timestamp';
    else parts.push(Buffer.from(timestampText, 'utf8'));
  }
  return Buffer.concat(parts);
}

/**
 * Checks an HMAC signature header against the signed bytes. The presented digest is decoded before
 * comparing, so hex case does not matter and only well-formed digests of the right size count.
 */
export function checkHmacSignature(
  spec: SignatureSpec,
  request: VerifyRequest,
  secret: WebhookSecret,
  signed: Buffer,
): Extract<VerifyFailureReason, 'missing_signature' | 'malformed_signature' | 'bad_signature'> | null {
  const header = headerOf(request, spec.header);
  if (header === undefined) return 'missing_signature';
  const presented = decodeDigest(header.trim(), spec);
  if (presented === null) return 'malformed_signature';
  const expected = createHmac(spec.algorithm, secretBytes(secret)).update(signed).digest();
  return anyEqual([presented], expected) ? null : 'bad_signature';
}

function decodeDigest(value: string, spec: SignatureSpec): Buffer | null {
  if (!value.startsWith(spec.prefix)) return null;
  const digest = value.slice(spec.prefix.length);
  const bytes = decodeStrict(digest, spec.encoding);
  return bytes !== null && bytes.length === DIGEST_BYTES[spec.algorithm] ? bytes : null;
}

/** Buffer.from silently skips characters it cannot decode; refuse them instead. */
export function decodeStrict(text: string, encoding: 'hex' | 'base64' | 'base64url'): Buffer | null {
  const pattern = {
    hex: /^(?:[0-9a-fA-F]{2})+$/,
    base64: /^[A-Za-z0-9+/]+={0,2}$/,
    base64url: /^[A-Za-z0-9_-]+$/,
  }[encoding];
  return pattern.test(text) ? Buffer.from(text, encoding) : null;
}
