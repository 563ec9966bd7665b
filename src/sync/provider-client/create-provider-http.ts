import { type Dispatcher, request as undiciRequest } from 'undici';
import type { ProviderManifest } from '../../connectors/sdk/manifest.js';
import {
  type Page,
  type PaginateOptions,
  ProviderCallError,
  type ProviderHttp,
  type ProviderRequest,
  type ProviderResponse,
} from '../../connectors/sdk/provider-http.js';
import type { SyncConnection } from '../../connectors/sdk/sync.js';
import { fullJitterDelay } from '../../domain/sync-retry.js';
import { classifyFailure, quotaResetAt } from './classify-response.js';
import { type Clock, systemClock } from './clock.js';
import type { Authentication, CredentialSource } from './credential-source.js';
import { nextPage, pageRequest } from './pagination.js';
import type { ConnectionRateGate } from './rate-gate.js';
import { toHeaders } from './raw-headers.js';
import { apiPathOf, requestUrl } from './request-url.js';

export interface ProviderHttpOptions {
  manifest: Pick<ProviderManifest, 'id' | 'api'>;
  connection: SyncConnection;
  credentials: CredentialSource;
  /** Aborts every request in flight and refuses new ones (the run's lease was lost). */
  signal?: AbortSignal;
  /** Deadline of one request (default 30 s). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Told of every request that reached the provider (run statistics, metrics). */
  onResponse?: (info: { method: string; path: string; status: number; durationMs: number }) => void;
  now?: () => number;
  /** The waits of backoff (tests pass one that returns at once). */
  sleep?: Clock['sleep'];
  /**
   * The rate governor's gate for this connection (rate-gate.ts): budgets and "not before" holds
   * shared by every instance. Without one, requests are not limited (tests, one-off calls).
   */
  rateGate?: ConnectionRateGate;
  /**
   * The longest wait (budget, hold, backoff) sat through inside a request (default 10 s). A longer
   * one throws ProviderCallError with retryAt, so the engine ends the run and schedules the rest.
   */
  maxInlineWaitMs?: number;
  /**
   * Retries of `retryable` and short `rate_limited` failures inside one call: as the provider
   * advised, else after a full-jitter wait (domain/sync-retry.ts); default 3 retries.
   */
  retry?: { retries?: number; random?: () => number };
}

/** What a request is called in errors and logs: method and path, never the query (search terms) or headers. */
const describe = (method: string, url: URL) => `${method} ${url.pathname}`;

const isSuccess = (status: number, request: ProviderRequest) =>
  (status >= 200 && status < 300) || request.accept?.includes(status) === true;

/**
 * The provider client behind ctx.http (see connectors/sdk/provider-http.ts): undici, the
 * manifest's base URL and headers, the connection's credentials with one refresh after a 401, the
 * rate gate before every request that leaves, backoff for transient failures, and pagination by
 * the manifest's rules.
 */
export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const { manifest, connection, credentials, rateGate } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? systemClock.sleep;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 10_000;
  const retries = options.retry?.retries ?? 3;
  const random = options.retry?.random ?? Math.random;

  const send = async (request: ProviderRequest, url: URL, auth: Authentication) => {
    const method = request.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...manifest.api.headers,
      ...request.headers,
      ...auth.headers,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    // The credentials' query parameters go on the wire only, never into the URL callers see.
    const target = new URL(url);
    for (const [name, value] of Object.entries(auth.query ?? {})) target.searchParams.set(name, value);
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (options.signal) signals.push(options.signal);
    const started = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(target, {
        method,
        headers,
        body,
        signal: AbortSignal.any(signals),
        dispatcher: options.dispatcher,
      });
    } catch (error) {
      options.signal?.throwIfAborted();
      throw new ProviderCallError(
        'retryable',
        `${describe(method, url)} failed: ${(error as Error).message}`,
        {
          request: describe(method, url),
          cause: error,
        },
      );
    }
    const text = await answer.body.text();
    options.onResponse?.({
      method,
      path: url.pathname,
      status: answer.statusCode,
      durationMs: performance.now() - started,
    });
    return {
      status: answer.statusCode,
      headers: toHeaders(answer.headers),
      body: parseBody(text),
      url: url.toString(),
    };
  };

  /** One request through the gate: every request that leaves counts against the budgets. */
  const gatedSend = async (request: ProviderRequest, url: URL, apiPath: string, auth: Authentication) => {
    await rateGate?.admit(
      { apiPath, name: describe(request.method ?? 'GET', url) },
      { maxWaitMs: maxInlineWaitMs, signal: options.signal },
    );
    return send(request, url, auth);
  };

  /** One attempt (with its one refresh after a 401): the response, or a failure worth retrying. */
  const attempt = async (
    request: ProviderRequest,
    url: URL,
    apiPath: string,
  ): Promise<ProviderResponse | ProviderCallError> => {
    const name = describe(request.method ?? 'GET', url);
    try {
      const auth = await credentials.authentication();
      let response = await gatedSend(request, url, apiPath, auth);
      if (response.status === 401) {
        const fresh = await credentials.afterUnauthorized(auth);
        if (fresh) response = await gatedSend(request, url, apiPath, fresh);
      }
      if (isSuccess(response.status, request)) {
        const exhaustedUntil = quotaResetAt(response.headers, manifest.api.rateLimit, now());
        if (exhaustedUntil && exhaustedUntil.getTime() > now())
          await rateGate?.holdUntil(apiPath, exhaustedUntil);
        return response;
      }
      const failure = classifyFailure(response, manifest.api.rateLimit, name, now());
      if (failure.failureClass === 'rate_limited' && failure.retryAt) {
        await rateGate?.holdUntil(apiPath, failure.retryAt);
      }
      return failure;
    } catch (error) {
      // A network failure (or a transient one of the credentials) may be retried; the gate's own
      // rate_limited already waited as long as it may, and auth or terminal cannot get better.
      if (error instanceof ProviderCallError && error.failureClass === 'retryable') return error;
      throw error;
    }
  };

  const http: ProviderHttp = {
    async request<Body>(request: ProviderRequest): Promise<ProviderResponse<Body>> {
      options.signal?.throwIfAborted();
      const url = requestUrl(manifest.api.baseUrl, request, connection.values);
      const apiPath = apiPathOf(manifest.api.baseUrl, connection.values, url);
      for (let tries = 0; ; tries++) {
        const outcome = await attempt(request, url, apiPath);
        if (!(outcome instanceof ProviderCallError)) return outcome as ProviderResponse<Body>;
        if (outcome.failureClass !== 'retryable' && outcome.failureClass !== 'rate_limited') throw outcome;
        // As advised when the provider said when; full jitter when it did not.
        const advisedMs = outcome.retryAt ? outcome.retryAt.getTime() - now() : null;
        const delayMs = Math.max(0, advisedMs ?? fullJitterDelay(tries + 1, random));
        // Given up: retryAt stays what the provider advised, or null so the engine backs off by
        // how many runs failed before (it knows; one call does not).
        if (tries >= retries || delayMs > maxInlineWaitMs) throw outcome;
        await sleep(delayMs, options.signal);
      }
    },

    async *paginate<Body>(request: ProviderRequest, paging: PaginateOptions = {}): AsyncIterable<Page<Body>> {
      const pagination = manifest.api.pagination;
      let ref = paging.from ?? null;
      for (;;) {
        const response = await http.request<Body>(pageRequest(pagination, request, ref, paging.pageSize));
        const next = nextPage(pagination, response, ref, countItems);
        yield { response, next };
        if (next === null) return;
        ref = next;
      }
    },
  };
  return http;
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Items on an offset-paged answer: the body itself or its first array member. */
function countItems(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (body && typeof body === 'object') {
    for (const value of Object.values(body)) if (Array.isArray(value)) return value.length;
  }
  return 0;
}
