import { headerOf, parseJsonBody } from './verify/request.js';
import type { VerifyRequest, WebhookDeclaration } from './verify/types.js';

/** What the gateway answers to a handshake instead of recording a delivery. */
export interface HandshakeResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * When in the request's life a handshake is answered:
 * - `before_verification`: only handshakes the provider cannot authenticate (Graph's
 *   validationToken request carries no clientState). Never reads the body.
 * - `after_verification` (default): handshakes of schemes that sign or token-authenticate them
 *   (Slack signs url_verification; Google's `sync` message carries the channel token). The body may
 *   be read, because it has been verified.
 *
 * The gateway: `handshakeResponse(w, req, 'before_verification')`, then verifyDelivery, then
 * `handshakeResponse(w, req)`; a non-null answer is sent as is and records no signal.
 */
export type HandshakePhase = 'before_verification' | 'after_verification';

export function handshakeResponse(
  webhooks: WebhookDeclaration,
  request: VerifyRequest,
  phase: HandshakePhase = 'after_verification',
): HandshakeResponse | null {
  switch (webhooks.scheme) {
    case 'microsoft_graph':
      return phase === 'before_verification' ? graphValidation(request, webhooks.validationTokenParam) : null;
    case 'slack_v0':
      return phase === 'after_verification' ? slackUrlVerification(request) : null;
    case 'google_channel_token':
      return phase === 'after_verification' ? googleSync(request, webhooks.resourceStateHeader) : null;
    default:
      // Zoom's url_validation, Dropbox's challenge and Notion's verification_token are declared in
      // manifests but not answered yet.
      return null;
  }
}

/**
 * Subscription creation POSTs `?validationToken=...`; Graph expects the token, URL-decoded, as
 * text/plain with 200 within 10 seconds. text/plain also keeps an echoed token from being rendered.
 * https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#notificationurl-validation
 */
function graphValidation(request: VerifyRequest, param: string): HandshakeResponse | null {
  if (request.method.toUpperCase() !== 'POST') return null;
  const token = new URL(request.url, 'http://switchboard.invalid').searchParams.get(param);
  return token === null ? null : { status: 200, contentType: 'text/plain', body: token };
}

/**
 * `{"type": "url_verification", "challenge": ...}`: answer the challenge in plain text.
 * https://docs.slack.dev/reference/events/url_verification
 */
function slackUrlVerification(request: VerifyRequest): HandshakeResponse | null {
  const body = parseJsonBody(request);
  if (body === null || typeof body !== 'object') return null;
  const { type, challenge } = body as Record<string, unknown>;
  if (type !== 'url_verification' || typeof challenge !== 'string') return null;
  return { status: 200, contentType: 'text/plain', body: challenge };
}

/** The first message of a channel says `sync`; it announces the channel and carries no change. */
function googleSync(request: VerifyRequest, stateHeader: string): HandshakeResponse | null {
  return headerOf(request, stateHeader) === 'sync'
    ? { status: 200, contentType: 'text/plain', body: '' }
    : null;
}
