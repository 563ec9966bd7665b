import { eventCatalog } from '../events/catalog.js';
import { callsStream, ProviderCallRecorded } from '../events/provider-call.js';
import type { EventStore } from '../eventstore/port.js';
import type { Logger } from '../platform/logger.js';
import { type BodyMacWriter, type MacKeys, startBodyMac } from './audit/body-mac.js';
import { type CallAuditSlot, CallBatcher } from './audit/call-batcher.js';
import { CallRecorderClosedError } from './audit/errors.js';
import { actorLabel, isBatchedCall, type ProviderCall, providerCallData } from './audit/provider-call.js';

export type { BodyMacWriter, CallBodyDigest } from './audit/body-mac.js';
export { verifyBodyMac } from './audit/body-mac.js';
export type { CallAuditSlot } from './audit/call-batcher.js';
export { CallAuditBacklogFullError, CallRecorderClosedError } from './audit/errors.js';
export type { CallActor, CallBody, ProviderCall } from './audit/provider-call.js';

export interface CallRecorderOptions {
  eventStore: Pick<EventStore, 'append'>;
  vault: MacKeys;
  logger: Logger;
  batch?: { maxPending?: number; maxBatch?: number; flushIntervalMs?: number };
  /** How long close() keeps trying to append what is queued (default 10 s). */
  closeDeadlineMs?: number;
}

/** A slot for a call that is never batched: nothing to hold or give back. */
const UNBOUNDED: CallAuditSlot = { release() {} };

/**
 * The audit record of every provider call (events/provider-call.ts), on `calls-<tenant>.<connection>`.
 * Writes (any method but GET, HEAD, OPTIONS) and actions are appended before `record` returns, so
 * the caller is answered only once its call is on the log. Reads go through a bounded batcher
 * (audit/call-batcher.ts): `record` returns once the record is queued, and when the queue is full
 * it throws CallAuditBacklogFullError (503) instead of letting a call go unrecorded.
 */
export class CallRecorder {
  private readonly batcher: CallBatcher;
  private closed = false;

  constructor(private readonly options: CallRecorderOptions) {
    this.batcher = new CallBatcher({
      append: (stream, events) => options.eventStore.append(stream, events, 'any'),
      logger: options.logger,
      ...options.batch,
    });
  }

  /** Read-call records queued, reserved or being appended. */
  get pending(): number {
    return this.batcher.pending;
  }

  /**
   * Holds a place for the record of a call about to be made, so a full queue refuses the call
   * before it reaches the provider (and before a streamed answer starts). Pass it to `record`;
   * release it if the call is abandoned. Throws CallAuditBacklogFullError (503) when full.
   */
  reserve(call: Pick<ProviderCall, 'kind' | 'method'>): CallAuditSlot {
    if (this.closed) throw new CallRecorderClosedError();
    return isBatchedCall(call) ? this.batcher.reserve() : UNBOUNDED;
  }

  /** A MAC writer for a body that streams (proxy): feed it the chunks, pass its digest in the call. */
  bodyMac(tenantId: string): Promise<BodyMacWriter> {
    return startBodyMac(this.options.vault, tenantId);
  }

  /**
   * Records a finished call. Resolves once a write or an action is appended, or once a read is
   * queued. Throws CallAuditBacklogFullError when a read finds no room (without a slot from
   * `reserve`), CallRecorderClosedError after close, TenantKeyDestroyedError for a deleted tenant.
   */
  async record(
    tenantId: string,
    connectionId: string,
    call: ProviderCall,
    options: { slot?: CallAuditSlot } = {},
  ): Promise<void> {
    if (this.closed) {
      options.slot?.release();
      throw new CallRecorderClosedError();
    }
    const batched = isBatchedCall(call);
    const slot = batched ? this.batcher.claim(options.slot) : null;
    try {
      const stream = callsStream(tenantId, connectionId);
      const event = eventCatalog.create(
        ProviderCallRecorded,
        await providerCallData(this.options.vault, tenantId, connectionId, call),
        { tenantId, correlationId: call.requestId, causationId: null, actor: actorLabel(call.actor) },
      );
      if (slot) this.batcher.enqueue(stream, event, slot);
      else await this.options.eventStore.append(stream, [event], 'any');
    } finally {
      // A no-op once enqueued; gives the place back when building the record failed.
      slot?.release();
      options.slot?.release();
    }
  }

  /** Appends every queued record (for tests and shutdown). */
  flush(): Promise<void> {
    return this.batcher.flush();
  }

  /** Refuses new calls, then appends what is queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.batcher.close(this.options.closeDeadlineMs);
  }
}
