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
