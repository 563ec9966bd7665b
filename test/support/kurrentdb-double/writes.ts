/** Streams.Append (client streaming), Streams.Delete and Streams.Tombstone. */
import type { ServerReadableStream, ServerUnaryCall, ServiceError, sendUnaryData } from '@grpc/grpc-js';
import { AppendSizeMeter } from './append-size.js';
import type { DeleteOutcome, ExpectedState, InMemoryLog, ProposedEvent } from './log.js';
import {
  type AppendReq,
  type AppendResp,
  type DeleteReq,
  type DeleteResp,
  sharedPb,
  streamsPb,
  type TombstoneReq,
  type TombstoneResp,
} from './proto.js';
import {
  expectedStateOf,
  invalidArgumentError,
  maxAppendSizeExceededError,
  streamDeletedError,
  streamNameOf,
  wrongExpectedVersionError,
} from './wire.js';

export interface WriteLimits {
  /** Bytes per append, counted as the server counts them (append-size.ts). */
  maxAppendSize: number;
}

export function handleAppend(log: InMemoryLog, limits: WriteLimits) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => {
    let header: { stream: string; expected: ExpectedState } | undefined;
    const proposed: ProposedEvent[] = [];
    const meter = new AppendSizeMeter(limits.maxAppendSize);
    // The server answers as soon as the running size passes the limit and reads no further.
    let refused = false;
    call.on('data', (request: AppendReq) => {
      if (refused) return;
      const options = request.getOptions();
      const message = request.getProposedMessage();
      if (options) {
        header = { stream: streamNameOf(options.getStreamIdentifier()), expected: expectedStateOf(options) };
      } else if (message) {
        const event = proposedEventOf(message);
        proposed.push(event);
        if (!meter.add(event)) {
          refused = true;
          callback(maxAppendSizeExceededError(limits.maxAppendSize));
        }
      }
    });
    call.on('end', () => {
      if (refused) return;
      if (!header) return callback(invalidArgumentError('The first AppendReq must carry options'));
      const response = appendResponse(log, header.stream, header.expected, proposed);
      if (response instanceof Error) callback(response);
      else callback(null, response);
    });
  };
}

/** AppendReq.ProposedMessage and BatchAppendReq.ProposedMessage share this shape. */
interface ProposedMessageLike {
  getId(): InstanceType<typeof sharedPb.UUID> | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

export function proposedEventOf(message: ProposedMessageLike): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: message.getId()?.getString() ?? crypto.randomUUID(),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function appendResponse(
  log: InMemoryLog,
  stream: string,
  expected: ExpectedState,
  proposed: ProposedEvent[],
): AppendResp | ServiceError {
  const outcome = log.append(stream, expected, proposed);
  if (outcome.kind === 'stream_deleted') return streamDeletedError(stream);
  const response = new streamsPb.AppendResp();
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new streamsPb.AppendResp.WrongExpectedVersion();
    if (outcome.current === -1n) wrong.setCurrentNoStream(new sharedPb.Empty());
    else wrong.setCurrentRevision(outcome.current.toString());
    if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
    else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
    else wrong.setExpectedAny(new sharedPb.Empty());
    response.setWrongExpectedVersion(wrong);
    return response;
  }
  const success = new streamsPb.AppendResp.Success();
  if (outcome.current === -1n) success.setNoStream(new sharedPb.Empty());
  else success.setCurrentRevision(outcome.current.toString());
  // An idempotent retry is answered with the position of the retried last event, read back from
  // the index (IndexWriter.CheckCommit's logPos, since 22.6): the same answer as the first write,
  // so nothing on the wire tells a recognized retry from a fresh write. No position only when
  // that event can no longer be read.
  const last = outcome.kind === 'written' ? outcome.last : log.readable(stream, outcome.current);
  if (last) {
    const position = new streamsPb.AppendResp.Position();
    position.setCommitPosition(last.position.toString());
    position.setPreparePosition(last.position.toString());
    success.setPosition(position);
  } else {
    success.setNoPosition(new sharedPb.Empty());
  }
  response.setSuccess(success);
  return response;
}

type DeletionRequest = DeleteReq | TombstoneReq;

function handleDeletion<Resp>(
  perform: (stream: string, expected: ExpectedState) => DeleteOutcome,
  respond: (position: bigint) => Resp,
) {
  return (call: ServerUnaryCall<DeletionRequest, Resp>, callback: sendUnaryData<Resp>) => {
    const options = call.request.getOptions();
    if (!options) return callback(invalidArgumentError('options are required'));
    const stream = streamNameOf(options.getStreamIdentifier());
    const expected = expectedStateOf(options);
    const outcome = perform(stream, expected);
    if (outcome.kind === 'stream_deleted') return callback(streamDeletedError(stream));
    if (outcome.kind === 'wrong_expected_version') {
      return callback(wrongExpectedVersionError(stream, expected, outcome.current));
    }
    callback(null, respond(outcome.position));
  };
}

export function handleDelete(log: InMemoryLog) {
  return handleDeletion<DeleteResp>(
    (stream, expected) => log.delete(stream, expected),
    (at) => {
      const position = new streamsPb.DeleteResp.Position();
      position.setCommitPosition(at.toString());
      position.setPreparePosition(at.toString());
      return new streamsPb.DeleteResp().setPosition(position);
    },
  );
}

export function handleTombstone(log: InMemoryLog) {
  return handleDeletion<TombstoneResp>(
    (stream, expected) => log.tombstone(stream, expected),
    (at) => {
      const position = new streamsPb.TombstoneResp.Position();
      position.setCommitPosition(at.toString());
      position.setPreparePosition(at.toString());
      return new streamsPb.TombstoneResp().setPosition(position);
    },
  );
}
