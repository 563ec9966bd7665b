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
import { classifyFailure } from './classify-response.js';
import type { CredentialSource } from './credential-source.js';
import { nextPage, pageRequest } from './pagination.js';
import { requestUrl } from './request-url.js';

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
}

/** What a request is called in errors and logs: method and path, never the query (search terms) or headers. */
const describe = (method: string, url: URL) => `${method} ${url.pathname}`;

/**
 * The provider client behind ctx.http (see connectors/sdk/provider-http.ts): undici, the
 * manifest's base URL and headers, the connection's credentials with one refresh after a 401, and
 * pagination by the manifest's rules.
 */
export function createProviderHttp(options: ProviderHttpOptions): ProviderHttp {
  const { manifest, connection, credentials } = options;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const send = async (request: ProviderRequest, url: URL, auth: Record<string, string>) => {
    const method = request.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...manifest.api.headers,
      ...request.headers,
      ...auth,
    };
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    } else if (request.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(request.form).toString();
    }
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (options.signal) signals.push(options.signal);
    const started = performance.now();
    let answer: Dispatcher.ResponseData;
    try {
      answer = await undiciRequest(url, {
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

  const http: ProviderHttp = {
    async request<Body>(request: ProviderRequest): Promise<ProviderResponse<Body>> {
      options.signal?.throwIfAborted();
      const url = requestUrl(manifest.api.baseUrl, request, connection.values);
      const method = request.method ?? 'GET';
      const auth = await credentials.headers();
      let response = await send(request, url, auth);
      if (response.status === 401) {
        const fresh = await credentials.afterUnauthorized(auth);
        if (fresh) response = await send(request, url, fresh);
      }
      if ((response.status >= 200 && response.status < 300) || request.accept?.includes(response.status)) {
        return response as ProviderResponse<Body>;
      }
      throw classifyFailure(response, manifest.api.rateLimit, describe(method, url), now());
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

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
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
