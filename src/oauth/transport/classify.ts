import { type CallContext, detailOf } from '../context.js';
import { classifyErrorCode, safeErrorCode } from '../error-codes.js';
import {
  type OAuthFailure,
  type OAuthProviderError,
  ProviderAccessDeniedError,
  ProviderInvalidClientError,
  ProviderInvalidGrantError,
  ProviderRateLimitedError,
  ProviderTransientError,
  ProviderUnexpectedResponseError,
} from '../errors.js';
import { redact } from '../redact.js';
import { parseRetryAfter } from './retry-after.js';

/** A whole answer, body included, read under the same deadline as the request. */
export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** What a provider said when it failed, however it said it (HTTP status, JSON, form, Slack's ok:false). */
export interface ProviderAnswer {
  status: number | undefined;
  error?: unknown;
  description?: unknown;
  retryAfter?: string | null;
}

/**
 * The failure fields of a non-OAuth JSON answer (revocation endpoints): RFC 6749's `error` /
 * `error_description`, or the `code` / `message` pair most REST APIs use (Notion, GitHub).
 */
export function answerOf(response: ProviderResponse): ProviderAnswer {
  const answer: ProviderAnswer = { status: response.status, retryAfter: response.headers.get('retry-after') };
  try {
    const body: unknown = JSON.parse(response.body);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const record = body as Record<string, unknown>;
      answer.error = record['error'] ?? record['code'];
      answer.description = record['error_description'] ?? record['message'];
    }
  } catch {
    // Not JSON: the status alone classifies it.
  }
  return answer;
}

/**
 * The HTTP status decides first where it is unambiguous (429, 5xx), then the error code, then a
 * 401 (client authentication failed), then nothing: unexpected.
 */
export function errorFromAnswer(context: CallContext, answer: ProviderAnswer): OAuthProviderError {
  const providerError = safeErrorCode(answer.error);
  const byCode = classifyErrorCode(providerError);
  const { status } = answer;
  const failure: OAuthFailure =
    status === 429
      ? 'rate_limited'
      : status !== undefined && status >= 500
        ? 'transient'
        : (byCode ?? (status === 401 ? 'invalid_client' : 'unexpected'));
  const description = redact(answer.description, context.secrets);
  const detail = detailOf(context, {
    ...(status === undefined ? {} : { status }),
    ...(providerError === undefined ? {} : { providerError }),
    ...(description === undefined ? {} : { description }),
  });
  return build(failure, context, detail, parseRetryAfter(answer.retryAfter ?? null), providerError);
}

/** A request that got no answer: timed out or never reached the provider. */
export function transportError(context: CallContext, error: unknown): OAuthProviderError {
  const name = context.manifest.displayName;
  if (isTimeout(error)) {
    return new ProviderTransientError(
      `${name} did not answer within ${context.timeoutMs} ms; try again later`,
      detailOf(context, { reason: 'timeout', timeoutMs: context.timeoutMs }),
    );
  }
  return new ProviderTransientError(
    `${name} could not be reached; try again later`,
    detailOf(context, { reason: `network: ${networkCode(error)}` }),
  );
}

function build(
  failure: OAuthFailure,
  context: CallContext,
  detail: ReturnType<typeof detailOf>,
  retryAfterMs: number | null,
  providerError: string | undefined,
): OAuthProviderError {
  const name = context.manifest.displayName;
  const code = providerError ? ` (${providerError})` : detail.status ? ` (HTTP ${detail.status})` : '';
  switch (failure) {
    case 'invalid_grant':
      return new ProviderInvalidGrantError(
        `${name} rejected the grant${code}: the connection must be authorized again`,
        400,
        detail,
      );
    case 'access_denied':
      return new ProviderAccessDeniedError(`${name} did not grant access${code}`, 400, detail);
    case 'invalid_client':
      return new ProviderInvalidClientError(
        `${name} refused the integration's configuration${code}: check its client id, secret, redirect URI and scopes`,
        400,
        detail,
      );
    case 'transient':
      return new ProviderTransientError(
        `${name} is unavailable${code}; try again later`,
        detail,
        retryAfterMs,
      );
    case 'rate_limited':
      return new ProviderRateLimitedError(
        `${name} is rate limiting requests${code}${retryAfterMs === null ? '' : `; retry in ${Math.ceil(retryAfterMs / 1000)} s`}`,
        detail,
        retryAfterMs,
      );
    case 'unexpected':
      return new ProviderUnexpectedResponseError(
        `${name} answered with an unexpected error${code}`,
        502,
        detail,
      );
    default: {
      const unhandled: never = failure;
      throw new Error(`unhandled failure ${String(unhandled)}`);
    }
  }
}

export function isTimeout(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current.name === 'TimeoutError') return true;
    current = current.cause;
  }
  return false;
}

/**
 * ECONNREFUSED, ENOTFOUND, UND_ERR_SOCKET...: the system's code when there is one, else the
 * innermost cause's words ("bad port"). Only endpoints without secrets in their URLs are fetched
 * (token, revocation, discovery), so nothing here can carry a token.
 */
function networkCode(error: unknown): string {
  let current: unknown = error;
  let innermost: Error | undefined;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    innermost = current;
    current = current.cause;
  }
  return innermost ? innermost.message.slice(0, 100) : 'unknown';
}
