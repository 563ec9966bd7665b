/**
 * Catch-up subscriptions, to $all or to one stream: confirmation, catch-up from an exclusive
 * start, checkpoints every `window x multiplier` considered events (filtered $all only, as the
 * server does), a checkpoint and a CaughtUp when the log is exhausted, then live events.
 * One cursor walks the append-only log for both phases, so nothing is skipped or sent twice.
 */
import { once } from 'node:events';
import { type ServerWritableStream, status } from '@grpc/grpc-js';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { DELETED_REVISION, type InMemoryLog, type StoredEvent } from './log.js';
import { type ReadReq, type ReadResp, streamsPb } from './proto.js';
import type { ReadLog, ReadRecord } from './read-log.js';
import type { ServerBehaviour } from './versions.js';
import { checkpointResponse, eventResponse, filterPredicate, streamNameOf } from './wire.js';

type Options = InstanceType<typeof streamsPb.ReadReq.Options>;
type CaughtUp = InstanceType<typeof streamsPb.ReadResp.CaughtUp>;

/** "No position" on the wire: what (-1, -1) becomes in the checkpoint message. */
const U64_MAX = (1n << 64n) - 1n;

/** The server's default read batch, used as the search window when the client sends none. */
const DEFAULT_WINDOW = 32;

interface Plan {
  /** Index in the log of the first record to consider. */
  cursor: number;
  /** Position the subscription starts after: the checkpoint to report before anything is considered. */
  start: bigint | undefined;
  matches: (event: StoredEvent) => boolean;
  /** Undefined: no checkpoints (unfiltered and stream subscriptions). */
  checkpointInterval: number | undefined;
  caughtUp: (checkpoint: bigint | undefined, lastSent: StoredEvent | undefined) => CaughtUp;
}

export async function subscribe(
  log: InMemoryLog,
  call: ServerWritableStream<ReadReq, ReadResp>,
  options: Options,
  record: ReadRecord,
  behaviour: ServerBehaviour,
  reads: ReadLog,
) {
  const plan = options.hasStream() ? streamPlan(log, options) : allPlan(log, options);
  let cancelled = false;
  let wake: (() => void) | undefined;
  const stopListening = log.onAppend(() => wake?.());
  const drop = () => {
    cancelled = true;
    wake?.();
    const details = 'Node lost (the double dropped the subscription)';
    call.emit('error', Object.assign(new Error(details), { code: status.UNAVAILABLE, details }));
  };
  reads.droppers.add(drop);
  const cancellation = new Promise<void>((resolve) => {
    call.on('cancelled', () => {
      cancelled = true;
      wake?.();
      resolve();
    });
  });

  const confirmation = new streamsPb.ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(crypto.randomUUID());
  call.write(new streamsPb.ReadResp().setConfirmation(confirmation));

  let { cursor } = plan;
  let considered = 0;
  let lastConsidered = plan.start;
  let lastSent: StoredEvent | undefined;
  let live = false;
  let lastCheckpoint: bigint | undefined;
  const send = async (response: ReadResp) => {
    if (!call.write(response)) await Promise.race([once(call, 'drain'), cancellation]);
  };
  // Like the server, never repeat a checkpoint (the end of catch-up often lands on the last one).
  const checkpoint = async (position: bigint) => {
    if (lastCheckpoint !== undefined && position <= lastCheckpoint) return;
    lastCheckpoint = position;
    await send(checkpointResponse(position));
  };
  try {
    while (!cancelled) {
      const event = log.all[cursor];
      if (event) {
        cursor += 1;
        considered += 1;
        lastConsidered = event.position;
        if (plan.matches(event)) {
          lastSent = event;
          record.sent += 1;
          await send(eventResponse(event, options.getUuidOption()));
        }
        if (plan.checkpointInterval !== undefined && considered >= plan.checkpointInterval) {
          considered = 0;
          await checkpoint(event.position);
        }
        continue;
      }
      if (!live) {
        live = true;
        if (plan.checkpointInterval !== undefined) {
          if (
            behaviour.sentinelCheckpointAtLive &&
            plan.start === undefined &&
            lastSent === undefined &&
            lastCheckpoint === undefined
          ) {
            lastCheckpoint = U64_MAX;
            await send(checkpointResponse(U64_MAX));
          } else if (behaviour.endOfLogCheckpointAtLive && lastConsidered !== undefined) {
            lastCheckpoint = log.endPosition;
            await send(checkpointResponse(log.endPosition, 0n));
          } else if (lastConsidered !== undefined) {
            await checkpoint(lastConsidered);
          }
        }
        if (behaviour.sendsCaughtUp) {
          const at = behaviour.caughtUpHasPosition ? lastConsidered : undefined;
          await send(new streamsPb.ReadResp().setCaughtUp(plan.caughtUp(at, lastSent)));
        }
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    stopListening();
    reads.droppers.delete(drop);
  }
}

function firstIndexAfter(log: InMemoryLog, position: bigint): number {
  const index = log.all.findIndex((event) => event.position > position);
  return index === -1 ? log.all.length : index;
}

function allPlan(log: InMemoryLog, options: Options): Plan {
  const all = options.getAll();
  const filter = options.hasFilter() ? options.getFilter() : undefined;
  const position = all?.getPosition();
  let start: bigint | undefined;
  if (all?.hasEnd()) start = log.all.at(-1)?.position;
  else if (position) start = BigInt(position.getCommitPosition());
  const window = filter?.hasMax() ? filter.getMax() : DEFAULT_WINDOW;
  return {
    cursor: start === undefined ? 0 : firstIndexAfter(log, start),
    start,
    matches: filterPredicate(filter) ?? (() => true),
    checkpointInterval: filter ? window * Math.max(1, filter.getCheckpointintervalmultiplier()) : undefined,
    caughtUp: (at) => {
      const caughtUp = new streamsPb.ReadResp.CaughtUp();
      caughtUp.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
      if (at !== undefined) {
        const position = new streamsPb.ReadResp.Position();
        position.setCommitPosition(at.toString());
        position.setPreparePosition(at.toString());
        caughtUp.setPosition(position);
      }
      return caughtUp;
    },
  };
}

function streamPlan(log: InMemoryLog, options: Options): Plan {
  const streamOptions = options.getStream();
  const stream = streamNameOf(streamOptions?.getStreamIdentifier());
  const after = streamOptions?.hasRevision() ? BigInt(streamOptions.getRevision()) : undefined;
  const inStream = (event: StoredEvent) => event.stream === stream && event.revision !== DELETED_REVISION;
  let cursor = 0;
  if (streamOptions?.hasEnd()) cursor = log.all.length;
  else if (after !== undefined) {
    const index = log.all.findIndex((event) => inStream(event) && event.revision > after);
    cursor = index === -1 ? log.all.length : index;
  }
  return {
    cursor,
    start: undefined,
    matches: inStream,
    checkpointInterval: undefined,
    caughtUp: (_checkpoint, lastSent) => {
      const caughtUp = new streamsPb.ReadResp.CaughtUp();
      caughtUp.setTimestamp(timestampPb.Timestamp.fromDate(new Date()));
      if (lastSent) caughtUp.setStreamRevision(lastSent.revision.toString());
      return caughtUp;
    },
  };
}
