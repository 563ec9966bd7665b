import { SwitchboardError } from '../shared/errors.js';

/**
 * The hub's own refusals and failures on /proxy, each with its wire code. A provider's own answer
 * (any status) is never one of these: it streams back as the provider sent it.
 */

/** The path would leave the provider's API prefix or smuggle a host, header or control character. */
export class ProxyPathRefusedError extends SwitchboardError {
  constructor(reason: string) {
    super('PROXY_PATH_REFUSED', `Proxy path refused: ${reason}`, { status: 400, detail: { reason } });
  }
}

/** The provider (or our budget for it) says not yet, for longer than the call may wait. */
export class ProxyRateLimitedError extends SwitchboardError {
  readonly retryAfterSeconds: number;
  constructor(retryAt: Date | null, now: number) {
    const seconds = retryAt ? Math.max(1, Math.ceil((retryAt.getTime() - now) / 1000)) : 1;
    super('RATE_LIMITED', `The provider's rate limit is reached; retry in ${seconds} s`, {
      status: 429,
      extensions: { retryAfterSeconds: seconds },
    });
    this.retryAfterSeconds = seconds;
  }
}

/** The circuit of the provider's origin is open, or the provider could not be reached at all. */
export class ProviderUnavailableError extends SwitchboardError {
  readonly retryAfterSeconds: number | null;
  constructor(message: string, options: { retryAfterSeconds?: number; cause?: unknown } = {}) {
    super('PROVIDER_UNAVAILABLE', message, { status: 503, cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
  // The caller can act on it (wait and retry): the message names no secret.
  override get expose(): boolean {
    return true;
  }
}

/** The provider refused the connection's credentials even after a refresh, or they cannot be used. */
export class ProxyAuthError extends SwitchboardError {
  constructor(connectionId: string, cause?: unknown) {
    super(
      'PROVIDER_AUTH_ERROR',
      `The provider refused the credentials of connection ${connectionId}: it must be reconnected`,
      { status: 409, detail: { connectionId }, cause },
    );
  }
}

/** No answer (headers, or the rest of a body) within the proxy's deadline. */
export class ProviderTimeoutError extends SwitchboardError {
  constructor(timeoutMs: number, cause?: unknown) {
    super('PROVIDER_TIMEOUT', `The provider did not answer within ${timeoutMs} ms`, { status: 504, cause });
  }
  override get expose(): boolean {
    return true;
  }
}

/**
 * The provider's host resolved to an address the hub never calls (loopback, private, link-local,
 * metadata): a manifest or connection value pointing inward, refused before a socket opens.
 */
export class ProviderAddressRefusedError extends SwitchboardError {
  constructor(host: string, address: string) {
    super('PROXY_PATH_REFUSED', `The provider's host ${host} resolves to a refused address`, {
      status: 502,
      detail: { host, address },
    });
  }
  override get expose(): boolean {
    return true;
  }
}

/** The provider's answer is larger than the proxy passes back; it is cut off there. */
export class ProxyResponseTooLargeError extends SwitchboardError {
  constructor(maxBytes: number) {
    super('PROVIDER_RESPONSE_TOO_LARGE', `The provider's answer exceeds ${maxBytes} bytes`, { status: 502 });
  }
}
