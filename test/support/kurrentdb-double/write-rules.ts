/**
 * KurrentDB's write rules, apart from storage: when an expectation holds, and when an append is
 * an idempotent retry rather than a new write or a conflict.
 */
import type { ProposedEvent, StoredEvent } from './log.js';

export type ExpectedState =
  | { kind: 'revision'; revision: bigint }
  | { kind: 'no_stream' }
  | { kind: 'any' }
  | { kind: 'stream_exists' };

export type WriteOutcome =
  /** `last` is undefined when nothing was written to an empty stream. */
  | { kind: 'written'; last: StoredEvent | undefined; current: bigint }
  /** Every proposed id is already there, in order: KurrentDB answers success without a position. */
  | { kind: 'idempotent'; current: bigint }
  | { kind: 'wrong_expected_version'; current: bigint }
  | { kind: 'stream_deleted' };

export type DeleteOutcome =
  | { kind: 'deleted'; position: bigint }
  | { kind: 'wrong_expected_version'; current: bigint }
  | { kind: 'stream_deleted' };

/** What the rules need to know of a stream: its event ids, index = revision. */
export interface StreamIds {
  events: readonly { id: string }[];
}

export function expectationHolds(expected: ExpectedState, current: bigint): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1n;
    case 'stream_exists':
      return current !== -1n;
    case 'revision':
      return current === expected.revision;
  }
}

/**
 * KurrentDB's commit check: an append whose ids are already in the stream at the place the
 * expectation points to is an idempotent retry; a partial match is a conflict (the server's
 * "corrupted idempotency" surfaces as a wrong expected version).
 */
export function decideWrite(
  record: StreamIds,
  current: bigint,
  expected: ExpectedState,
  proposed: readonly ProposedEvent[],
): 'write' | WriteOutcome {
  const conflict: WriteOutcome = { kind: 'wrong_expected_version', current };
  if (expected.kind === 'revision' || expected.kind === 'no_stream') {
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (current === expectedRevision) return 'write';
    if (current < expectedRevision || proposed.length === 0) return conflict;
    return retryAt(record, Number(expectedRevision + 1n), proposed) ?? conflict;
  }
  if (expected.kind === 'stream_exists' && current === -1n) return conflict;
  const first = proposed[0] === undefined ? -1 : record.events.findIndex((e) => e.id === proposed[0]?.id);
  if (first === -1) return 'write';
  return retryAt(record, first, proposed) ?? conflict;
}

function retryAt(
  record: StreamIds,
  start: number,
  proposed: readonly ProposedEvent[],
): WriteOutcome | undefined {
  const matches = proposed.every((event, i) => record.events[start + i]?.id === event.id);
  if (!matches) return undefined;
  return { kind: 'idempotent', current: BigInt(start + proposed.length - 1) };
}
