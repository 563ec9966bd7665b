import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import type { Logger } from '../platform/logger.js';
import { isDatabaseUnavailable } from '../readmodels/unavailable.js';
import { DependencyError, SwitchboardError } from '../shared/errors.js';

const HTTP_STATUS_ON_WIRE = new Set([400, 401, 403, 413]);

/** What a client reads when a dependency failed: nothing about what is inside. */
export const UNAVAILABLE_MESSAGE = 'A service Switchboard depends on is unavailable; try again shortly';
/** The message of other retryable errors whose own message is not written for clients. */
export const NOT_NOW_MESSAGE =
  'Switchboard cannot complete this request right now (extensions.code says why)';

function findInChain<T>(error: unknown, match: (candidate: unknown) => candidate is T): T | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (match(current)) return current;
    current =
      (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return null;
}

const isSwitchboardError = (value: unknown): value is SwitchboardError => value instanceof SwitchboardError;
const isPothosValidationError = (value: unknown): value is PothosValidationError =>
  value instanceof PothosValidationError;

// Retryable (503, `retryable`, database out of reach): own code, SERVICE_UNAVAILABLE for dependencies.
function retryableOnWire(
  error: unknown,
  known: SwitchboardError | null,
): { code: string; message: string } | null {
  const flagged = (known as { retryable?: unknown } | null)?.retryable === true;
  if (known && (flagged || known.status === 503)) {
    if (known instanceof DependencyError)
      return { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE };
    // A 503's own message may name hosts or SQL; a flagged error's is written for clients.
    return { code: known.code, message: flagged ? known.message : NOT_NOW_MESSAGE };
  }
  if (!known && isDatabaseUnavailable(error))
    return { code: 'SERVICE_UNAVAILABLE', message: UNAVAILABLE_MESSAGE };
  return null;
}

/**
 * Errors raised on purpose (SwitchboardError that `expose`: status < 500, or a retryable answer such
 * as NOT_YET_VISIBLE) reach the client with their stable `extensions.code` and their client-safe
 * extensions; so do Pothos's refusals of connection arguments (BAD_USER_INPUT) and retryable
 * failures (see retryableOnWire). Everything else is masked to INTERNAL_SERVER_ERROR, with no
 * stack, SQL or internals, and logged with the request id so an operator can find it.
 */
export function createMaskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const requestId = (error as { extensions?: { requestId?: string } }).extensions?.requestId;
    const known = findInChain(error, isSwitchboardError);
    const path = error instanceof GraphQLError ? error.path : undefined;
    const wire = (code: string, text: string, extra: Record<string, unknown> = {}) =>
      new GraphQLError(text, { path, extensions: { code, ...(requestId ? { requestId } : {}), ...extra } });
    if (known?.expose) {
      // Auth failures answer with their HTTP status (a GraphQL-over-HTTP client reads it).
      return wire(known.code, known.message, {
        ...known.extensions,
        ...(HTTP_STATUS_ON_WIRE.has(known.status) && (known.status === 401 || known.status === 403)
          ? { http: { status: known.status } }
          : {}),
      });
    }
    // Raised by Pothos before our resolver runs: a page size or cursor it cannot use.
    const refused = known ? null : findInChain(error, isPothosValidationError);
    if (refused) return wire('BAD_USER_INPUT', refused.message);
    const retryable = retryableOnWire(error, known);
    if (retryable) {
      logger.warn(
        { err: known ?? (error as GraphQLError).originalError ?? error, requestId },
        retryable.code,
      );
      return wire(retryable.code, retryable.message);
    }
    // Errors GraphQL itself raises (syntax, validation, coercion) are safe and already have codes/status.
    if (error instanceof GraphQLError && !error.originalError) return error;
    logger.error(
      { err: known ?? (error as GraphQLError).originalError ?? error, requestId },
      'unexpected error in a GraphQL operation',
    );
    return wire('INTERNAL_SERVER_ERROR', message);
  };
}
