import { DuplicateEventIdError, StreamDeletedError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult, ExpectedRevision } from '../port.js';
import type { SqlExecutor } from './client.js';
import { APPEND_LOCK_KEY, NOTIFY_CHANNEL } from './schema.js';

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

export type AppendOutcome =
  | {
      ok: true;
      result: AppendResult;
      /** When this append's events were recorded; null when it wrote none (empty, or an idempotent retry). */
      recordedAt: Date | null;
    }
  | { ok: false; error: Error };

const NO_STREAM = -1n;

interface ResultRow {
  request: number;
  status: 'ok' | 'retry' | 'partial' | 'wrong' | 'deleted';
  revision: string | number | null;
  position: string | number | null;
  recorded_at: Date | string | null;
}

export function expectationHolds(expected: ExpectedRevision, revision: bigint): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return revision === NO_STREAM;
  if (expected === 'exists') return revision > NO_STREAM;
  return revision === expected;
}

export const actualRevision = (revision: bigint): bigint | 'no_stream' =>
  revision === NO_STREAM ? 'no_stream' : revision;

/**
 * Writes a batch of appends in one statement (group commit): see append-function.ts for how each
 * append is decided and why that happens in the database. Outside a transaction the statement
 * commits on its own, so the append lock is released the moment its work is durable.
 */
export async function appendBatch(
  db: SqlExecutor,
  requests: readonly AppendRequest[],
  /**
   * PostgreSQL: the statement sends no NOTIFY (the caller does, after the commit:
   * commit-notifier.ts), and a lone single event goes through sb_append_one.
   */
  notifyAfter = false,
): Promise<AppendOutcome[]> {
  const lone = requests.length === 1 ? requests[0]! : null;
  let rows: ResultRow[];
  if (notifyAfter && lone?.events.length === 1) {
    const event = lone.events[0]!;
    rows = await db.query<ResultRow>(
      'SELECT request, status, revision, "position", recorded_at FROM sb_append_one($1, $2, $3, $4, $5, $6, $7)',
      [lone.stream, String(lone.expected), event.id, event.type, event.data, event.metadata, APPEND_LOCK_KEY],
      { prepare: 'sb_append_one' },
    );
  } else {
    const events = requests.flatMap((request) => request.events);
    rows = await db.query<ResultRow>(
      `SELECT request, status, revision, "position", recorded_at FROM ${notifyAfter ? 'sb_append_batch_quiet' : 'sb_append_batch'}($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        requests.map((request) => request.stream),
        requests.map((request) => String(request.expected)),
        requests.map((request) => request.events.length),
        events.map((event) => event.id),
        events.map((event) => event.type),
        // Already JSON text each: joined into one JSON array, sent as it is.
        `[${events.map((event) => event.data).join(',')}]`,
        `[${events.map((event) => event.metadata).join(',')}]`,
        APPEND_LOCK_KEY,
        notifyAfter ? null : NOTIFY_CHANNEL,
      ],
      { prepare: notifyAfter ? 'sb_append_batch_quiet' : 'sb_append_batch' },
    );
  }
  if (rows.length !== requests.length) {
    throw new Error(`sb_append_batch answered ${rows.length} results for ${requests.length} appends`);
  }
  return rows.map((row): AppendOutcome => {
    const request = requests[row.request]!;
    switch (row.status) {
      case 'ok':
      case 'retry':
        return {
          ok: true,
          result: {
            revision: BigInt(row.revision!),
            position: BigInt(row.position!),
            duplicate: row.status === 'retry',
          },
          recordedAt: row.recorded_at === null ? null : new Date(row.recorded_at),
        };
      case 'deleted':
        return { ok: false, error: new StreamDeletedError(request.stream) };
      case 'partial':
        return {
          ok: false,
          error: new DuplicateEventIdError(
            request.stream,
            request.events.map((event) => event.id),
          ),
        };
      case 'wrong':
        return {
          ok: false,
          error: new WrongExpectedVersionError(
            request.stream,
            request.expected,
            actualRevision(BigInt(row.revision!)),
          ),
        };
      default:
        throw new Error(`sb_append_batch answered an unknown status: ${String(row.status satisfies never)}`);
    }
  });
}
