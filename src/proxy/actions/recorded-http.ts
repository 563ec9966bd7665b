import {
  ProviderCallError,
  type ProviderHttp,
  type ProviderRequest,
  type ProviderResponse,
} from '../../connectors/sdk/provider-http.js';
import type { ProviderHttpOptions } from '../../sync/provider-client/create-provider-http.js';
import { NO_SNAPSHOT } from './rate-limit-snapshot.js';
import type { FinishedCall, RateLimitSnapshot } from './types.js';

export interface CallRecorder {
  /** Give this to createProviderHttp: it counts the attempts that reached the provider. */
  onResponse: NonNullable<ProviderHttpOptions['onResponse']>;
  /** The client the action gets: the inner one, with each request timed and reported. */
  wrap(inner: ProviderHttp): ProviderHttp;
  /** The last answer's status and rate-limit snapshot (what ActionResult reports). */
  last(): { status: number | null; rateLimit: RateLimitSnapshot };
}

/**
 * Watches an action's provider requests: attempts (retries and the replay after a refresh count),
 * duration, the last status and the rate-limit headers, and reports each finished request. Actions
 * make their requests one after another, which is what lets one counter serve them; a page of a
 * `paginate` listing is reported as its own request.
 */
export function callRecorder(
  snapshot: (headers: Headers) => RateLimitSnapshot,
  report: (call: FinishedCall) => void,
): CallRecorder {
  let current: { attempts: number; status: number | null } | null = null;
  let lastStatus: number | null = null;
  let lastRateLimit: RateLimitSnapshot = NO_SNAPSHOT;

  const run = async <Body>(request: ProviderRequest, send: () => Promise<ProviderResponse<Body>>) => {
    const method = request.method ?? 'GET';
    const started = performance.now();
    current = { attempts: 0, status: null };
    const finish = (outcome: FinishedCall['outcome'], path: string) => {
      const call = current!;
      current = null;
      report({
        method,
        path,
        status: call.status,
        attempts: call.attempts,
        durationMs: performance.now() - started,
        rateLimit: lastRateLimit,
        outcome,
      });
    };
    try {
      const response = await send();
      lastRateLimit = snapshot(response.headers);
      finish('succeeded', new URL(response.url).pathname);
      return response;
    } catch (error) {
      if (error instanceof ProviderCallError) {
        lastRateLimit = { remaining: error.retryAt ? 0 : null, resetAt: error.retryAt };
        if (error.status !== null) lastStatus = error.status;
      }
      finish('failed', pathOf(request));
      throw error;
    }
  };

  return {
    onResponse({ status, method, path, durationMs }) {
      lastStatus = status;
      if (current) {
        current.attempts += 1;
        current.status = status;
        return;
      }
      // A page requested inside paginate: one attempt as far as this recorder can tell.
      report({
        method,
        path,
        status,
        attempts: 1,
        durationMs,
        rateLimit: lastRateLimit,
        outcome: 'succeeded',
      });
    },
    wrap(inner) {
      return {
        request: (request) => run(request, () => inner.request(request)),
        paginate: (request, options) => inner.paginate(request, options),
      };
    },
    last: () => ({ status: lastStatus, rateLimit: lastRateLimit }),
  };
}

/** The path of a request that failed before a URL was resolved: the action's path, query cut off. */
function pathOf(request: ProviderRequest): string {
  if (/^https?:\/\//.test(request.path)) return new URL(request.path).pathname;
  return request.path.split('?')[0] ?? request.path;
}
