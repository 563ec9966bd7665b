import { GraphQLError } from 'graphql';
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../platform/logger.js';

const HTTP_STATUS_ON_WIRE = new Set([400, 401, 403, 413]);

function findSwitchboardError(error: unknown): SwitchboardError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof SwitchboardError) return current;
    current =
      (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Errors raised on purpose (SwitchboardError that `expose`: status < 500, or a retryable answer such
 * as NOT_YET_VISIBLE) reach the client with their stable `extensions.code` and their client-safe
 * extensions; everything else is masked to INTERNAL_SERVER_ERROR, with no stack, SQL
 * or internals, and logged with the request id so an operator can find it.
 */
export function createMaskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const requestId = (error as { extensions?: { requestId?: string } }).extensions?.requestId;
    const known = findSwitchboardError(error);
    const path = error instanceof GraphQLError ? error.path : undefined;
    if (known?.expose) {
      return new GraphQLError(known.message, {
        path,
        extensions: {
          ...known.extensions,
          code: known.code,
          ...(requestId ? { requestId } : {}),
          // Auth failures answer with their HTTP status (a GraphQL-over-HTTP client reads it).
          ...(HTTP_STATUS_ON_WIRE.has(known.status) && (known.status === 401 || known.status === 403)
            ? { http: { status: known.status } }
            : {}),
        },
      });
    }
    // Errors GraphQL itself raises (syntax, validation, coercion) are safe and already have codes/status.
    if (error instanceof GraphQLError && !error.originalError) return error;
    logger.error(
      { err: known ?? (error as GraphQLError).originalError ?? error, requestId },
      'unexpected error in a GraphQL operation',
    );
    return new GraphQLError(message, {
      path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
    });
  };
}
