import { pipeline, Transform } from 'node:stream';
import { isBatchedCall } from './audit/provider-call.js';
import type { ProxyCallRecord } from './call-record.js';
import type {
  BodyMacWriter,
  CallActor,
  CallAuditSlot,
  CallBody,
  CallRecorder,
  ProviderCall,
} from './call-recorder.js';
import type { OutgoingBody } from './request-body.js';

/** What the proxy needs of the recorder (runtime.callRecorder). */
export type CallAudit = Pick<CallRecorder, 'reserve' | 'bodyMac' | 'record'>;

/** The call's facts the proxy's own record (ProxyCallRecord) does not hold. */
export interface AuditedProxyCall {
  tenantId: string;
  connectionId: string;
  method: string;
  /**
   * The path under the API's base URL with the caller's query string: the route the caller named.
   * Never the query the credentials add (an API key in the query stays on the wire).
   */
  path: string;
  actor: CallActor;
  requestId: string;
  startedAt: Date;
}

/**
 * The audit of one proxy call, from before the provider is contacted to its record: it holds the
 * record's place (a read's, in the recorder's bounded batcher, so a full backlog refuses the call
 * before any provider request), MACs the request body as forwarded and the response as it passes,
 * and records the call once. A write (any method but GET, HEAD, OPTIONS) is appended before
 * `record` resolves: the proxy answers after it.
 */
export class ProxyCallAudit {
  /** What was forwarded: the buffered bytes, or the MAC writer a streamed body went through. */
  private requestBody: Buffer | BodyMacWriter | null = null;
  private streamedBytes = 0;
  private responseWriter: Promise<BodyMacWriter> | null = null;
  private recording: Promise<void> | null = null;

  private constructor(
    private readonly recorder: CallAudit,
    private readonly call: AuditedProxyCall,
    private readonly slot: CallAuditSlot,
  ) {}

  /** Throws CallAuditBacklogFullError (503 AUDIT_BACKLOG_FULL) when a read cannot be recorded now. */
  static begin(recorder: CallAudit, call: AuditedProxyCall): ProxyCallAudit {
    return new ProxyCallAudit(recorder, call, recorder.reserve({ kind: 'proxy', method: call.method }));
  }

  /** Writes are recorded before the caller is answered; reads may be batched. */
  get recordsBeforeAnswer(): boolean {
    return !isBatchedCall({ kind: 'proxy', method: this.call.method });
  }

  /**
   * The body as it goes to the provider, with its MAC taken over exactly what is forwarded: the
   * buffered bytes (sent again as they are on a retry), or a streamed body chunk by chunk.
   */
  async forwarded(body: OutgoingBody): Promise<OutgoingBody> {
    if (body.kind === 'none') return body;
    if (body.kind === 'buffered') {
      this.requestBody = body.bytes;
      return body;
    }
    const writer = await this.recorder.bodyMac(this.call.tenantId);
    this.requestBody = writer;
    const macd = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        // A provider may answer before the upload ends: the record says what was sent until then.
        if (this.recording === null) {
          writer.update(chunk);
          this.streamedBytes += chunk.length;
        }
        callback(null, chunk);
      },
    });
    // Errors travel both ways: a caller that hangs up fails the upload, a provider that stops reading ends the caller's stream.
    return { kind: 'stream', stream: pipeline(body.stream, macd, () => {}) };
  }

  /** The response's MAC writer, its key derived once (start it early: it runs beside the provider call). */
  responseMac(): Promise<BodyMacWriter> {
    if (!this.responseWriter) {
      this.responseWriter = this.recorder.bodyMac(this.call.tenantId);
      // Awaited only once the provider answered: a failure before then (a deleted tenant's key) is
      // not an unhandled rejection meanwhile, and still reaches whoever awaits it.
      this.responseWriter.catch(() => {});
    }
    return this.responseWriter;
  }

  /** Bytes of the request body forwarded so far. */
  get requestBytes(): number {
    const body = this.requestBody;
    if (body === null) return 0;
    return Buffer.isBuffer(body) ? body.length : this.streamedBytes;
  }

  /** The request body as the record keeps it; a streamed one's digest is final once nothing more is forwarded. */
  private requestDigest(): CallBody {
    const body = this.requestBody;
    return body === null || Buffer.isBuffer(body) ? body : body.digest();
  }

  /**
   * Records the call once (later calls get the same promise): appended for a write, queued in the
   * place reserved for a read. `response` is the response's MAC writer when any byte was read.
   */
  record(record: ProxyCallRecord, response: BodyMacWriter | null): Promise<void> {
    this.recording ??= this.recordOnce(record, response);
    return this.recording;
  }

  private async recordOnce(record: ProxyCallRecord, response: BodyMacWriter | null): Promise<void> {
    let call: ProviderCall;
    try {
      call = this.providerCall(record, response);
    } catch (error) {
      // The recorder never got the slot: give the place back here.
      this.slot.release();
      throw error;
    }
    await this.recorder.record(this.call.tenantId, this.call.connectionId, call, { slot: this.slot });
  }

  private providerCall(record: ProxyCallRecord, response: BodyMacWriter | null): ProviderCall {
    const remaining = record.rateLimit?.remaining ?? null;
    const resetAt = record.rateLimit?.resetAt ?? null;
    const requestBody = this.requestDigest();
    return {
      kind: 'proxy',
      provider: record.provider,
      method: record.method,
      path: this.call.path,
      status: record.status,
      errorCode: record.errorCode,
      attempts: record.attempts,
      startedAt: this.call.startedAt,
      durationMs: { total: record.durationMs, provider: record.providerMs },
      requestBody,
      responseBody: response?.digest() ?? null,
      rateLimit: record.rateLimit
        ? {
            // The event keeps a count, which a provider's header may not be (a float, a negative).
            remaining: remaining !== null && Number.isInteger(remaining) && remaining >= 0 ? remaining : null,
            resetAt: resetAt && !Number.isNaN(resetAt.getTime()) ? resetAt : null,
          }
        : null,
      actor: this.call.actor,
      requestId: this.call.requestId,
    };
  }
}
