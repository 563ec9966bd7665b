import { DuplicateEventIdError, StreamDeletedError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult, ExpectedRevision } from '../port.js';
import type { SqlExecutor } from './client.js';
import { NOTIFY_CHANNEL } from './schema.js';

/** An event with data and metadata already serialized, so a bad payload fails its own append only. */
export interface SerializedEvent {
  id: string;
  type: string;
  data: string;
  metadata: string;
}

export interface AppendRequest {
  stream: string;
  events: readonly SerializedEvent[];
  expected: ExpectedRevision;
}

export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

interface StreamState {
  revision: bigint; // -1n: no stream
  tombstoned: boolean;
}

interface ExistingEvent {
  stream: string;
  revision: bigint;
  position: bigint;
}

const NO_STREAM = -1n;

export function expectationHolds(expected: ExpectedRevision, revision: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return revision === NO_STREAM;
  if (expected === 'exists') return revision > NO_STREAM;
  return revision === expected;
}

export const actualRevision = (revision: bigint): bigint | 'no_stream' =>
  revision === NO_STREAM ? 'no_stream' : revision;

/**
 * Writes a batch of appends in one transaction (group commit). Every append is decided on its
 * own against the streams' state, so one append's wrong expected revision fails only that append.
 *
 * It must run in a transaction holding APPEND_LOCK_KEY (transaction-scoped advisory lock): the lock
 * serializes writers across processes, so positions are assigned and committed in the same order
 * and a reader never sees a position before a lower one becomes visible. Batching many concurrent
 * appends into one transaction is what keeps that serialization cheap: one lock, one commit (one
 * WAL flush) for the whole batch.
 */
export async function appendBatch(
  tx: SqlExecutor,
  requests: readonly AppendRequest[],
): Promise<AppendOutcome[]> {
  const streamNames = [...new Set(requests.map((request) => request.stream))];
  const ids = requests.flatMap((request) => request.events.map((event) => event.id));
  // One round trip for everything the decisions need. It must be a statement of its own after the
  // lock: in READ COMMITTED its snapshot is taken when it starts, so it sees every earlier commit.
  const [state] = await tx.query<{
    head: string | number;
    streams: Array<{ stream: string; revision: string; tombstoned: boolean }> | null;
    existing: Array<{ id: string; stream: string; revision: string; position: string }> | null;
  }>(
    `SELECT
       (SELECT COALESCE(MAX(position), 0) FROM sb_events) AS head,
       (SELECT json_agg(json_build_object('stream', stream, 'revision', revision::text, 'tombstoned', tombstoned))
          FROM sb_streams WHERE stream = ANY($1::text[])) AS streams,
       (SELECT json_agg(json_build_object('id', id, 'stream', stream, 'revision', revision::text, 'position', position::text))
          FROM sb_events WHERE id = ANY($2::uuid[])) AS existing`,
    [streamNames, ids],
  );
  const streamRows = state?.streams ?? [];
  const existingRows = state?.existing ?? [];
  const streams = new Map<string, StreamState>(
    streamRows.map((row) => [row.stream, { revision: BigInt(row.revision), tombstoned: row.tombstoned }]),
  );
  const existing = new Map<string, ExistingEvent>(
    existingRows.map((row) => [
      row.id,
      { stream: row.stream, revision: BigInt(row.revision), position: BigInt(row.position) },
    ]),
  );
  let position = BigInt(state?.head ?? 0);
  const rows = {
    position: [] as bigint[],
    id: [] as string[],
    stream: [] as string[],
    revision: [] as bigint[],
    type: [] as string[],
    data: [] as string[],
    metadata: [] as string[],
  };
  const touched = new Map<string, bigint>();

  const outcomes = requests.map((request): AppendOutcome => {
    const state = streams.get(request.stream) ?? { revision: NO_STREAM, tombstoned: false };
    if (state.tombstoned) return { ok: false, error: new StreamDeletedError(request.stream) };

    const retry = idempotentRetry(request, existing);
    if (retry === 'partial') {
      return {
        ok: false,
        error: new DuplicateEventIdError(
          request.stream,
          request.events.map((event) => event.id),
        ),
      };
    }
    if (retry) return { ok: true, result: retry };

    if (!expectationHolds(request.expected, state.revision)) {
      return {
        ok: false,
        error: new WrongExpectedVersionError(
          request.stream,
          request.expected,
          actualRevision(state.revision),
        ),
      };
    }
    let revision = state.revision;
    for (const event of request.events) {
      revision += 1n;
      position += 1n;
      rows.position.push(position);
      rows.id.push(event.id);
      rows.stream.push(request.stream);
      rows.revision.push(revision);
      rows.type.push(event.type);
      rows.data.push(event.data);
      rows.metadata.push(event.metadata);
      existing.set(event.id, { stream: request.stream, revision, position });
    }
    streams.set(request.stream, { revision, tombstoned: false });
    if (request.events.length > 0) touched.set(request.stream, revision);
    return { ok: true, result: { revision, position } };
  });

  if (rows.position.length > 0) {
    // One statement writes the events, moves the streams' revisions and queues the notification
    // (delivered at commit, and only if the transaction commits).
    await tx.query(
      `WITH inserted AS (
         INSERT INTO sb_events (position, id, stream, revision, type, data, metadata)
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::jsonb[], $7::jsonb[])
       ), streams AS (
         INSERT INTO sb_streams (stream, revision) SELECT * FROM unnest($8::text[], $9::bigint[])
         ON CONFLICT (stream) DO UPDATE SET revision = excluded.revision
       )
       SELECT pg_notify($10, $11)`,
      [
        rows.position.map(String),
        rows.id,
        rows.stream,
        rows.revision.map(String),
        rows.type,
        rows.data,
        rows.metadata,
        [...touched.keys()],
        [...touched.values()].map(String),
        NOTIFY_CHANNEL,
        String(position),
      ],
    );
  }
  return outcomes;
}

/**
 * KurrentDB's idempotence, kept here: re-appending events whose ids are all already in this
 * stream returns where they are instead of writing them twice (a retried command or a redelivered
 * webhook with a deterministic id). Some-but-not-all, or ids in another stream, is an error.
 */
function idempotentRetry(
  request: AppendRequest,
  existing: Map<string, ExistingEvent>,
): AppendResult | 'partial' | null {
  const found = request.events.map((event) => existing.get(event.id));
  const present = found.filter((event): event is ExistingEvent => event !== undefined);
  if (present.length === 0) return null;
  if (present.length < found.length || present.some((event) => event.stream !== request.stream))
    return 'partial';
  const last = present.reduce((a, b) => (b.position > a.position ? b : a));
  return { revision: last.revision, position: last.position };
}
