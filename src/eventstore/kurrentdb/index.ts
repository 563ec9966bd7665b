/**
 * The EventStore port on KurrentDB (or EventStoreDB 23.10+, checked on ping) through
 * @kurrent/kurrentdb-client 1.x.
 * Everything goes over the client's gRPC channel: appends, deletes and subscriptions through its
 * calls, reads through grpc-read.ts (not its Rust bridge: see there). Every library error is
 * translated at this boundary (see errors.ts).
 *
 * Positions: our bigint `position` is the commit position (see convert.ts for why that is enough),
 * and every resume point (`after`) is exclusive, whatever the server does at that position.
 */
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { BadUserInputError } from '../../shared/errors.js';
import type { EventStore } from '../port.js';
import { append } from './append.js';
import { translateError } from './errors.js';
import { assertReadAccess, grpcRead } from './grpc-read.js';
import { getStreamMetadata, setStreamMetadata, tombstone } from './metadata.js';
import { headPosition, readAll, readStream } from './reads.js';
import { assertSupportedServer } from './server-version.js';
import { KurrentSubscription } from './subscription.js';

/** Long enough for a loaded server; short enough for /readyz. */
const PING_DEADLINE_MS = 5_000;

export function createKurrentDbEventStore(connectionString: string): EventStore {
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BadUserInputError(`Invalid KurrentDB connection string: ${reason}`);
  }
  assertReadAccess(client);

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

/**
 * Checks the server's version (server-version.ts), then reads the newest event of $all: projections and replay read $all, which KurrentDB grants only
 * to `$admins` by default, so a user that can read a stream of its own but not $all fails here
 * (at startup and in /readyz) rather than in the first projection.
 */
async function ping(client: KurrentDBClient): Promise<void> {
  await assertSupportedServer(client).catch((error: unknown) => {
    throw translateError(error);
  });
  try {
    const newest = grpcRead(
      client,
      { kind: 'all', from: 'end' },
      { backwards: true, maxCount: 1, deadlineMs: PING_DEADLINE_MS },
    );
    for await (const _ of newest) break;
  } catch (error) {
    throw translateError(error);
  }
}
