/**
 * Conversions between the double's storage and KurrentDB's wire messages, and the errors the
 * server raises as gRPC status + trailers (the client reads the `exception` trailer).
 */
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { ExpectedState, StoredEvent } from './log.js';
import { type FilterOptions, type ReadResp, sharedPb, streamsPb, type UuidOption } from './proto.js';

/** The oneof every write request carries (Append, Delete and Tombstone options share its shape). */
interface ExpectedStateOptions {
  hasRevision(): boolean;
  getRevision(): string;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}

export function expectedStateOf(options: ExpectedStateOptions): ExpectedState {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  return { kind: 'any' };
}

/** The server's numeric encoding of an expectation in error trailers. */
export function expectedVersionNumber(expected: ExpectedState): bigint {
  switch (expected.kind) {
    case 'revision':
      return expected.revision;
    case 'no_stream':
      return -1n;
    case 'any':
      return -2n;
    case 'stream_exists':
      return -4n;
  }
}

export function streamNameOf(identifier: { getStreamName_asU8(): Uint8Array } | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

function rpcError(code: status, details: string, trailers: Record<string, string>): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export function streamDeletedError(stream: string): ServiceError {
  return rpcError(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, {
    exception: 'stream-deleted',
    'stream-name': stream,
  });
}

export function wrongExpectedVersionError(
  stream: string,
  expected: ExpectedState,
  actual: bigint,
): ServiceError {
  return rpcError(status.FAILED_PRECONDITION, `WrongExpectedVersion on ${stream}`, {
    exception: 'wrong-expected-version',
    'stream-name': stream,
    'expected-version': String(expectedVersionNumber(expected)),
    'actual-version': String(actual),
  });
}

/** Streams.Append's refusal, as the server raises it once the append's running size passes the limit. */
export function maxAppendSizeExceededError(maxAppendSize: number): ServiceError {
  return rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(maxAppendSize),
  });
}

export function invalidArgumentError(details: string): ServiceError {
  return rpcError(status.INVALID_ARGUMENT, details, {});
}

/** Builds a predicate from the read's filter; undefined means "no filter". */
export function filterPredicate(
  filter: FilterOptions | undefined,
): ((event: StoredEvent) => boolean) | undefined {
  if (!filter) return undefined;
  const onType = filter.hasEventType();
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
  if (!expression) return undefined;
  const field = (event: StoredEvent) => (onType ? event.type : event.stream);
  const regex = expression.getRegex();
  if (regex) {
    const compiled = new RegExp(regex);
    return (event) => compiled.test(field(event));
  }
  const prefixes = expression.getPrefixList();
  return (event) => prefixes.some((prefix) => field(event).startsWith(prefix));
}

function uuidOf(id: string, option: UuidOption | undefined): InstanceType<typeof sharedPb.UUID> {
  const uuid = new sharedPb.UUID();
  if (option?.hasStructured()) {
    const hex = id.replaceAll('-', '');
    const structured = new sharedPb.UUID.Structured();
    structured.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString());
    structured.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
    uuid.setStructured(structured);
  } else {
    uuid.setString(id);
  }
  return uuid;
}

export function eventResponse(event: StoredEvent, option: UuidOption | undefined): ReadResp {
  const recorded = new streamsPb.ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(uuidOf(event.id, option));
  const identifier = new sharedPb.StreamIdentifier();
  identifier.setStreamName(Buffer.from(event.stream, 'utf8'));
  recorded.setStreamIdentifier(identifier);
  recorded.setStreamRevision(event.revision.toString());
  recorded.setCommitPosition(event.position.toString());
  recorded.setPreparePosition(event.position.toString());
  recorded.getMetadataMap().set('type', event.type);
  recorded.getMetadataMap().set('content-type', event.contentType);
  recorded.getMetadataMap().set('created', event.created.toString());
  recorded.setCustomMetadata(event.metadata);
  recorded.setData(event.data);
  const readEvent = new streamsPb.ReadResp.ReadEvent();
  readEvent.setEvent(recorded);
  readEvent.setCommitPosition(event.position.toString());
  const response = new streamsPb.ReadResp();
  response.setEvent(readEvent);
  return response;
}

export function checkpointResponse(position: bigint, prepare = position): ReadResp {
  const checkpoint = new streamsPb.ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.toString());
  checkpoint.setPreparePosition(prepare.toString());
  const response = new streamsPb.ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}
