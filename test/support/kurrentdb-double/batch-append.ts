/**
 * Streams.BatchAppend (bidirectional): what the client uses for every append once ServerFeatures
 * lists it. One long-lived call carries many appends, each a run of BatchAppendReq under one
 * correlation id: the first with the options (stream, expectation, deadline), the last `is_final`.
 * Each append is answered by one BatchAppendResp with the same correlation id: success (revision,
 * position) or an error as a google.rpc.Status whose details pack the server's message
 * (WrongExpectedVersion, StreamDeleted, MaximumAppendSizeExceeded), as Streams.BatchAppend.cs and
 * Status.cs build them. The size check runs per request chunk, after its events are added.
 * Not modelled: deadlines (the server answers Timeout past the options' deadline), AccessDenied,
 * NotLeader, and several appends of one correlation interleaved with others' chunks in one call
 * beyond keeping them apart.
 */
import type { ServerDuplexStream } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb.js';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb.js';
import { AppendSizeMeter } from './append-size.js';
import type { ExpectedState, InMemoryLog, ProposedEvent, WriteOutcome } from './log.js';
import { type BatchAppendReq, type BatchAppendResp, sharedPb, statusPb, streamsPb } from './proto.js';
import { streamNameOf } from './wire.js';
import { proposedEventOf, type WriteLimits } from './writes.js';

/** google.rpc.Code values the server uses here. */
const Code = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, ALREADY_EXISTS: 6 } as const;

interface PendingAppend {
  stream: string;
  expected: ExpectedState;
  proposed: ProposedEvent[];
  meter: AppendSizeMeter;
}

export function handleBatchAppend(log: InMemoryLog, limits: WriteLimits) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
    const pending = new Map<string, PendingAppend>();
    call.on('data', (request: BatchAppendReq) => {
      const correlation = request.getCorrelationId();
      const key = correlation?.getString() ?? '';
      const options = request.getOptions();
      if (options && !pending.has(key)) {
        pending.set(key, {
          stream: streamNameOf(options.getStreamIdentifier()),
          expected: batchExpectedStateOf(options),
          proposed: [],
          meter: new AppendSizeMeter(limits.maxAppendSize),
        });
      }
      const append = pending.get(key);
      if (!append) return;
      let withinLimit = true;
      for (const message of request.getProposedMessagesList()) {
        const event = proposedEventOf(message);
        append.proposed.push(event);
        withinLimit = append.meter.add(event) && withinLimit;
      }
      const respond = (response: BatchAppendResp) => {
        response.setCorrelationId(correlation);
        response.setStreamIdentifier(identifierOf(append.stream));
        call.write(response);
      };
      if (!withinLimit) {
        pending.delete(key);
        return respond(errorResponse(maxAppendSizeStatus(limits.maxAppendSize)));
      }
      if (!request.getIsFinal()) return;
      pending.delete(key);
      respond(batchResponse(log, append, log.append(append.stream, append.expected, append.proposed)));
    });
    call.on('end', () => call.end());
  };
}

type BatchOptions = InstanceType<typeof streamsPb.BatchAppendReq.Options>;

function batchExpectedStateOf(options: BatchOptions): ExpectedState {
  if (options.hasStreamPosition()) return { kind: 'revision', revision: BigInt(options.getStreamPosition()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

function identifierOf(stream: string) {
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, 'utf8'));
  return identifier;
}

function status(code: number, message: string, typeName: string, details: { serializeBinary(): Uint8Array }) {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  const result = new statusPb.Status();
  result.setCode(code);
  result.setMessage(message);
  result.setDetails(any);
  return result;
}

function maxAppendSizeStatus(maxAppendSize: number) {
  const details = new sharedPb.MaximumAppendSizeExceeded();
  details.setMaxappendsize(maxAppendSize);
  return status(
    Code.INVALID_ARGUMENT,
    'MaximumAppendSizeExceeded',
    'event_store.client.MaximumAppendSizeExceeded',
    details,
  );
}

function errorResponse(error: InstanceType<typeof statusPb.Status>): BatchAppendResp {
  const response = new streamsPb.BatchAppendResp();
  response.setError(error);
  return response;
}

function batchResponse(log: InMemoryLog, append: PendingAppend, outcome: WriteOutcome): BatchAppendResp {
  if (outcome.kind === 'stream_deleted') {
    const details = new sharedPb.StreamDeleted();
    details.setStreamIdentifier(identifierOf(append.stream));
    return errorResponse(
      status(Code.NOT_FOUND, 'StreamDeleted', 'event_store.client.StreamDeleted', details),
    );
  }
  if (outcome.kind === 'wrong_expected_version') {
    const details = new sharedPb.WrongExpectedVersion();
    if (outcome.current === -1n) details.setCurrentNoStream(new Empty());
    else details.setCurrentStreamRevision(outcome.current.toString());
    const expected = append.expected;
    if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
    else if (expected.kind === 'no_stream') details.setExpectedNoStream(new Empty());
    else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new Empty());
    else details.setExpectedAny(new Empty());
    return errorResponse(
      status(Code.ALREADY_EXISTS, 'WrongExpectedVersion', 'event_store.client.WrongExpectedVersion', details),
    );
  }
  const success = new streamsPb.BatchAppendResp.Success();
  if (outcome.current === -1n) success.setNoStream(new Empty());
  else success.setCurrentRevision(outcome.current.toString());
  // As Streams.Append: a recognized retry carries the retried event's position (writes.ts).
  const last = outcome.kind === 'written' ? outcome.last : log.readable(append.stream, outcome.current);
  if (last) {
    const position = new sharedPb.AllStreamPosition();
    position.setCommitPosition(last.position.toString());
    position.setPreparePosition(last.position.toString());
    success.setPosition(position);
  } else {
    success.setNoPosition(new Empty());
  }
  const response = new streamsPb.BatchAppendResp();
  response.setSuccess(success);
  return response;
}
