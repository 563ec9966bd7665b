/**
 * The EventStore port on KurrentDB (or EventStoreDB 22.6+) through @kurrent/kurrentdb-client 1.x.
 * Appends, deletes and subscriptions go over the client's gRPC calls; reads go through its Rust
 * bridge. Every library error is translated at this boundary (see errors.ts).
 *
 * Positions: our bigint `position` is the commit position (see convert.ts for why that is enough),
 * and every resume point (`after`) is exclusive, whatever the server does at that position.
 */
import { KurrentDBClient, StreamNotFoundError } from '@kurrent/kurrentdb-client';
import { BadUserInputError, DependencyError } from '../../shared/errors.js';
import type { EventStore } from '../port.js';
import { append } from './append.js';
import { translateError } from './errors.js';
import { getStreamMetadata, setStreamMetadata, tombstone } from './metadata.js';
import { headPosition, readAll, readStream } from './reads.js';
import { KurrentSubscription } from './subscription.js';

/** A user stream nobody writes: reading it needs no admin rights, and "not found" is an answer. */
const PING_STREAM = 'switchboard-ping';
const PING_TIMEOUT_MS = 5_000;

export function createKurrentDbEventStore(connectionString: string): EventStore {
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadUserInputError(`Invalid KurrentDB connection string: ${reason}`);
  }

  return {
    kind: 'kurrentdb',
    append: (stream, events, expected) => append(client, stream, events, expected),
    readStream: (stream, options) => readStream(client, stream, options),
    readAll: (options) => readAll(client, options),
    subscribeAll: (options) => new KurrentSubscription(client, options),
    headPosition: (filter) => headPosition(client, filter),
    setStreamMetadata: (stream, metadata, expected) => setStreamMetadata(client, stream, metadata, expected),
    getStreamMetadata: (stream) => getStreamMetadata(client, stream),
    tombstone: (stream, expected) => tombstone(client, stream, expected),
    ping: () => ping(client),
    close: () => client.dispose(),
  };
}

async function ping(client: KurrentDBClient): Promise<void> {
  const read = (async () => {
    try {
      for await (const _ of client.readStream(PING_STREAM, { maxCount: 1 })) break;
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw translateError(error);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DependencyError(`KurrentDB did not answer within ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
