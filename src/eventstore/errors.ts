import { ConflictError, NotFoundError, SwitchboardError } from '../shared/errors.js';
import type { ExpectedRevision } from './port.js';

/** Optimistic concurrency: the stream was not where the command expected it. */
export class WrongExpectedVersionError extends ConflictError {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  /** The stream's last revision, or 'no_stream'. */
  readonly actual: bigint | 'no_stream';

  constructor(stream: string, expected: ExpectedRevision, actual: bigint | 'no_stream') {
    super(`Stream ${stream} was expected at ${String(expected)} but is at ${String(actual)}`, {
      stream,
      expected: String(expected),
      actual: String(actual),
    });
    this.stream = stream;
    this.expected = expected;
    this.actual = actual;
  }
}

export class StreamDeletedError extends NotFoundError {
  readonly stream: string;

  constructor(stream: string) {
    super('STREAM_DELETED', `Stream ${stream} has been deleted`, { stream });
    this.stream = stream;
  }
}

/** Some but not all of an append's event ids exist already: not a clean retry, not a new write. */
export class DuplicateEventIdError extends SwitchboardError {
  constructor(stream: string, ids: string[]) {
    super('CONFLICT', `Events already appended elsewhere or partially: ${ids.join(', ')}`, {
      status: 409,
      detail: { stream, ids },
    });
  }
}

/**
 * The store refused the append for its size (KurrentDB's MaximumAppendSizeExceeded). Retrying the
 * same append can never succeed, so it is not a DependencyError: 413, and callers that take input
 * from outside turn it into a permanent outcome (a dead letter) rather than "try again later".
 */
export class AppendTooLargeError extends SwitchboardError {
  readonly stream: string;
  /** The store's limit in bytes, when it said. */
  readonly limit: number | undefined;

  constructor(stream: string, limit: number | undefined, options: { cause?: unknown } = {}) {
    const limitText = limit === undefined ? '' : ` of ${limit} bytes`;
    super('APPEND_TOO_LARGE', `The append to ${stream} exceeds the event store's size limit${limitText}`, {
      status: 413,
      detail: { stream, limit },
      cause: options.cause,
    });
    this.stream = stream;
    this.limit = limit;
  }
}
