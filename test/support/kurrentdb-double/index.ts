/**
 * A KurrentDB protocol double: the real client (its Node gRPC calls; the adapter no longer uses its
 * Rust read bridge, but the client's own getStreamMetadata still does) talks to an in-process
 * @grpc/grpc-js server built on the client's own generated stubs.
 *
 * What it implements:
 * - Streams.Append (client streaming) and Streams.BatchAppend (writes.ts, batch-append.ts):
 *   expected revision / no_stream / any / stream_exists, the max append size, idempotent retries
 *   within a bounded window of recent commits, partial duplicates as a wrong expected version,
 *   StreamDeleted on a tombstoned stream (what is and is not modelled: write-rules.ts,
 *   append-size.ts, batch-append.ts).
 * - ServerFeatures (server-features.ts), listing BatchAppend unless `batchAppend: false`.
 * - A TLS listener with `tls: true` (tls.ts).
 * - Streams.Read: stream reads forwards/backwards from start/end/revision, StreamNotFound,
 *   StreamDeleted; $all reads forwards (inclusive start) and backwards (exclusive start) with
 *   event-type or stream-name filters (regex or prefixes), written with backpressure so a client
 *   that stops reading and cancels is seen; catch-up subscriptions to $all (and to a stream) with
 *   confirmation, exclusive start, checkpoints every `window x multiplier` considered records, then
 *   live events.
 * - Checkpoint semantics: a checkpoint is the position of the last record considered (matching or
 *   not), commit = prepare, never repeated; one more at the switch to live.
 * - Server versions (`startKurrentDbDouble({ serverVersion })`, default 25.1.0; versions.ts):
 *   ServerFeatures answers that version (the adapter refuses servers before 23.10); no
 *   CaughtUp before 23.10; CaughtUp without a position before 25.1; the (u64::MAX, u64::MAX)
 *   checkpoint of 24.10.0-24.10.4 and the end-of-log checkpoint (prepare 0) of 25.0.0.
 * - A record of every read (read-log.ts): target, direction, filter, `requires-leader`, whether a
 *   deadline came with it, events sent, cancellation; so tests prove leader reads, deadlines,
 *   cancellation and the absence of backward filtered scans.
 * - Subscription drops: `reads.dropSubscriptions()` ends every live subscription with UNAVAILABLE,
 *   as a lost node does; a leader change: `reads.actAsFollowerFor(n)` answers the next n leader
 *   reads with NotLeader pointing back at this node.
 * - Streams.Delete (soft delete through `$tb`) and Streams.Tombstone (a `$streamDeleted` record).
 * - Stream metadata as `$metadata` events in `$$stream`; stream reads honour `$tb`, `$maxCount`
 *   and `$maxAge`.
 * - Gossip.Read answering one live leader: with several hosts in the connection string (gossip
 *   seeds) the client discovers the node through it; with one host it connects directly.
 *
 * What it does not model:
 * - real byte positions: positions are increasing with gaps, commit = prepare for every record,
 *   and no position ever points inside a record (so resuming from an arbitrary position is never
 *   refused, as a real server may);
 * - time: `created` is stored in ticks with millisecond precision; the whole-second truncation of
 *   the Rust bridge is the client's, and happens on any server;
 * - the exact conditions of the 24.10/25.0 checkpoint bugs: the double sends the bad checkpoint at
 *   every switch to live that fits the version, the server only after some page layouts; and
 *   servers that zero the prepare position of every checkpoint (reported for 20.x-23.6);
 * - deadlines: the double never runs slowly, so a deadline is recorded, never exceeded; a slow
 *   backward filtered scan is only counted (reads.backwardFilteredScans());
 * - scavenging: deleted, truncated and expired events stay in $all forever (the real server also
 *   keeps them until a scavenge, and never applies stream metadata to $all reads);
 * - `$maxAge`/`$maxCount`/`$tb` anywhere but stream reads; `$acl`, `$cacheControl`;
 * - system projections ($ce-, $et-, $by-category, $streams), link events and `resolveLinkTos`;
 * - auth: credentials are ignored (the client sends none over an insecure channel anyway), so
 *   $all needing `$admins` is not enforced; client certificates; clusters, followers serving stale
 *   reads, leader election (a NotLeader answer is all there is of a leader change);
 * - the v2 protocol (multiStreamAppend, appendRecords), persistent subscriptions,
 *   operations, users, projections management;
 * - FellBehind;
 * - durability: everything lives in memory and dies with `close()`.
 */
import { Server, ServerCredentials, type sendUnaryData } from '@grpc/grpc-js';
import { DEFAULT_MAX_APPEND_SIZE } from './append-size.js';
import { handleBatchAppend } from './batch-append.js';
import { InMemoryLog } from './log.js';
import { gossipGrpc, gossipPb, serverFeaturesGrpc, sharedPb, streamsGrpc } from './proto.js';
import { handleRead } from './read.js';
import { ReadLog } from './read-log.js';
import { handleSupportedMethods } from './server-features.js';
import { TEST_CA_FILE, tlsCredentials } from './tls.js';
import { behaviourOf, DEFAULT_SERVER_VERSION } from './versions.js';
import { handleAppend, handleDelete, handleTombstone } from './writes.js';

export interface KurrentDbDouble {
  connectionString: string;
  /** gRPC calls received per write method (a BatchAppend call carries many appends). */
  writeCalls: { append: number; batchAppend: number };
  /** Every Streams.Read call, in arrival order; `reads.dropSubscriptions()` plays a lost node. */
  reads: ReadLog;
  close(): Promise<void>;
}

export interface KurrentDbDoubleOptions {
  /** Streams.Append's MaxAppendSize in bytes (default 1 MiB, as KurrentDB 24.x and 25.0). */
  maxAppendSize?: number;
  /**
   * How many recently committed event ids recognize a retry under `any`/`stream_exists` (the
   * server's 8 MiB commit cache; default 65,536 events). Small in tests of late redeliveries.
   */
  idempotenceWindow?: number;
  /** List BatchAppend in ServerFeatures, so the client appends through it (default true, as real servers). */
  batchAppend?: boolean;
  /**
   * Listen with TLS (tls.ts); the connection string then says `tls=true&tlsCAFile=<the test CA>`.
   * Default false: `tls=false`, as a node started `--insecure`.
   */
  tls?: boolean;
  /** The server version it answers to ServerFeatures and whose subscription behaviour it has (versions.ts). */
  serverVersion?: string;
}

export async function startKurrentDbDouble(options: KurrentDbDoubleOptions = {}): Promise<KurrentDbDouble> {
  const behaviour = behaviourOf(options.serverVersion ?? DEFAULT_SERVER_VERSION);
  const log = new InMemoryLog(options.idempotenceWindow);
  const reads = new ReadLog();
  const limits = { maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE };
  const server = new Server();
  const writeCalls = { append: 0, batchAppend: 0 };
  const count =
    <Args extends unknown[]>(method: keyof typeof writeCalls, handler: (...args: Args) => void) =>
    (...args: Args) => {
      writeCalls[method]++;
      handler(...args);
    };
  server.addService(streamsGrpc.StreamsService, {
    read: handleRead(log, reads, behaviour),
    append: count('append', handleAppend(log, limits)),
    delete: handleDelete(log),
    tombstone: handleTombstone(log),
    batchAppend: count('batchAppend', handleBatchAppend(log, limits)),
  });
  server.addService(serverFeaturesGrpc.ServerFeaturesService, {
    getSupportedMethods: handleSupportedMethods({
      version: behaviour.version,
      batchAppend: options.batchAppend !== false,
    }),
  });
  let port = 0;
  server.addService(gossipGrpc.GossipService, { read: gossipRead(() => port) });
  port = await new Promise<number>((resolve, reject) => {
    const credentials = options.tls ? tlsCredentials() : ServerCredentials.createInsecure();
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  reads.leaderEndpoint = { host: '127.0.0.1', port };
  return {
    connectionString: options.tls
      ? `kurrentdb://127.0.0.1:${port}?tls=true&tlsCAFile=${encodeURIComponent(TEST_CA_FILE)}`
      : `kurrentdb://127.0.0.1:${port}?tls=false`,
    writeCalls,
    reads,
    // Live subscriptions never end on their own: cut them rather than wait for them.
    close: async () => server.forceShutdown(),
  };
}

function gossipRead(port: () => number) {
  return (_call: unknown, callback: sendUnaryData<InstanceType<typeof gossipPb.ClusterInfo>>) => {
    const endpoint = new gossipPb.EndPoint();
    endpoint.setAddress('127.0.0.1');
    endpoint.setPort(port());
    const instanceId = new sharedPb.UUID();
    instanceId.setString('00000000-0000-4000-8000-000000000001');
    const member = new gossipPb.MemberInfo();
    member.setInstanceId(instanceId);
    member.setTimeStamp(String(BigInt(Date.now()) * 10_000n));
    member.setState(gossipPb.MemberInfo.VNodeState.LEADER);
    member.setIsAlive(true);
    member.setHttpEndPoint(endpoint);
    const info = new gossipPb.ClusterInfo();
    info.setMembersList([member]);
    callback(null, info);
  };
}
