import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findEndpoint } from './github-endpoints.js';
import { MESSAGES, RESPONSE_HEADERS } from './github-recordings.js';
import { GithubRenderer } from './github-render.js';
import { type FakeIssue, type FakeRepository, GithubStore, type IssueChange } from './github-store.js';
import { GithubWrites } from './github-writes.js';

/**
 * GitHub's REST API for issues, pull requests and the user's repositories, on 127.0.0.1.
 *
 * Built from real traffic: the issue objects, response headers and Link format of the recorded
 * `paginate-issues` scenario in @octokit/fixtures 23, its `get-repository` scenario, and the
 * recorded pull request of @octokit/webhooks-examples (`pull_request` `opened`), typed by
 * @octokit/openapi-types (see github-recordings.ts). What the recordings lack is added after
 * GitHub's docs: `since`, `state`, `sort`, `direction` and Link paging (github-endpoints.ts); an
 * ETag per body and 304 for a matching If-None-Match, not counted against the quota
 * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api);
 * x-ratelimit-* headers from a 5,000-an-hour quota and the secondary limit, 403 or 429 with
 * `retry-after` (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api);
 * switches for a revoked or rotated token (401), server errors and latency; a log of every call.
 *
 * Writes (github-writes.ts): creating an issue and an issue comment, answered with the shapes of
 * @octokit/fixtures' `add-labels-to-issue` recording and @octokit/webhooks-examples' comment.
 *
 * Not modelled: labels, milestones and comments as listable resources, search, GraphQL, unauthenticated
 * access to public repositories (every call needs the token), and GitHub's 1-second timestamp
 * ties (the fake's clock moves one second per change).
 */
export type { FakeIssue, FakePull, FakeRepository, IssueChange } from './github-store.js';

export interface GithubApiFakeOptions {
  /** The token the fake accepts (`Authorization: Bearer …` or `token …`). */
  token?: string;
  /** The time of the first item created (default: the recording's, 2017-10-10T16:00:00Z). */
  startAt?: Date;
  /** Requests per hour (x-ratelimit-limit, default 5,000 as for a user token). */
  rateLimit?: number;
}

export interface FakeCall {
  method: string;
  /** Path and query as requested. */
  url: string;
  /** `GET /repos/{owner}/{repo}/issues` and the like. */
  route: string;
  status: number;
  ifNoneMatch: string | null;
  at: number;
}

export interface FakeCalls {
  total: number;
  /** 304 answers to If-None-Match. */
  notModified: number;
  /** Answers refused for the token (401), a limit (403/429) or a scripted server error. */
  refused: number;
  /** Requests that arrived while a secondary limit's retry-after still ran: a client that did not wait. */
  early: number;
  byRoute: Record<string, number>;
  log: FakeCall[];
}

const DEFAULT_TOKEN = 'gho_16C7e42F292c6912E7710c838347Ae178B4a';

export class GithubApiFake {
  readonly store: GithubStore;
  /** Issues and comments created through the API (POST), with what was sent. */
  readonly writes = new GithubWrites();
  readonly calls: FakeCalls = { total: 0, notModified: 0, refused: 0, early: 0, byRoute: {}, log: [] };
  private renderer: GithubRenderer;
  private server: http.Server | null = null;
  private tokens: Set<string>;
  private limit: number;
  private used = 0;
  private resetAt = 0;
  private secondary: {
    armed: { retryAfterSeconds: number; status: 403 | 429 } | null;
    until: number;
    status: number;
  } = { armed: null, until: 0, status: 403 };
  private failures: { times: number; status: number } = { times: 0, status: 502 };
  private latencyMs = 0;
  origin = '';

  constructor(options: GithubApiFakeOptions = {}) {
    this.store = new GithubStore(options.startAt?.getTime());
    this.tokens = new Set([options.token ?? DEFAULT_TOKEN]);
    this.limit = options.rateLimit ?? 5000;
    this.renderer = new GithubRenderer('http://127.0.0.1');
  }

  /** The token the fake accepts now (the first one given, or the last rotated to). */
  get token(): string {
    return [...this.tokens].at(-1) ?? '';
  }

  async listen(): Promise<this> {
    this.server = http.createServer({ keepAlive: true }, (request, response) =>
      this.handle(request, response),
    );
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.renderer = new GithubRenderer(this.origin);
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // Data --------------------------------------------------------------------------------------------

  addRepository(fullName: string, options?: { hasIssues?: boolean; private?: boolean }): FakeRepository {
    return this.store.addRepository(fullName, options);
  }
  seedIssues(repository: string, count: number): FakeIssue[] {
    return this.store.seed(repository, count, 'issue');
  }
  seedPullRequests(repository: string, count: number): FakeIssue[] {
    return this.store.seed(repository, count, 'pull_request');
  }
  createIssue(repository: string, change?: IssueChange): FakeIssue {
    return this.store.create(repository, 'issue', change);
  }
  createPullRequest(repository: string, change?: IssueChange): FakeIssue {
    return this.store.create(repository, 'pull_request', change);
  }
  /** Moves the fake's clock on to `at`: what changes next happened then (GitHub's time passed). */
  advanceClock(at: Date): void {
    this.store.advanceTo(at.getTime());
  }
  /** Changes an issue or pull request and moves its updated_at to the next second. */
  updateIssue(repository: string, number: number, change?: IssueChange): FakeIssue {
    const current = this.store.find(repository, number);
    const title = typeof current === 'object' ? `${current.title} (edited)` : undefined;
    return this.store.update(repository, number, change ?? { title });
  }
  /** Changes it WITHOUT touching updated_at: only a full listing or a fetch can notice (drift). */
  updateSilently(repository: string, number: number, change: IssueChange): FakeIssue {
    return this.store.update(repository, number, change, true);
  }
  /** Deletes it: gone from every listing, and `GET .../issues/{number}` answers 410. */
  deleteIssue(repository: string, number: number): void {
    this.store.remove(repository, number);
  }
  /** Every live issue and pull request of the repository, by number. */
  items(repository: string): FakeIssue[] {
    return this.store.items(repository);
  }
  /** The JSON GitHub's issue endpoints give for it (pull requests included, with `pull_request`). */
  issueJson(item: FakeIssue) {
    return this.renderer.issue(item);
  }
  /** The JSON `GET /repos/{owner}/{repo}/pulls` gives for a pull request. */
  pullJson(item: FakeIssue) {
    return this.renderer.pullSimple(item);
  }

  // Switches ----------------------------------------------------------------------------------------

  /**
   * The next request gets GitHub's secondary-limit answer with `retry-after`; every request in the
   * following `retryAfterSeconds` gets it too and counts in `calls.early`.
   */
  secondaryRateLimit(options: { retryAfterSeconds?: number; status?: 403 | 429 } = {}): void {
    this.secondary.armed = {
      retryAfterSeconds: options.retryAfterSeconds ?? 60,
      status: options.status ?? 403,
    };
  }
  /** Sets what is left of the hourly quota; at 0 GitHub answers 403 with x-ratelimit-remaining: 0. */
  setRateLimit(options: { limit?: number; remaining: number; resetInSeconds?: number }): void {
    if (options.limit !== undefined) this.limit = options.limit;
    this.used = this.limit - options.remaining;
    this.resetAt = Math.floor(Date.now() / 1000) + (options.resetInSeconds ?? 3600);
  }
  /** Ends a secondary limit and refills the hourly quota. */
  liftRateLimits(): void {
    this.secondary = { armed: null, until: 0, status: 403 };
    this.used = 0;
  }
  /** No token works any more (the user revoked the grant): every call answers 401. */
  revokeToken(): void {
    this.tokens.clear();
  }
  /** Only `next` works from now on (a refresh issued it; the old one is refused with 401). */
  rotateToken(next: string): void {
    this.tokens = new Set([next]);
  }
  /** The next `times` requests answer `status` (502 by default), for retry tests. */
  failNext(times: number, status = 502): void {
    this.failures = { times, status };
  }
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  resetCalls(): void {
    Object.assign(this.calls, { total: 0, notModified: 0, refused: 0, early: 0, byRoute: {}, log: [] });
  }

  // HTTP --------------------------------------------------------------------------------------------

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const method = request.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      this.respond(request, response, undefined);
      return;
    }
    // Writes carry a JSON body: read it all first.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = Symbol.for('unparsable');
      }
      this.respond(request, response, body);
    });
  }

  private respond(request: http.IncomingMessage, response: http.ServerResponse, body: unknown): void {
    const url = new URL(request.url ?? '/', this.origin);
    const method = request.method ?? 'GET';
    const ifNoneMatch = header(request, 'if-none-match');
    const { route, answer } = this.answer(method, url, request, body);
    this.calls.total++;
    this.calls.byRoute[route] = (this.calls.byRoute[route] ?? 0) + 1;
    this.calls.log.push({
      method,
      url: `${url.pathname}${url.search}`,
      route,
      status: answer.status,
      ifNoneMatch,
      at: Date.now(),
    });
    const send = () => {
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body);
    };
    if (this.latencyMs > 0) setTimeout(send, this.latencyMs);
    else send();
  }

  private answer(
    method: string,
    url: URL,
    request: http.IncomingMessage,
    body: unknown,
  ): { route: string; answer: Answer } {
    const found = findEndpoint(method, url.pathname);
    const route = found ? `${method} ${found.name}` : `${method} ${url.pathname}`;
    const now = Date.now();
    const refused = this.refusal(request, now);
    if (refused) {
      this.calls.refused++;
      return { route, answer: refused };
    }
    if (!found) return { route, answer: this.json(404, MESSAGES.notFound, now) };
    const result = found.handle(
      { store: this.store, renderer: this.renderer, origin: this.origin, writes: this.writes },
      url.searchParams,
      body,
    );
    if (result.status === 200) {
      const body = result.json ?? JSON.stringify(result.body);
      const etag = `"${createHash('sha256').update(body).digest('hex')}"`;
      if (matches(header(request, 'if-none-match'), etag)) {
        this.calls.notModified++;
        return { route, answer: { status: 304, headers: { ...this.headers(now, false), etag }, body: '' } };
      }
      const headers: Record<string, string> = { ...this.headers(now, true), etag };
      if (result.link) headers['link'] = result.link;
      return { route, answer: { status: 200, headers, body } };
    }
    return { route, answer: this.json(result.status, result.body, now) };
  }

  /** Token, scripted failures and limits, in the order GitHub checks them. */
  private refusal(request: http.IncomingMessage, now: number): Answer | null {
    const token = /^(?:bearer|token)\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    if (!token || !this.tokens.has(token)) return this.json(401, MESSAGES.badCredentials, now);
    if (this.failures.times > 0) {
      this.failures.times--;
      return this.json(this.failures.status, MESSAGES.serverError, now);
    }
    if (now < this.secondary.until) {
      this.calls.early++;
      const retryAfter = Math.ceil((this.secondary.until - now) / 1000);
      return this.json(this.secondary.status, MESSAGES.secondaryRateLimit, now, {
        'retry-after': String(retryAfter),
      });
    }
    if (this.secondary.armed) {
      const { retryAfterSeconds, status } = this.secondary.armed;
      this.secondary = { armed: null, until: now + retryAfterSeconds * 1000, status };
      return this.json(status, MESSAGES.secondaryRateLimit, now, {
        'retry-after': String(retryAfterSeconds),
      });
    }
    this.rollWindow(now);
    if (this.used >= this.limit) return this.json(403, MESSAGES.primaryRateLimit(2000), now);
    return null;
  }

  private rollWindow(now: number): void {
    if (Math.floor(now / 1000) >= this.resetAt) {
      this.used = 0;
      this.resetAt = Math.floor(now / 1000) + 3600;
    }
  }

  private headers(now: number, counted: boolean): Record<string, string> {
    this.rollWindow(now);
    if (counted && this.used < this.limit) this.used++;
    return {
      ...RESPONSE_HEADERS,
      date: new Date(now).toUTCString(),
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - this.used)),
      'x-ratelimit-reset': String(this.resetAt),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }

  private json(status: number, body: unknown, now: number, extra: Record<string, string> = {}): Answer {
    return {
      status,
      headers: {
        ...this.headers(now, status !== 401),
        'content-type': 'application/json; charset=utf-8',
        ...extra,
      },
      body: JSON.stringify(body),
    };
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function header(request: http.IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/** If-None-Match holds a list; GitHub compares weakly (a W/ prefix does not matter). */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(etag));
}

/** A fake on a random loopback port; `fake.origin` is the API base URL to give the client. */
export async function startGithubApiFake(options?: GithubApiFakeOptions): Promise<GithubApiFake> {
  return new GithubApiFake(options).listen();
}
