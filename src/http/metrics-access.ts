import { createHash, timingSafeEqual } from 'node:crypto';
import type { Authenticator } from '../auth/authenticate.js';
import { parseBearer } from '../auth/bearer.js';
import { AuthenticationError, AuthenticationRequiredError, ForbiddenError } from '../auth/errors.js';

/**
 * Who may read /metrics. Metrics name routes, operations, error rates and process internals:
 * enough to map a deployment, so they are never public. A scraper gets a token of its own
 * (SWITCHBOARD_METRICS_TOKEN) or a listener of its own (SWITCHBOARD_METRICS_PORT, loopback by
 * default); with neither, an operator token reads them.
 */
export type MetricsAccess =
  | { kind: 'open' }
  | { kind: 'token'; token: string }
  | { kind: 'operator'; authenticator: Authenticator };

/** Resolves when `authorization` may read metrics; throws a 401 or 403 SwitchboardError otherwise. */
export type MetricsGuard = (authorization: string | undefined) => Promise<void>;

export function metricsGuard(access: MetricsAccess): MetricsGuard {
  switch (access.kind) {
    case 'open':
      return async () => {};
    case 'token': {
      // Digests of equal length: timingSafeEqual never throws and the token's length stays unknown.
      const expected = sha256(access.token);
      return async (authorization) => {
        const token = parseBearer(authorization);
        if (token === null) throw new AuthenticationRequiredError({ route: '/metrics' });
        if (!timingSafeEqual(sha256(token), expected)) throw new AuthenticationError('unknown_metrics_token');
      };
    }
    case 'operator':
      return async (authorization) => {
        const principal = await access.authenticator.authenticate(authorization);
        if (principal === null) throw new AuthenticationRequiredError({ route: '/metrics' });
        if (principal.kind !== 'operator') throw new ForbiddenError('Metrics are for operators');
      };
  }
}

/** The access rule the configuration implies for /metrics on a listener. */
export function metricsAccessFor(
  metrics: { token: string | null },
  authenticator: Authenticator,
  onOwnListener: boolean,
): MetricsAccess {
  if (metrics.token !== null) return { kind: 'token', token: metrics.token };
  return onOwnListener ? { kind: 'open' } : { kind: 'operator', authenticator };
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
