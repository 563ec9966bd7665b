import type { IncomingHttpHeaders } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import { type Dispatcher, errors as undiciErrors } from 'undici';
import type { ProviderCatalog } from '../connectors/catalog.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { ProviderCallError } from '../connectors/sdk/provider-http.js';
import { connectionNotFound } from '../domain/connection.js';
import { fullJitterDelay } from '../domain/sync-retry.js';
import { type HubMetrics, NOOP_METRICS } from '../observability/metrics/index.js';
import type { Logger } from '../platform/logger.js';
import { SwitchboardError } from '../shared/errors.js';
import { advisedRetryAt, quotaResetAt } from '../sync/provider-client/classify-response.js';
import { type Clock, systemClock } from '../sync/provider-client/clock.js';
import type { Authentication } from '../sync/provider-client/credential-source.js';
import type { ProviderRateGate } from '../sync/provider-client/rate-gate.js';
import { toHeaders } from '../sync/provider-client/raw-headers.js';
import { fillPlaceholders } from '../sync/provider-client/request-url.js';
import { vaultCredentials } from '../sync/provider-client/vault-credentials.js';
import { callRoute } from './audit/path-template.js';
import { type CallAudit, ProxyCallAudit } from './call-audit.js';
import { type ProxyCallRecord, rateLimitSnapshot } from './call-record.js';
import type { BodyMacWriter, CallActor } from './call-recorder.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { ConnectionTargets } from './connection-targets.js';
import type { TokenCheckout } from './credential-cache.js';
import {
  ProviderAddressRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
  ProxyAuthError,
  ProxyRateLimitedError,
  ProxyResponseTooLargeError,
} from './errors.js';
import { forwardedRequestHeaders, returnedResponseHeaders } from './header-policy.js';
import { assertHostAllowed } from './network-policy.js';
import { proxiedUrl, safeProxyPath } from './path-safety.js';
import { type OutgoingBody, outgoingBody } from './request-body.js';
import { isTransientStatus, mayRetry } from './retry-policy.js';
import { ProviderTransport } from './transport.js';
import { bufferWriteResponse, WRITE_RESPONSE_MEMORY_BYTES } from './write-response-buffer.js';

/** One call as the route hands it over: nothing of Fastify's. */
export interface ProxyCall {
  tenantId: string;
  connectionId: string;
  method: string;
  /** The path after /proxy/:connectionId/, exactly as sent (still percent-encoded). */
  rawPath: string;
  /** The query string without its "?" ('' when none), passed on as sent. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Readable | null;
  /** Content-Length when the caller declared one. */
  bodyLength: number | null;
  /** Aborted when the caller goes away. */
  signal?: AbortSignal;
  /** performance.now() when the request reached the hub (the route's start), so Server-Timing counts auth too. */
  receivedAt?: number;
  /** Who asked, for the audit record: the route maps its principal (proxy/ knows nothing of auth). */
  actor: CallActor;
  /** The request's id: the audit record's correlation id. */
  requestId: string;
}

/** The provider's answer, streaming. */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Readable;
}

export interface ProxyLimits {
  /** Retries (and their waits, Retry-After included) must end within this from the call's start (default 10 s). */
  retryWindowMs: number;
  /** The longest wait for a provider's response headers, per attempt (default 30 s). */
  headersTimeoutMs: number;
  /** The longest silence between two chunks of a body (default 30 s). */
  bodyIdleTimeoutMs: number;
  /** The longest a whole response may take to stream back (default 5 min). */
  responseTimeMs: number;
  /** The largest response body passed back (default 1 GiB). */
  maxResponseBytes: number;
  /** Retries of one call (default 2). */
  retries: number;
  /** A write's response is held in memory up to this before it spills to a temp file (default 1 MiB). */
  writeResponseMemoryBytes: number;
}

export interface ProxyServiceOptions {
  connections: Pick<ConnectionTargets, 'find'>;
  catalog: Pick<ProviderCatalog, 'get'>;
  /** The token checkout, usually through a CredentialCache. */
  checkout: TokenCheckout;
  rateGate?: ProviderRateGate;
  breaker?: CircuitBreaker;
  transport?: ProviderTransport;
  limits?: Partial<ProxyLimits>;
  random?: () => number;
  sleep?: Clock['sleep'];
  now?: () => number;
  logger?: Pick<Logger, 'warn' | 'error'>;
  /** Where every call is recorded (runtime.callRecorder): writes before the answer, reads batched. */
  audit: CallAudit;
  /** Told of every call once its response has streamed back or it failed (the audit hooks here). */
  onCallFinished?: (record: ProxyCallRecord) => void;
  /** Calls by status class and their time to the provider's headers; the breaker's circuits. */
  metrics?: Pick<HubMetrics, 'providerCall' | 'observeCircuits'>;
}

const DEFAULT_LIMITS: ProxyLimits = {
  retryWindowMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyIdleTimeoutMs: 30_000,
  responseTimeMs: 5 * 60_000,
  maxResponseBytes: 1024 * 1024 * 1024,
  retries: 2,
  writeResponseMemoryBytes: WRITE_RESPONSE_MEMORY_BYTES,
};

export interface ProxyService {
  /** Answers with the provider's response, or throws one of the errors of errors.ts (or CONNECTION_NOT_FOUND). */
  call(call: ProxyCall): Promise<ProxyAnswer>;
  close(): Promise<void>;
}

/**
 * The /proxy pass-through, apart from HTTP routing: the connection (this tenant's only), the
 * manifest's base URL, the vault's credentials (the sync client's vaultCredentials: one refresh
 * after a 401, single flight), the shared rate gate, a circuit per origin, retries only when a
 * second send cannot do harm, and the provider's answer streamed back with the hub's timings.
 */
export function createProxyService(options: ProxyServiceOptions): ProxyService {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const transport = options.transport ?? new ProviderTransport();
  const breaker = options.breaker ?? new CircuitBreaker();
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? systemClock.sleep;
  const random = options.random ?? Math.random;
  const metrics = options.metrics ?? NOOP_METRICS;
  metrics.observeCircuits(() => breaker.snapshot());

  async function call(request: ProxyCall): Promise<ProxyAnswer> {
    const started = request.receivedAt ?? performance.now();
    const startedAt = now();
    const path = safeProxyPath(request.rawPath);
    const target = await options.connections.find(request.tenantId, request.connectionId);
    if (!target) throw connectionNotFound(request.connectionId);
    const manifest = options.catalog.get(target.provider);
    if (!manifest) throw connectionNotFound(request.connectionId);
    const base = new URL(fillPlaceholders(manifest.api.baseUrl, target.values, false));
    const url = proxiedUrl(base, path, request.rawQuery);
    const allowPrivate = manifest.api.allowPrivateNetwork;
    const calledPath = request.rawQuery === '' ? path : `${path}?${request.rawQuery}`;

    // From here on the call is on this tenant's connection, and recorded whatever its end. A read
    // that cannot be recorded now is refused here (503 AUDIT_BACKLOG_FULL), before any provider request.
    const audit = ProxyCallAudit.begin(options.audit, {
      tenantId: request.tenantId,
      connectionId: request.connectionId,
      method: request.method,
      path: calledPath,
      actor: request.actor,
      requestId: request.requestId,
      startedAt: new Date(startedAt),
    });
    const record: ProxyCallRecord = {
      tenantId: request.tenantId,
      connectionId: request.connectionId,
      provider: manifest.id,
      method: request.method,
      pathTemplate: callRoute(path).pathTemplate,
      status: null,
      errorCode: null,
      attempts: 0,
      requestBytes: 0,
      responseBytes: 0,
      durationMs: 0,
      providerMs: 0,
      waitedMs: 0,
      rateLimit: null,
    };
    let responseMac: BodyMacWriter | null = null;
    let settled: Promise<void> | null = null;
    /** Once: the observer, then the audit record (appended for a write, queued for a read). */
    const settle = () => {
      if (settled) return settled;
      record.durationMs = performance.now() - started;
      record.requestBytes = audit.requestBytes;
      try {
        options.onCallFinished?.(record);
      } catch (error) {
        options.logger?.warn({ err: error }, 'proxy call observer failed');
      }
      settled = audit.record(record, responseMac);
      return settled;
    };

    try {
      if (!allowPrivate) assertHostAllowed(url.hostname);
      // The key is derived while the body is read and the provider answers: the MAC starts with the first byte.
      const responseMacReady = audit.responseMac();
      const body = await audit.forwarded(await outgoingBody(request.body, request.bodyLength));
      const exchangeStarted = performance.now();
      const observe = () =>
        metrics.providerCall({
          provider: manifest.id,
          caller: 'proxy',
          status: record.status,
          seconds: (performance.now() - exchangeStarted) / 1000,
          tenantId: request.tenantId,
        });
      const answer = await exchange(
        request,
        manifest,
        url,
        path,
        allowPrivate,
        body,
        record,
        startedAt,
      ).catch((error: unknown) => {
        observe();
        throw error;
      });
      observe();
      responseMac = await responseMacReady.catch((error: unknown) => {
        answer.body.destroy();
        throw error;
      });
      const hubMs = performance.now() - started - record.providerMs - record.waitedMs;
      answer.headers['server-timing'] = serverTiming(hubMs, record);
      if (!audit.recordsBeforeAnswer) {
        answer.body = limitedBody(answer.body, record, limits, responseMac, request.signal, () => {
          settle().catch((error) =>
            options.logger?.error({ err: error }, 'a proxied read could not be recorded'),
          );
        });
        return answer;
      }
      // A write: read its answer whole, record it, then answer (never the other way round).
      const whole = await bufferWriteResponse(
        limitedBody(answer.body, record, limits, responseMac, request.signal, () => {}),
        limits.writeResponseMemoryBytes,
      );
      try {
        await settle();
      } catch (error) {
        whole.destroy();
        throw error;
      }
      answer.body = whole;
      return answer;
    } catch (error) {
      // Failing to record a write's success fails the call: the caller never sees an unrecorded answer.
      if (settled) throw error;
      record.errorCode ??= errorCodeOf(error, request.signal);
      // Every call that got this far ends in a record, which also gives a read's reserved place back.
      await settle().catch((recordError) =>
        options.logger?.error({ err: recordError }, 'a failed proxy call could not be recorded'),
      );
      throw error;
    }
  }

  async function exchange(
    request: ProxyCall,
    manifest: ProviderManifest,
    url: URL,
    apiPath: string,
    allowPrivate: boolean,
    body: OutgoingBody,
    record: ProxyCallRecord,
    startedAt: number,
  ): Promise<ProxyAnswer> {
    const { tenantId, connectionId, method } = request;
    const deadline = startedAt + limits.retryWindowMs;
    const replayable = body.kind !== 'stream';
    const retryable = replayable && mayRetry(method, request.headers);
    const credentials = vaultCredentials({ checkout: options.checkout, manifest, tenantId, connectionId });
    const gate = options.rateGate?.forConnection({ manifest, tenantId, connectionId, caller: 'proxy' });
    const pool = transport.poolFor(url.origin, allowPrivate);
    const forwarded = {
      ...manifest.api.headers,
      ...forwardedRequestHeaders(request.headers, manifest.api.proxyHeaders),
    };
    const name = `${method} ${url.pathname}`;
    let auth = await authentication(() => credentials.authentication(), connectionId);
    let refreshed = false;

    /** Waits `ms` when a retry remains and the wait ends within the window; false otherwise. */
    const waitForRetry = async (tries: number, ms: number | null) => {
      const delay = Math.max(0, ms ?? fullJitterDelay(tries + 1, random));
      if (!retryable || tries >= limits.retries || now() + delay > deadline) return false;
      const before = performance.now();
      await sleep(delay, request.signal);
      record.waitedMs += performance.now() - before;
      return true;
    };

    for (let tries = 0; ; ) {
      const admission = breaker.admit(url.origin);
      if (!admission.allowed) {
        throw new ProviderUnavailableError(`${manifest.id} is failing; calls are paused`, {
          retryAfterSeconds: Math.ceil(admission.retryAfterMs / 1000),
        });
      }
      if (gate) {
        const before = performance.now();
        try {
          await gate.admit(
            { apiPath, name },
            { maxWaitMs: Math.max(0, deadline - now()), signal: request.signal },
          );
        } catch (error) {
          breaker.released(url.origin);
          if (error instanceof ProviderCallError && error.failureClass === 'rate_limited')
            throw new ProxyRateLimitedError(error.retryAt, now());
          throw error;
        }
        record.waitedMs += performance.now() - before;
      }

      record.attempts++;
      const sentAt = performance.now();
      let response: Dispatcher.ResponseData;
      try {
        response = await pool.request({
          path: pathWithQuery(url, auth),
          method: method as Dispatcher.HttpMethod,
          headers: { ...forwarded, ...auth.headers },
          body: body.kind === 'buffered' ? body.bytes : body.kind === 'stream' ? body.stream : null,
          signal: request.signal,
          headersTimeout: limits.headersTimeoutMs,
          bodyTimeout: limits.bodyIdleTimeoutMs,
        });
      } catch (error) {
        record.providerMs += performance.now() - sentAt;
        request.signal?.throwIfAborted();
        const refused = addressRefusal(error);
        if (refused) {
          breaker.released(url.origin);
          throw refused;
        }
        breaker.failed(url.origin, manifest.id);
        if (await waitForRetry(tries++, null)) continue;
        if (isTimeout(error)) throw new ProviderTimeoutError(limits.headersTimeoutMs, error);
        throw new ProviderUnavailableError(`${manifest.id} could not be reached`, { cause: error });
      }
      record.providerMs += performance.now() - sentAt;
      record.status = response.statusCode;
      record.rateLimit = rateLimitSnapshot(response.headers, manifest.api.rateLimit, now());
      const headers = toHeaders(response.headers);
      const status = response.statusCode;

      if (status === 401 && !refreshed) {
        refreshed = true;
        const fresh = await authentication(() => credentials.afterUnauthorized(auth), connectionId);
        if (fresh && replayable) {
          await response.body.dump();
          auth = fresh;
          continue;
        }
        // A streamed body cannot be sent again: the caller gets the provider's 401 and retries with the fresh token.
        if (fresh) return answerOf(response);
        await response.body.dump();
        throw new ProxyAuthError(connectionId);
      }
      if (status === 401) {
        await response.body.dump();
        throw new ProxyAuthError(connectionId);
      }

      const retryAt = advisedRetryAt(headers, manifest.api.rateLimit, now());
      if (status === 429 || (status === 403 && retryAt !== null && quotaExhausted(headers, manifest))) {
        breaker.succeeded(url.origin);
        if (retryAt) await gate?.holdUntil(apiPath, retryAt);
        await response.body.dump();
        if (await waitForRetry(tries++, retryAt ? retryAt.getTime() - now() : null)) continue;
        throw new ProxyRateLimitedError(retryAt, now());
      }
      if (isTransientStatus(status)) {
        breaker.failed(url.origin, manifest.id);
        if (retryable && tries < limits.retries) {
          const advised = retryAt ? retryAt.getTime() - now() : null;
          const delay = Math.max(0, advised ?? fullJitterDelay(tries + 1, random));
          if (now() + delay <= deadline) {
            await response.body.dump();
            await waitForRetry(tries++, delay);
            continue;
          }
        }
        return answerOf(response);
      }
      breaker.succeeded(url.origin);
      const exhaustedUntil = quotaResetAt(headers, manifest.api.rateLimit, now());
      if (exhaustedUntil && exhaustedUntil.getTime() > now()) await gate?.holdUntil(apiPath, exhaustedUntil);
      return answerOf(response);
    }
  }

  return {
    call,
    close: () => transport.close(),
  };
}

/** The credentials' failures as the proxy answers them: the connection must be reconnected, or the hub's error. */
async function authentication<T extends Authentication | null>(
  get: () => Promise<T>,
  connectionId: string,
): Promise<T> {
  try {
    return await get();
  } catch (error) {
    if (!(error instanceof ProviderCallError)) throw error;
    if (error.cause instanceof SwitchboardError && error.cause.code === 'CONNECTION_NOT_FOUND')
      throw error.cause;
    if (error.failureClass === 'auth') throw new ProxyAuthError(connectionId, error);
    if (error.failureClass === 'rate_limited') throw new ProxyRateLimitedError(error.retryAt, Date.now());
    throw new ProviderUnavailableError("The connection's credentials could not be read", { cause: error });
  }
}

/** The credentials' query parameters go on the wire only. */
function pathWithQuery(url: URL, auth: Authentication): string {
  if (!auth.query || Object.keys(auth.query).length === 0) return `${url.pathname}${url.search}`;
  const target = new URL(url);
  for (const [name, value] of Object.entries(auth.query)) target.searchParams.set(name, value);
  return `${target.pathname}${target.search}`;
}

/** GitHub's primary limit answers 403 with x-ratelimit-remaining: 0; other 403s are the provider's own answer. */
function quotaExhausted(headers: Headers, manifest: ProviderManifest): boolean {
  const remaining = manifest.api.rateLimit?.remainingHeader;
  return headers.has('retry-after') || (remaining !== undefined && headers.get(remaining)?.trim() === '0');
}

function answerOf(response: Dispatcher.ResponseData): ProxyAnswer {
  return {
    status: response.statusCode,
    headers: returnedResponseHeaders(response.headers),
    body: response.body,
  };
}

function addressRefusal(error: unknown): ProviderAddressRefusedError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof ProviderAddressRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError
  );
}

const ms = (value: number) => Math.max(0, value).toFixed(2);

/** RFC: W3C Server Timing. `hub` is the hub's own work: the whole call less the provider and the waits. */
function serverTiming(hubMs: number, record: ProxyCallRecord): string {
  const parts = [`hub;dur=${ms(hubMs)}`, `provider;dur=${ms(record.providerMs)}`];
  if (record.waitedMs > 0.01) parts.push(`wait;dur=${ms(record.waitedMs)}`);
  return parts.join(', ');
}

/** The code a failed call is recorded with: the hub's own, the caller's leaving, or an unexpected failure. */
function errorCodeOf(error: unknown, signal: AbortSignal | undefined): string {
  if (error instanceof SwitchboardError) return error.code;
  return signal?.aborted ? 'CALLER_ABORTED' : 'INTERNAL_SERVER_ERROR';
}

/**
 * The provider's body as the caller gets it: counted and MACed as it passes, cut off past the size
 * limit or the response time limit (the caller sees a truncated, aborted response), and reported
 * once it ends or breaks off (with the reason in the record).
 */
function limitedBody(
  source: Readable,
  record: ProxyCallRecord,
  limits: ProxyLimits,
  mac: BodyMacWriter,
  signal: AbortSignal | undefined,
  finish: () => void,
): Readable {
  let finished = false;
  const done = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    finish();
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      record.responseBytes += chunk.length;
      if (record.responseBytes > limits.maxResponseBytes) {
        record.errorCode = 'PROVIDER_RESPONSE_TOO_LARGE';
        callback(new ProxyResponseTooLargeError(limits.maxResponseBytes));
        return;
      }
      mac.update(chunk);
      callback(null, chunk);
    },
  });
  const timer = setTimeout(() => {
    record.errorCode = 'PROVIDER_TIMEOUT';
    const error = new ProviderTimeoutError(limits.responseTimeMs);
    source.destroy(error);
    counter.destroy(error);
  }, limits.responseTimeMs);
  timer.unref();
  source.on('error', (error) => counter.destroy(error));
  counter.on('error', (error) => {
    record.errorCode ??= errorCodeOf(error, signal);
  });
  counter.on('close', () => {
    if (!source.destroyed) source.destroy();
    // Closed before its end with no error: the caller stopped reading.
    if (!counter.readableEnded) record.errorCode ??= 'CALLER_ABORTED';
    done();
  });
  counter.on('end', done);
  source.pipe(counter);
  return counter;
}
