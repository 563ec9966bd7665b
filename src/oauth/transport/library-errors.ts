import {
  AuthorizationResponseError,
  ClientError,
  ResponseBodyError,
  WWWAuthenticateChallengeError,
} from 'openid-client';
import { type CallContext, detailOf } from '../context.js';
import { OAuthProviderError, ProviderUnexpectedResponseError } from '../errors.js';
import { errorFromAnswer, isTimeout, transportError } from './classify.js';

/**
 * Translates whatever openid-client (or fetch under it) threw into one of our classes, at the
 * boundary (STYLE.md rule 9). Only codes, statuses and the library's own fixed messages survive.
 */
export function errorFromThrown(context: CallContext, error: unknown): OAuthProviderError {
  const ours = findOurs(error);
  if (ours) return ours;
  if (error instanceof ResponseBodyError) {
    return errorFromAnswer(context, {
      status: error.status,
      error: error.error,
      description: error.error_description,
      retryAfter: error.response.headers.get('retry-after'),
    });
  }
  if (error instanceof WWWAuthenticateChallengeError) {
    return errorFromAnswer(context, {
      status: error.status,
      error: error.cause[0]?.parameters.error,
      description: error.cause[0]?.parameters.error_description,
      retryAfter: error.response.headers.get('retry-after'),
    });
  }
  if (error instanceof AuthorizationResponseError) {
    return errorFromAnswer(context, {
      status: undefined,
      error: error.error,
      description: error.error_description,
    });
  }
  if (isTimeout(error) || (error instanceof ClientError && error.code === 'OAUTH_TIMEOUT')) {
    return transportError(context, new DOMException('timeout', 'TimeoutError'));
  }
  if (error instanceof ClientError && error.cause instanceof Response) {
    return errorFromAnswer(context, {
      status: error.cause.status,
      retryAfter: error.cause.headers.get('retry-after'),
    });
  }
  // openid-client's and oauth4webapi's messages are fixed text (values go in `cause`), so the
  // message and the inner one ("unexpected "iss" (issuer) response parameter value") are safe.
  const inner =
    error instanceof ClientError && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  const reason =
    error instanceof ClientError
      ? `${error.code ?? 'openid-client'}: ${error.message}${inner}`
      : error instanceof Error
        ? error.name
        : typeof error;
  return new ProviderUnexpectedResponseError(
    `${context.manifest.displayName} answered with a response that could not be used`,
    502,
    detailOf(context, { reason }),
  );
}

function findOurs(error: unknown): OAuthProviderError | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof OAuthProviderError) return current;
    current = current.cause;
  }
  return undefined;
}
