/** readStream, readAll and headPosition over gRPC reads (grpc-read.ts says why not the Rust bridge). */
import type { KurrentDBClient, ResolvedEvent } from '@kurrent/kurrentdb-client';
import type { RecordedEvent } from '../envelope.js';
import type { EventFilter, ReadAllOptions, ReadStreamOptions } from '../port.js';
import { positionOf, readPosition, toRecordedEvent } from './convert.js';
import { translateError } from './errors.js';
import { compileFilter } from './filter.js';
import { grpcRead } from './grpc-read.js';

/** Events per request: the client-side part of a $all filter may drop some, so we page ourselves. */
const PAGE_SIZE = 500;

/**
 * Pages of PAGE_SIZE, each its own request with its own deadline: a long stream read by a slow
 * consumer never runs into one deadline for the whole stream.
 */
export async function* readStream(
  client: KurrentDBClient,
  stream: string,
  options: ReadStreamOptions = {},
): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
  let from: bigint | 'start' | 'end' = options.fromRevision ?? (backwards ? 'end' : 'start');
  try {
    while (remaining > 0) {
      const pageSize = Math.min(PAGE_SIZE, remaining);
      const page = grpcRead(
        client,
        { kind: 'stream', stream, fromRevision: from },
        { backwards, maxCount: pageSize },
      );
      let seen = 0;
      let last: bigint | undefined;
      for await (const item of page) {
        // The port's "never existed" is an empty stream, not an error.
        if (item.kind === 'stream_not_found') return;
        seen += 1;
        const event = toRecordedEvent(item.resolved);
        if (!event) continue;
        last = event.revision;
        yield event;
      }
      remaining -= seen;
      if (seen < pageSize || last === undefined || (backwards && last === 0n)) return;
      from = backwards ? last - 1n : last + 1n;
    }
  } catch (error) {
    throw translateError(error, { stream });
  }
}

/**
 * One request for up to `maxCount` raw events of a stream, whatever their metadata (receipts, the
 * metastream, the events an append is checked against): the same gRPC read as readStream (leader,
 * deadline, cancellation), never the client's own readStream, which goes through its Rust bridge
 * without a deadline. Nothing for a stream that does not exist. Errors are the client's: callers
 * translate them with their own context.
 */
export async function* readStreamRaw(
  client: KurrentDBClient,
  stream: string,
  options: { fromRevision: bigint | 'start' | 'end'; backwards?: boolean; maxCount: number },
): AsyncGenerator<ResolvedEvent> {
  const read = grpcRead(
    client,
    { kind: 'stream', stream, fromRevision: options.fromRevision },
    { backwards: options.backwards ?? false, maxCount: options.maxCount },
  );
  for await (const item of read) {
    if (item.kind === 'stream_not_found') return;
    yield item.resolved;
  }
}

/**
 * `after` is exclusive in our port; KurrentDB reads forwards from a position inclusively (and
 * backwards exclusively). Each page starts at the last position seen and skips anything at or
 * beyond it in the reading direction, which makes both directions exclusive and lets a page
 * boundary fall anywhere.
 */
export async function* readAll(
  client: KurrentDBClient,
  options: ReadAllOptions = {},
): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  const filter = compileFilter(options.filter);
  let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
  let cursor = options.after;
  const pageSize = Number.isFinite(remaining) ? Math.min(PAGE_SIZE, Math.max(remaining, 32)) : PAGE_SIZE;
  try {
    while (remaining > 0) {
      const page = grpcRead(
        client,
        {
          kind: 'all',
          from: cursor === undefined ? (backwards ? 'end' : 'start') : readPosition(cursor),
          filter: filter.server,
        },
        { backwards, maxCount: pageSize, deadlineMs: options.deadlineMs },
      );
      let seen = 0;
      let last: bigint | undefined;
      for await (const item of page) {
        if (item.kind !== 'event') continue;
        const resolved = item.resolved;
        seen += 1;
        if (!resolved.event) continue;
        const position = positionOf(resolved.event.position);
        last = position;
        if (cursor !== undefined && (backwards ? position >= cursor : position <= cursor)) continue;
        if (!filter.accepts(resolved.event.streamId, resolved.event.type)) continue;
        const event = toRecordedEvent(resolved);
        if (!event) continue;
        yield event;
        remaining -= 1;
        if (remaining <= 0) return;
      }
      if (seen < pageSize || last === undefined) return;
      cursor = last;
    }
  } catch (error) {
    throw translateError(error);
  }
}

/** A backward filtered scan runs until it finds a match or the start of the log: bounded in time here. */
const HEAD_DEADLINE_MS = 10_000;

export async function headPosition(client: KurrentDBClient, filter?: EventFilter): Promise<bigint> {
  const newest = readAll(client, {
    direction: 'backwards',
    maxCount: 1,
    filter,
    deadlineMs: HEAD_DEADLINE_MS,
  });
  for await (const event of newest) return event.position;
  return 0n;
}
