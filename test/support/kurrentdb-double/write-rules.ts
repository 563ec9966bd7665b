/**
 * KurrentDB's write rules, apart from storage: when an expectation holds, and when an append is
 * an idempotent retry rather than a new write or a conflict (IndexWriter.CheckCommit, 22.6-25.1).
 * Modelled: `stream_exists` holds for a stream with only metadata; retries under a revision or
 * `no_stream` are checked against the stream, under `any`/`stream_exists` against a bounded window
 * of recent commits (log.ts), and answered with the retried event's position (writes.ts).
 * Not modelled: IdempotentNotReady (a retry of a write not yet replicated is dropped, and the
 * client times out), `stream_exists` on a soft-deleted stream (the server answers StreamDeleted;
 * the double, a wrong expected version), the window's size in bytes (it counts events).
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
  /**
   * The stream has no events but its metastream has some (metadata set before the first append):
   * the server takes that as "exists".
   */
  hasMetadata?: boolean;
}

/** Where a recently committed event id landed; undefined once it left the server's cache. */
export type RecentCommits = (id: string) => { stream: string; revision: bigint } | undefined;

export function expectationHolds(expected: ExpectedState, current: bigint, hasMetadata = false): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      return current === -1n;
    case 'stream_exists':
      return current !== -1n || hasMetadata;
    case 'revision':
      return current === expected.revision;
  }
}

/**
 * KurrentDB's commit check (IndexWriter.CheckCommit): an append whose ids are already in the
 * stream at the place the expectation points to is an idempotent retry; a partial match is a
 * conflict (the server's "corrupted idempotency" surfaces as a wrong expected version).
 * Under a revision or `no_stream` the server looks at the stream itself (its index), so a retry is
 * recognized however late. Under `any` and `stream_exists` it only asks its cache of recently
 * committed event ids (`recent`): a first id no longer there is a new write, whatever the stream
 * holds; a later id missing is corrupted idempotency.
 */
export function decideWrite(
  stream: string,
  record: StreamIds,
  current: bigint,
  expected: ExpectedState,
  proposed: readonly ProposedEvent[],
  recent: RecentCommits,
): 'write' | WriteOutcome {
  const conflict: WriteOutcome = { kind: 'wrong_expected_version', current };
  if (expected.kind === 'revision' || expected.kind === 'no_stream') {
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (current === expectedRevision) return 'write';
    if (current < expectedRevision || proposed.length === 0) return conflict;
    return retryAt(record, Number(expectedRevision + 1n), proposed) ?? conflict;
  }
  if (expected.kind === 'stream_exists' && current === -1n && !record.hasMetadata) return conflict;
  let start: bigint | undefined;
  let end = -1n;
  for (const event of proposed) {
    const found = recent(event.id);
    if (found?.stream !== stream) return start === undefined ? 'write' : conflict;
    start ??= found.revision;
    end = found.revision;
  }
  return start === undefined ? 'write' : { kind: 'idempotent', current: end };
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
