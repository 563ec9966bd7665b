import { randomUUID } from 'node:crypto';
import { type Caller, type ConnectionDeps, execute, systemCaller } from '../../commands/deps.js';
import { connectionDecider } from '../../domain/connection.js';
import { connectionStream } from '../../events/connection.js';
import type { TokenSet } from '../../oauth/index.js';
import { type HubMetrics, NOOP_METRICS } from '../../observability/metrics/index.js';
import { withLease } from '../../platform/with-lease.js';
import { BadUserInputError, ConflictError, DependencyError } from '../../shared/errors.js';
import {
  fromTokenSet,
  openCredentials,
  sealCredentials,
  type TokenCredentials,
} from '../credentials/credentials-codec.js';
import { ReauthRequiredError } from '../errors.js';
import { loadConnection } from '../load.js';
import { isFresh } from './freshness.js';
import { recordRefreshFailure, refreshFailureOf } from './refresh-failure.js';
import { refreshGrant } from './refresh-grant.js';
import {
  expiresAtOf,
  issuedAtOf,
  type LiveConnection,
  liveConnection,
  needsRefresh,
  type RefreshTrigger,
} from './refresh-policy.js';
import { SingleFlight } from './single-flight.js';

export type { RefreshTrigger } from './refresh-policy.js';

export interface RefreshRequest {
  tenantId: string;
  connectionId: string;
  trigger: RefreshTrigger;
  /** For `unauthorized`: the access token the provider refused (nothing happens if it is no longer current). */
  rejectedAccessToken?: string;
  caller?: Caller;
}

export interface ActiveToken {
  provider: string;
  credentials: TokenCredentials;
  issuedAt: Date;
  expiresAt: Date | null;
  /** True when this call rotated the token (false: the current one was still good, or someone else rotated). */
  rotated: boolean;
  /** Position of the TokenRotated event, for callers that wait for the read models. */
  position: bigint | null;
}

export interface TokenRefresherOptions {
  /** How long one refresh may hold the cross-process lease without renewing it (renewed every third). */
  leaseTtlMs?: number;
  /** How long to wait for another process's refresh of the same connection. */
  leaseWaitMs?: number;
  /** Refreshes by result (none: not counted). */
  metrics?: Pick<HubMetrics, 'tokenRefresh'>;
}

/** The lease that serializes refreshes (and revocation) of one connection across processes. */
export const refreshLeaseName = (tenantId: string, connectionId: string): string =>
  `token-refresh:${tenantId}.${connectionId}`;

/**
 * Refreshes a connection's token, once, however many callers and processes ask at the same time:
 * an in-process single flight, then a lease per connection across processes, then the decision on
 * the connection's stream (not the read model, which may lag) and an append at the stream's
 * expected revision, so two processes never both rotate. The new token is stored before anything
 * else (on rotating providers the old refresh token is already spent).
 */
export class TokenRefresher {
  readonly #deps: ConnectionDeps;
  readonly #flights = new SingleFlight<ActiveToken>();
  readonly #leaseTtlMs: number;
  readonly #leaseWaitMs: number;
  readonly #metrics: Pick<HubMetrics, 'tokenRefresh'>;

  constructor(deps: ConnectionDeps, options: TokenRefresherOptions = {}) {
    this.#deps = deps;
    this.#metrics = options.metrics ?? NOOP_METRICS;
    this.#leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.#leaseWaitMs = options.leaseWaitMs ?? 20_000;
  }

  refresh(request: RefreshRequest): Promise<ActiveToken> {
    const { tenantId, connectionId } = request;
    return this.#flights.run(`${tenantId}.${connectionId}`, async () => {
      const result = await withLease(
        this.#deps.leases,
        refreshLeaseName(tenantId, connectionId),
        { ttlMs: this.#leaseTtlMs, waitMs: this.#leaseWaitMs },
        (signal) => this.#refreshHoldingLease(request, signal),
      );
      if (!result.acquired) {
        throw new DependencyError(`A refresh of connection ${connectionId} is still running elsewhere`, {
          detail: { connectionId },
        });
      }
      return result.value;
    });
  }

  async #refreshHoldingLease(request: RefreshRequest, signal: AbortSignal): Promise<ActiveToken> {
    const deps = this.#deps;
    const { tenantId, connectionId } = request;
    const connection = liveConnection(
      await loadConnection(deps.eventStore, tenantId, connectionId),
      connectionId,
    );
    const { token } = connection;
    const current = await this.#open(tenantId, connectionId, connection);
    const now = deps.now();
    if (!needsRefresh(request.trigger, current, token, now, request.rejectedAccessToken)) {
      return {
        provider: connection.provider,
        credentials: current,
        issuedAt: issuedAtOf(token),
        expiresAt: expiresAtOf(token),
        rotated: false,
        position: null,
      };
    }
    const target = { tenantId, connectionId, tokenRevision: token.revision };
    if (current.kind === 'oauth2' && !current.refreshToken) {
      if (request.trigger === 'manual' && isFresh(issuedAtOf(token), expiresAtOf(token), now)) {
        throw new BadUserInputError(
          `Connection ${connectionId} has no refresh token: its token is used until it stops working`,
        );
      }
      await recordRefreshFailure(deps, this.#caller(request), target, {
        failure: 'no_refresh_token',
        message: 'The token stopped working and the provider gave no refresh token',
        retryable: false,
        attempts: 1,
        reauthRequired: true,
      });
      this.#metrics.tokenRefresh(connection.provider, 'reauth_required', tenantId);
      throw new ReauthRequiredError(connectionId);
    }
    const manifest = deps.catalog.require(connection.provider);
    const outcome = await refreshGrant(deps, connection, manifest, current, signal);
    if (!outcome.ok) {
      const failure = refreshFailureOf(outcome.error, outcome.attempts);
      await recordRefreshFailure(deps, this.#caller(request), target, failure);
      this.#metrics.tokenRefresh(
        connection.provider,
        failure.reauthRequired ? 'reauth_required' : 'failed',
        tenantId,
      );
      if (failure.reauthRequired) throw new ReauthRequiredError(connectionId);
      throw outcome.error;
    }
    const stored = await this.#store(request, connection, current, outcome.tokens);
    // The provider issued a token: a refresh that succeeded, whoever's rotation is kept.
    this.#metrics.tokenRefresh(connection.provider, 'succeeded', tenantId);
    // Only after a lost lease can someone else have rotated meanwhile: theirs is the token of record.
    return stored ?? this.#refreshHoldingLease({ ...request, trigger: 'expired' }, signal);
  }

  /** Appends TokenRotated at the stream's expected revision; null when another rotation won the race. */
  async #store(
    request: RefreshRequest,
    connection: LiveConnection,
    current: TokenCredentials,
    tokens: TokenSet,
  ): Promise<ActiveToken | null> {
    const deps = this.#deps;
    const { tenantId, connectionId } = request;
    const next = fromTokenSet(current.kind, tokens);
    const secret = await sealCredentials(deps.vault, tenantId, connectionId, next);
    try {
      const result = await execute(
        deps,
        this.#caller(request),
        { tenantId, stream: connectionStream(tenantId, connectionId) },
        connectionDecider,
        {
          type: 'RotateToken',
          connectionId,
          basedOnRevision: connection.token.revision,
          secret,
          tokenType: tokens.tokenType,
          expiresAt: tokens.expiresAt,
          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
          scopes: tokens.scopes,
          refreshTokenRotated: next.refreshToken !== current.refreshToken,
          trigger: request.trigger,
        },
        { waitFor: [] },
      );
      return {
        provider: connection.provider,
        credentials: next,
        issuedAt: deps.now(),
        expiresAt: tokens.expiresAt,
        rotated: true,
        position: result.position,
      };
    } catch (error) {
      if (!(error instanceof ConflictError) || error.detail?.['reason'] !== 'TOKEN_ALREADY_ROTATED')
        throw error;
      deps.logger.warn({ connectionId }, 'token rotated concurrently; using the stored token');
      return null;
    }
  }

  async #open(tenantId: string, connectionId: string, connection: LiveConnection): Promise<TokenCredentials> {
    const credentials = await openCredentials(
      this.#deps.vault,
      tenantId,
      connectionId,
      connection.token.secret,
    );
    if (credentials.kind !== 'oauth2' && credentials.kind !== 'oauth2_cc') {
      throw new BadUserInputError(
        `Connection ${connectionId} uses ${credentials.kind}: there is no token to refresh`,
      );
    }
    return credentials;
  }

  #caller(request: RefreshRequest): Caller {
    return request.caller ?? systemCaller('token-refresher', randomUUID());
  }
}
