import { createHash } from 'node:crypto';
import { locate } from '../delivery/locate.js';
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

/** What Atlassian puts in `qsh` of tokens not tied to a URL (context and session tokens). */
const CONTEXT_QSH = 'context-qsh';

/**
 * Jira / Atlassian, two ways, as the manifest declares:
 * - admin webhooks registered with a secret: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`
 *   (https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks);
 * - dynamic webhooks an OAuth app registers through the REST API: a JWT signed (HS256) with the
 *   app's client secret in `Authorization`; then `secret` must be that client secret.
 * The signature header wins when both are present. Neither carries a signed body timestamp; the
 * JWT's exp (required) bounds its replay, and its `qsh` claim binds it to the method, path and query
 * it was minted for, so a token seen on one request cannot be replayed on another connection's URL.
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
  const qsh = verdict.claims['qsh'];
  if (typeof qsh !== 'string') return refuse('malformed_signature');
  // Atlassian signs server-to-server requests (webhooks among them) with the computed hash;
  // `context-qsh` marks tokens handed to an app's browser frontend, which any signed-in user holds.
  if (qsh === CONTEXT_QSH || qsh !== queryStringHash(request.method, request.url)) {
    return refuse('bad_signature');
  }
  return { ok: true, deliveryId: locate(webhook.deliveryId, request), timestamp: verdict.issuedAt };
}

function queryStringHash(method: string, url: string): string {
  return createHash('sha256').update(canonicalRequest(method, url), 'utf8').digest('hex');
}

/**
 * Atlassian's canonical request (https://developer.atlassian.com/cloud/jira/platform/understanding-jwt-for-connect-apps/#qsh):
 * `METHOD&path&query`. The path loses a trailing slash and has `&` encoded; the query drops `jwt`,
 * sorts parameters by encoded name (code point order), joins a repeated parameter's sorted values
 * with `,`, and encodes as OAuth 1.0 does (RFC 5849 §3.6: only unreserved characters stay).
 */
export function canonicalRequest(method: string, url: string): string {
  const parsed = new URL(url);
  let path = parsed.pathname.replace(/\/+$/, '') || '/';
  path = path.replaceAll('&', '%26');
  const values = new Map<string, string[]>();
  for (const [name, value] of parsed.searchParams) {
    if (name === 'jwt') continue;
    const key = oauthEncode(name);
    values.set(key, [...(values.get(key) ?? []), oauthEncode(value)]);
  }
  const query = [...values.keys()]
    .sort(byCodePoint)
    .map((key) => `${key}=${values.get(key)!.sort(byCodePoint).join(',')}`)
    .join('&');
  return `${method.toUpperCase()}&${path}&${query}`;
}

const oauthEncode = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );

const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
