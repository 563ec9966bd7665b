/**
 * The one provider client a connector's sync (and later the proxy's actions) talks through
 * (`ctx.http`). The engine builds it per connection (src/sync/provider-client/): it resolves paths
 * against the manifest's API base URL, injects the connection's credentials (refreshing once on a
 * 401), waits for the rate governor, retries transient failures with backoff, and pages with the
 * manifest's pagination rules. A connector never sees a token, a retry loop or a cursor loop.
 */
export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface ProviderRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path under the API base URL (`/repos/{owner}/{repo}/issues`), or a full URL on the same origin (a next-page link). */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  headers?: Readonly<Record<string, string>>;
  /** JSON body. */
  json?: unknown;
  /** Form body (Slack's Web API accepts both; some token-style APIs only forms). */
  form?: Readonly<Record<string, string>>;
  /** Statuses returned to the caller instead of thrown (`304` after If-None-Match, `410` for a stale sync token). */
  accept?: readonly number[];
}

export interface ProviderResponse<Body = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON; null for an empty body (204, 304). */
  body: Body;
  /** The URL finally requested (after path and query were resolved). */
  url: string;
}

/**
 * Where a listing stands, serializable into a checkpoint so a crashed run resumes at the same page.
 * Exactly one member is set, by the manifest's pagination style.
 */
export type PageRef = { url: string } | { cursor: string } | { pageToken: string } | { offset: number };

export interface Page<Body = unknown> {
  response: ProviderResponse<Body>;
  /** The next page, or null on the last one. */
  next: PageRef | null;
}

export interface PaginateOptions {
  /** Resume here (a PageRef saved in a checkpoint) instead of at the first page. */
  from?: PageRef | null;
  /** Page size, sent in the manifest's limit parameter. */
  pageSize?: number;
}

export interface ProviderHttp {
  /** One call; a non-2xx status not in `accept` throws a ProviderCallError. */
  request<Body = unknown>(request: ProviderRequest): Promise<ProviderResponse<Body>>;
  /** Every page of a listing, by the manifest's pagination style; stops after the last page. */
  paginate<Body = unknown>(request: ProviderRequest, options?: PaginateOptions): AsyncIterable<Page<Body>>;
}

/**
 * How the engine treats a failed call: `retryable` (429, 5xx, network: back off and try again),
 * `rate_limited` (the provider or our budget says not before `retryAt`), `auth` (the credentials
 * are refused even after a refresh: the sync pauses until the user reconnects), `terminal` (403
 * for a missing scope, 404, 422: retrying cannot help; the run is dead-lettered).
 */
export type FailureClass = 'retryable' | 'rate_limited' | 'auth' | 'terminal';

export class ProviderCallError extends Error {
  readonly failureClass: FailureClass;
  readonly status: number | null;
  /** Not before this time (rate limits, Retry-After); null when the provider said nothing. */
  readonly retryAt: Date | null;
  /** The request, without query values (they can hold search terms) and never with credentials. */
  readonly request: string;

  constructor(
    failureClass: FailureClass,
    message: string,
    options: { status?: number | null; retryAt?: Date | null; request: string; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderCallError';
    this.failureClass = failureClass;
    this.status = options.status ?? null;
    this.retryAt = options.retryAt ?? null;
    this.request = options.request;
  }
}

/**
 * Thrown by a connector when the provider says its cursor is no longer valid (Google's 410 Gone
 * for a sync token, Graph's expired delta link): the engine starts the listing again from nothing,
 * as a full scan, in the same run.
 */
export class FullResyncRequired extends Error {
  /**
   * True when the relisting holds every live record, so what it lacks was deleted while the cursor
   * was dead (Graph's delta relisting). False when a full listing leaves live records out (Todoist
   * lists no completed task): the engine then marks nothing deleted by absence.
   */
  readonly absentMeansDeleted: boolean;

  constructor(reason: string, options: { absentMeansDeleted?: boolean } = {}) {
    super(reason);
    this.name = 'FullResyncRequired';
    this.absentMeansDeleted = options.absentMeansDeleted ?? false;
  }
}
