/**
 * append: optimistic concurrency through `streamState`, idempotent retries (however late, for
 * name-based ids: receipts.ts), refused partial duplicates.
 */
import {
  type KurrentDBClient,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { Event } from '../envelope.js';
import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult, ExpectedRevision } from '../port.js';
import { positionOf, toEventData, toStreamState, UNKNOWN_POSITION } from './convert.js';
import { actualRevisionOf, translateError } from './errors.js';
import { readStream, readStreamRaw } from './reads.js';
import { isNameBased, receiptsOf, writeReceipts } from './receipts.js';

export async function append(
  client: KurrentDBClient,
  stream: string,
  events: readonly Event[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  if (events.length === 0) return checkOnly(client, stream, expected);
  if (expected === 'exists') await refuseWithoutEvents(client, stream);
  // Under a revision or no_stream the server checks retries against the stream itself.
  const receipted = (expected === 'any' || expected === 'exists') && events.every((e) => isNameBased(e.id));
  if (receipted) {
    const known = await receiptsOf(client, stream, events);
    const found = events.filter((_, index) => known[index] !== undefined).map((event) => event.id);
    const last = known.at(-1);
    if (found.length === events.length && last !== undefined) {
      return { revision: last, position: await positionAt(client, stream, last), duplicate: true };
    }
    if (found.length > 0) throw new DuplicateEventIdError(stream, found);
  }
  const result = await appendToServer(client, stream, events, expected);
  if (receipted) await writeReceipts(client, stream, events, result.revision);
  return result;
}

async function appendToServer(
  client: KurrentDBClient,
  stream: string,
  events: readonly Event[],
  expected: ExpectedRevision,
): Promise<AppendResult> {
  try {
    // `streamState`, never `expectedRevision`: the 1.x client silently ignores the old name and
    // appends with ANY, which would turn every concurrency check off.
    const result = await client.appendToStream(stream, events.map(toEventData), {
      streamState: toStreamState(expected),
    });
    const revision = result.nextExpectedRevision;
    // Since 22.6 the server answers a retry it recognizes with the original write's position,
    // exactly as it answered the write, so `duplicate` here is only what the answer can say: no
    // position (the retried event is no longer readable). Name-based ids learn it from their
    // receipts before this call.
    if (result.position) return { revision, position: positionOf(result.position), duplicate: false };
    return { revision, position: await positionAt(client, stream, revision), duplicate: true };
  } catch (error) {
    if (error instanceof KurrentWrongExpectedVersionError) {
      const duplicates = await duplicatesOf(
        client,
        stream,
        events,
        expected,
        actualRevisionOf(error.actualState),
      );
      if (duplicates.length > 0) throw new DuplicateEventIdError(stream, duplicates);
    }
    throw translateError(error, { stream, expected });
  }
}

/**
 * An empty append writes nothing, and KurrentDB's answer to one cannot say "no stream" through
 * the client; check the expectation against the stream's last event instead.
 */
async function checkOnly(
  client: KurrentDBClient,
  stream: string,
  expected: ExpectedRevision,
): Promise<AppendResult> {
  let last: { revision: bigint; position: bigint } | undefined;
  for await (const event of readStream(client, stream, { direction: 'backwards', maxCount: 1 })) last = event;
  const actual = last?.revision ?? 'no_stream';
  const holds =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'exists' && actual !== 'no_stream') ||
    expected === actual;
  if (!holds) throw new WrongExpectedVersionError(stream, expected, actual);
  return { revision: last?.revision ?? -1n, position: last?.position ?? 0n, duplicate: false };
}

/**
 * KurrentDB takes `stream_exists` for a stream that has only metadata; the port's 'exists' means
 * "has events", as the SQL store has it. A stream cannot lose its events between this read and the
 * append (only a tombstone removes them, and the server refuses that append itself), so one read
 * of the last event settles it.
 */
async function refuseWithoutEvents(client: KurrentDBClient, stream: string): Promise<void> {
  for await (const _ of readStream(client, stream, { direction: 'backwards', maxCount: 1 })) return;
  throw new WrongExpectedVersionError(stream, 'exists', 'no_stream');
}

async function positionAt(client: KurrentDBClient, stream: string, revision: bigint): Promise<bigint> {
  try {
    for await (const resolved of readStreamRaw(client, stream, { fromRevision: revision, maxCount: 1 })) {
      if (resolved.event?.revision === revision) return positionOf(resolved.event.position);
    }
  } catch (error) {
    throw translateError(error, { stream });
  }
  // The event is no longer readable (truncated by $maxCount/$tb since the first call).
  return UNKNOWN_POSITION;
}

/**
 * KurrentDB reports a batch whose ids are partly in the stream already ("corrupted idempotency")
 * as a wrong expected version. Tell the two apart by looking where the batch would have landed:
 * with `any`/`exists` on an existing stream that is the only possible cause; with a revision, the
 * events right after it say whether some of our ids are there.
 */
async function duplicatesOf(
  client: KurrentDBClient,
  stream: string,
  events: readonly Event[],
  expected: ExpectedRevision,
  actual: bigint | 'no_stream',
): Promise<string[]> {
  if (actual === 'no_stream' || events.length === 0) return [];
  const ids = new Set(events.map((event) => event.id));
  if (expected === 'any' || expected === 'exists') return [...ids];
  const from = expected === 'no_stream' ? 0n : expected + 1n;
  if (from > actual) return [];
  const found: string[] = [];
  try {
    const window = { fromRevision: from, maxCount: events.length };
    for await (const resolved of readStreamRaw(client, stream, window)) {
      if (resolved.event && ids.has(resolved.event.id)) found.push(resolved.event.id);
    }
  } catch {
    // Classification is best effort: on failure the caller still gets the wrong expected version.
    return [];
  }
  return found;
}
