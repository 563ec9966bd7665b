/**
 * One Streams.Read call over the client's own gRPC channel, instead of its Rust read bridge.
 *
 * Why not the bridge (@kurrent/bridge 0.2.2, what client 1.3 uses for readStream/readAll): it
 * converts `created` to whole seconds while subscriptions keep milliseconds; it takes no deadline;
 * its iterator has no `return`, so a consumer that stops early never cancels the server's read; and
 * it runs on a second connection of its own. Here every read carries a deadline, is cancelled when
 * the consumer stops, asks for the leader (`requires-leader`; the client reconnects to the leader on
 * NotLeader), and converts events with the client's subscription conversion, so a read and a
 * subscription give the same time to the millisecond.
 *
 * It uses two protected members of the client (`GRPCStreamCreator`, `callArguments`), which keep
 * the channel, discovery, credentials and dispose-on-close the client already has. They are checked
 * when the store is created (assertReadAccess), so a client upgrade that drops them fails at startup.
 */
import type { CallOptions, ClientReadableStream, Metadata } from '@grpc/grpc-js';
import type { Filter } from '@kurrent/kurrentdb-client';
import {
  type AllStreamResolvedEvent,
  convertToCommandError,
  type KurrentDBClient,
  NotLeaderError,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { convertGrpcEvent } from '@kurrent/kurrentdb-client/dist/utils/convertGrpcEvent.js';
import sharedPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb.js';
import streamsGrpc from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb.js';
import streamsPb from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb.js';

type StreamsClient = InstanceType<typeof streamsGrpc.StreamsClient>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type ReadOptions = InstanceType<typeof streamsPb.ReadReq.Options>;

/** A read that has not finished by then fails with DeadlineExceeded (a DependencyError for callers). */
export const DEFAULT_READ_DEADLINE_MS = 30_000;

interface ClientInternals {
  GRPCStreamCreator: (
    client: typeof streamsGrpc.StreamsClient,
    debugName: string,
    creator: (grpc: StreamsClient) => ClientReadableStream<ReadResp>,
  ) => () => Promise<ClientReadableStream<ReadResp>>;
  callArguments: (
    options: { requiresLeader?: boolean; deadline?: number },
    callOptions?: CallOptions,
  ) => [Metadata, CallOptions];
}

function internals(client: KurrentDBClient): ClientInternals {
  return client as unknown as ClientInternals;
}

/** Throws at startup when the client no longer has what reads rely on (see the header). */
export function assertReadAccess(client: KurrentDBClient): void {
  const { GRPCStreamCreator, callArguments } = internals(client);
  if (typeof GRPCStreamCreator !== 'function' || typeof callArguments !== 'function') {
    throw new Error('@kurrent/kurrentdb-client changed: gRPC reads need GRPCStreamCreator and callArguments');
  }
}

export type ReadTarget =
  | { kind: 'stream'; stream: string; fromRevision: bigint | 'start' | 'end' }
  | { kind: 'all'; from: { commit: bigint; prepare: bigint } | 'start' | 'end'; filter?: Filter };

export interface GrpcReadOptions {
  backwards: boolean;
  maxCount: number;
  deadlineMs?: number;
}

/** What a read yields: an event, or the server's word that the stream does not exist. */
export type ReadItem =
  | { kind: 'event'; resolved: ResolvedEvent | AllStreamResolvedEvent }
  | { kind: 'stream_not_found' };

export async function* grpcRead(
  client: KurrentDBClient,
  target: ReadTarget,
  options: GrpcReadOptions,
): AsyncGenerator<ReadItem> {
  const progress = { yielded: false };
  try {
    yield* readOnce(client, target, options, progress);
  } catch (error) {
    // The node we knew as leader no longer is: the client has reconnected to the one NotLeader
    // named, and a read that yielded nothing yet can be asked there again.
    if (!(error instanceof NotLeaderError) || progress.yielded) throw error;
    yield* readOnce(client, target, options, progress);
  }
}

async function* readOnce(
  client: KurrentDBClient,
  target: ReadTarget,
  options: GrpcReadOptions,
  progress: { yielded: boolean },
): AsyncGenerator<ReadItem> {
  const request = new streamsPb.ReadReq().setOptions(readOptions(target, options));
  const { GRPCStreamCreator, callArguments } = internals(client);
  const args = callArguments({
    requiresLeader: true,
    deadline: options.deadlineMs ?? DEFAULT_READ_DEADLINE_MS,
  });
  let call: ClientReadableStream<ReadResp> | undefined;
  try {
    call = await GRPCStreamCreator(streamsGrpc.StreamsClient, 'read', (grpc) =>
      grpc.read(request, ...args),
    )();
    for await (const response of call as AsyncIterable<ReadResp>) {
      if (response.hasStreamNotFound()) {
        yield { kind: 'stream_not_found' };
        return;
      }
      const event = response.getEvent();
      if (!event) continue;
      progress.yielded = true;
      yield { kind: 'event', resolved: convertGrpcEvent(event) };
    }
  } catch (error) {
    throw convertToCommandError(error as Error);
  } finally {
    // A consumer that stopped early (break, return, throw) ends the server's read too.
    call?.cancel();
  }
}

function readOptions(target: ReadTarget, options: GrpcReadOptions): ReadOptions {
  const Options = streamsPb.ReadReq.Options;
  const readOptions = new Options();
  readOptions.setReadDirection(
    options.backwards ? Options.ReadDirection.BACKWARDS : Options.ReadDirection.FORWARDS,
  );
  readOptions.setResolveLinks(false);
  readOptions.setCount(String(options.maxCount));
  readOptions.setUuidOption(new Options.UUIDOption().setString(new sharedPb.Empty()));
  readOptions.setControlOption(new Options.ControlOption().setCompatibility(1));
  if (target.kind === 'stream') {
    const stream = new Options.StreamOptions();
    stream.setStreamIdentifier(
      new sharedPb.StreamIdentifier().setStreamName(Buffer.from(target.stream, 'utf8')),
    );
    if (target.fromRevision === 'start') stream.setStart(new sharedPb.Empty());
    else if (target.fromRevision === 'end') stream.setEnd(new sharedPb.Empty());
    else stream.setRevision(target.fromRevision.toString());
    readOptions.setStream(stream);
    readOptions.setNoFilter(new sharedPb.Empty());
    return readOptions;
  }
  const all = new Options.AllOptions();
  if (target.from === 'start') all.setStart(new sharedPb.Empty());
  else if (target.from === 'end') all.setEnd(new sharedPb.Empty());
  else {
    const position = new Options.Position();
    position.setCommitPosition(target.from.commit.toString());
    position.setPreparePosition(target.from.prepare.toString());
    all.setPosition(position);
  }
  readOptions.setAll(all);
  if (!target.filter) {
    readOptions.setNoFilter(new sharedPb.Empty());
    return readOptions;
  }
  const expression = new Options.FilterOptions.Expression();
  if ('prefixes' in target.filter) expression.setPrefixList(target.filter.prefixes);
  if ('regex' in target.filter) expression.setRegex(target.filter.regex);
  const filter = new Options.FilterOptions();
  if (target.filter.filterOn === 'streamName') filter.setStreamIdentifier(expression);
  else filter.setEventType(expression);
  filter.setCount(new sharedPb.Empty());
  filter.setCheckpointintervalmultiplier(1);
  readOptions.setFilter(filter);
  return readOptions;
}
