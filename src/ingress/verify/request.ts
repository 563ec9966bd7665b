import type { VerifyRequest, WebhookSecret } from './types.js';

/** Header lookup by a manifest's header name (any case); an empty header counts as absent. */
export function headerOf(request: VerifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return value === undefined || value === '' ? undefined : value;
}

/** HMAC key bytes. Text secrets are UTF-8, as every provider that hands out a text secret uses them. */
export function secretBytes(secret: WebhookSecret): Buffer {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}

/**
 * The body as JSON, or undefined when it is not JSON. Only called after the signature has been
 * checked (or, for schemes whose credential is inside the body, to find that credential).
 */
export function parseJsonBody(request: VerifyRequest): unknown {
  try {
    return JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return undefined;
  }
}
