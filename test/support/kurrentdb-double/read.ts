/** Streams.Read: one-shot reads of a stream or of $all; subscriptions are handed to subscribe.ts. */
import { Metadata, type ServerWritableStream, type ServiceError, status } from '@grpc/grpc-js';
import type { InMemoryLog, StoredEvent } from './log.js';
import { type ReadReq, type ReadResp, sharedPb, streamsPb } from './proto.js';
import type { ReadLog, ReadRecord } from './read-log.js';
import { subscribe } from './subscribe.js';
import type { ServerBehaviour } from './versions.js';
import {
  eventResponse,
  filterPredicate,
  invalidArgumentError,
  streamDeletedError,
  streamNameOf,
} from './wire.js';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;
type Options = InstanceType<typeof streamsPb.ReadReq.Options>;

const BACKWARDS = streamsPb.ReadReq.Options.ReadDirection.BACKWARDS;

export function handleRead(log: InMemoryLog, reads: ReadLog, behaviour: ServerBehaviour) {
  return (call: ReadCall) => {
    const options = call.request.getOptions();
    if (!options) return call.emit('error', invalidArgumentError('options are required'));
    const record = reads.add({
      target: options.hasStream() ? 'stream' : 'all',
      stream: options.hasStream() ? streamNameOf(options.getStream()?.getStreamIdentifier()) : '$all',
      backwards: options.getReadDirection() === BACKWARDS,
      filtered: options.hasFilter(),
      subscription: options.hasSubscription(),
      requiresLeader: call.metadata.get('requires-leader')[0] === 'true',
      deadline: call.getDeadline() !== Infinity,
    });
    call.on('cancelled', () => {
      record.cancelled = true;
    });
    if (record.requiresLeader && !record.subscription && reads.notLeaderReads > 0) {
      reads.notLeaderReads -= 1;
      record.refused = true;
      return call.emit('error', notLeaderError(reads.leaderEndpoint));
    }
    if (options.hasSubscription()) return subscribe(log, call, options, record, behaviour, reads);
    const events = options.hasStream() ? readStream(log, call, options) : readAll(log, options);
    if (events === undefined) return;
    const limit = Number(options.getCount() || '0');
    void send(call, options, events.slice(0, limit), record);
  };
}

/** What a follower answers a leader-only request: the leader's endpoint in the trailers. */
function notLeaderError(leader: { host: string; port: number }): ServiceError {
  const metadata = new Metadata();
  metadata.set('exception', 'not-leader');
  metadata.set('leader-endpoint-host', leader.host);
  metadata.set('leader-endpoint-port', String(leader.port));
  const details = 'Leader info available';
  return Object.assign(new Error(details), { code: status.NOT_FOUND, details, metadata });
}

/** Writes with backpressure, as a server does, so a client that stops reading and cancels is seen. */
async function send(call: ReadCall, options: Options, events: StoredEvent[], record: ReadRecord) {
  for (const event of events) {
    if (record.cancelled) return;
    record.sent += 1;
    if (!call.write(eventResponse(event, options.getUuidOption()))) {
      await new Promise((resolve) => {
        call.once('drain', resolve);
        call.once('cancelled', resolve);
      });
    }
  }
  if (record.cancelled) return;
  if (options.hasStream() && options.getReadDirection() !== BACKWARDS && events.length > 0) {
    // What the server adds for clients that ask for compatibility level 1 (the Rust bridge does).
    if ((options.getControlOption()?.getCompatibility() ?? 0) >= 1) {
      const last = new streamsPb.ReadResp();
      last.setLastStreamPosition(events.at(-1)?.revision.toString() ?? '0');
      call.write(last);
    }
  }
  call.end();
}

/** Undefined when the call has been answered already (not found, deleted). */
function readStream(log: InMemoryLog, call: ReadCall, options: Options): StoredEvent[] | undefined {
  const streamOptions = options.getStream();
  const stream = streamNameOf(streamOptions?.getStreamIdentifier());
  const view = log.view(stream);
  if (view.kind === 'tombstoned') {
    call.emit('error', streamDeletedError(stream));
    return undefined;
  }
  if (view.kind === 'missing') {
    const notFound = new streamsPb.ReadResp.StreamNotFound();
    const identifier = new sharedPb.StreamIdentifier();
    identifier.setStreamName(Buffer.from(stream, 'utf8'));
    notFound.setStreamIdentifier(identifier);
    call.write(new streamsPb.ReadResp().setStreamNotFound(notFound));
    call.end();
    return undefined;
  }
  const from = streamOptions?.hasRevision() ? BigInt(streamOptions.getRevision()) : undefined;
  if (options.getReadDirection() === BACKWARDS) {
    const start = streamOptions?.hasEnd() || from === undefined ? view.lastRevision : from;
    return view.events.filter((event) => event.revision <= start).reverse();
  }
  const start = streamOptions?.hasStart() || from === undefined ? 0n : from;
  return view.events.filter((event) => event.revision >= start);
}

/** Forwards from a position is inclusive; backwards reads what lies strictly before it, as the server does. */
function readAll(log: InMemoryLog, options: Options): StoredEvent[] {
  const allOptions = options.getAll();
  const position = allOptions?.hasPosition()
    ? BigInt(allOptions.getPosition()?.getCommitPosition() ?? '0')
    : undefined;
  const matches = filterPredicate(options.hasFilter() ? options.getFilter() : undefined) ?? (() => true);
  if (options.getReadDirection() === BACKWARDS) {
    const before = allOptions?.hasEnd() || position === undefined ? undefined : position;
    return log.all
      .filter((event) => (before === undefined || event.position < before) && matches(event))
      .reverse();
  }
  const from = allOptions?.hasStart() || position === undefined ? undefined : position;
  return log.all.filter((event) => (from === undefined || event.position >= from) && matches(event));
}
