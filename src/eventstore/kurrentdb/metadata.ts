/** Stream metadata (the `$$stream` metastream) and tombstones. */
import {
  type AppendStreamState,
  type KurrentDBClient,
  type StreamMetadata as KurrentStreamMetadata,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  metastreamOf,
  type SetStreamMetadataOptions,
} from '@kurrent/kurrentdb-client';
import { BadUserInputError } from '../../shared/errors.js';
import { WrongExpectedVersionError } from '../errors.js';
import type { ExpectedRevision, StreamMetadata, StreamMetadataResult } from '../port.js';
import { toStreamState } from './convert.js';
import { translateError } from './errors.js';
import { readStreamRaw } from './reads.js';

/** The newest event of a stream, read from the leader with a deadline (reads.ts). */
const NEWEST = { fromRevision: 'end', backwards: true, maxCount: 1 } as const;

/** Keys the client renames or the server owns; custom metadata cannot use them. */
const RESERVED_KEYS = new Set(['maxAge', 'maxCount', 'truncateBefore', 'cacheControl', 'acl']);

export async function setStreamMetadata(
  client: KurrentDBClient,
  stream: string,
  metadata: StreamMetadata,
  expected: ExpectedRevision = 'any',
): Promise<void> {
  const custom = metadata.custom ?? {};
  const reserved = Object.keys(custom).filter((key) => key.startsWith('$') || RESERVED_KEYS.has(key));
  if (reserved.length > 0) throw new BadUserInputError('Reserved custom stream metadata keys', { reserved });
  const payload: KurrentStreamMetadata = {
    ...custom,
    ...(metadata.maxCount === undefined ? {} : { maxCount: metadata.maxCount }),
    ...(metadata.maxAge === undefined ? {} : { maxAge: metadata.maxAge }),
    ...(metadata.truncateBefore === undefined ? {} : { truncateBefore: Number(metadata.truncateBefore) }),
  };
  // setStreamMetadata forwards its options to appendToStream, which reads `streamState`; its typed
  // `expectedRevision` option is the old name and silently means ANY.
  const options: SetStreamMetadataOptions & { streamState: AppendStreamState } = {
    streamState: toStreamState(expected),
  };
  try {
    await client.setStreamMetadata(stream, payload, options);
  } catch (error) {
    throw translateError(error, { stream, expected });
  }
}

/**
 * Read from the metastream directly: the client's getStreamMetadata reports the metadata event's
 * commit position as `metastreamRevision`, not its revision (and reads through its Rust bridge).
 */
export async function getStreamMetadata(
  client: KurrentDBClient,
  stream: string,
): Promise<StreamMetadataResult> {
  try {
    for await (const resolved of readStreamRaw(client, metastreamOf(stream), NEWEST)) {
      if (resolved.event)
        return { metadata: fromWire(resolved.event.data), metaRevision: resolved.event.revision };
    }
  } catch (error) {
    throw translateError(error, { stream });
  }
  return { metadata: {}, metaRevision: 'no_stream' };
}

function fromWire(data: unknown): StreamMetadata {
  const metadata: StreamMetadata = {};
  if (typeof data !== 'object' || data === null || data instanceof Uint8Array) return metadata;
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === '$maxCount' && typeof value === 'number') metadata.maxCount = value;
    else if (key === '$maxAge' && typeof value === 'number') metadata.maxAge = value;
    else if (key === '$tb' && typeof value === 'number') metadata.truncateBefore = BigInt(value);
    else if (!key.startsWith('$')) custom[key] = value;
  }
  if (Object.keys(custom).length > 0) metadata.custom = custom;
  return metadata;
}

/**
 * The client's tombstoneStream takes a revision, `any` or `no_stream`, not "exists": for that we
 * pin the current revision and retry if an append slips in between.
 */
export async function tombstone(client: KurrentDBClient, stream: string, expected: ExpectedRevision = 'any') {
  for (let attempt = 0; ; attempt += 1) {
    const revision = expected === 'exists' ? await lastRevision(client, stream) : expected;
    if (revision === 'no_stream' && expected === 'exists') {
      throw new WrongExpectedVersionError(stream, expected, 'no_stream');
    }
    try {
      await client.tombstoneStream(stream, { expectedRevision: revision });
      return;
    } catch (error) {
      const raced = expected === 'exists' && error instanceof KurrentWrongExpectedVersionError && attempt < 3;
      if (!raced) throw translateError(error, { stream, expected });
    }
  }
}

async function lastRevision(client: KurrentDBClient, stream: string): Promise<bigint | 'no_stream'> {
  try {
    for await (const resolved of readStreamRaw(client, stream, NEWEST)) {
      if (resolved.event) return resolved.event.revision;
    }
    return 'no_stream';
  } catch (error) {
    throw translateError(error, { stream });
  }
}
