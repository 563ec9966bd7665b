/** Library errors become ours here, at the adapter's boundary; nothing else leaks out. */
import {
  StreamDeletedError as KurrentStreamDeletedError,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  MaxAppendSizeExceededError,
} from '@kurrent/kurrentdb-client';
import { DependencyError, SwitchboardError } from '../../shared/errors.js';
import { AppendTooLargeError, StreamDeletedError, WrongExpectedVersionError } from '../errors.js';
import type { ExpectedRevision } from '../port.js';

export interface ErrorContext {
  stream: string;
  expected?: ExpectedRevision;
}

/** The server reports "no stream" as a missing value or -1 depending on the call. */
export function actualRevisionOf(actual: bigint | string | undefined): bigint | 'no_stream' {
  return typeof actual === 'bigint' && actual >= 0n ? actual : 'no_stream';
}

export function translateError(error: unknown, context?: ErrorContext): Error {
  if (error instanceof SwitchboardError) return error;
  if (error instanceof KurrentWrongExpectedVersionError) {
    const stream = context?.stream ?? error.streamName;
    return new WrongExpectedVersionError(
      stream,
      context?.expected ?? 'any',
      actualRevisionOf(error.actualState),
    );
  }
  if (error instanceof KurrentStreamDeletedError) {
    return new StreamDeletedError(context?.stream ?? error.streamName ?? 'unknown');
  }
  if (error instanceof MaxAppendSizeExceededError) {
    const limit = Number.isFinite(error.maxAppendSize) ? error.maxAppendSize : undefined;
    return new AppendTooLargeError(context?.stream ?? 'unknown', limit, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  const type = error instanceof Error ? error.constructor.name : typeof error;
  return new DependencyError(`KurrentDB request failed: ${message}`, {
    cause: error,
    detail: { type, ...(context ? { stream: context.stream } : {}) },
  });
}
