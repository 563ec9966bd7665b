import { randomUUID } from 'node:crypto';
import { connectionDecider, connectionNotFound } from '../domain/connection.js';
import type { ConnectionState, CurrentToken } from '../domain/connection-state.js';
import { BadUserInputError, ConflictError, DependencyError } from '../errors.js';
import { connectionStream } from '../events/connection.js';
import {
  clientCredentials,
  isRetryable,
  OAuthProviderError,
  ProviderInvalidGrantError,
  refresh,
  type TokenSet,
  withRetry,
} from '../oauth/index.js';
import { withLease } from '../platform/with-lease.js';
import {
  fromTokenSet,
  openCredentials,
  sealCredentials,
  type TokenCredentials,
} from './credentials-codec.js';
import { type Caller, type ConnectionDeps, execute, systemCaller } from './deps.js';
import { ConnectionNotUsableError, ReauthRequiredError } from './errors.js';
import { failureMessage } from './fail-attempt.js';
import { isDue, isFresh } from './freshness.js';
import { integrationFor, oauthClient } from './integrations.js';
import { loadConnection } from './load.js';
import { SingleFlight } from './single-flight.js';

export type RefreshTrigger = 'proactive' | 'expired' | 'unauthorized' | 'manual';

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
}

/**
 * Refreshes a connection's token, once, however many callers and processes ask at the same time:
 * an in-process single flight, then a lease per connection across processes, then the decision on
 * the connection's stream (not the read model) and an append at the stream's expected revision,
 * so two processes never both rotate. Transient failures are retried with backoff and jitter;
 * invalid_grant makes the connection REAUTH_REQUIRED. The new token is stored before anything else.
 */
export class TokenRefresher {
  readonly #deps: ConnectionDeps;
  readonly #flights = new SingleFlight<ActiveToken>();
  readonly #leaseTtlMs: number;
  readonly #leaseWaitMs: number;

  constructor(deps: ConnectionDeps, options: TokenRefresherOptions = {}) {
    this.#deps = deps;
    this.#leaseTtlMs = options.leaseTtlMs ?? 30_000;
    this.#leaseWaitMs = options.leaseWaitMs ?? 20_000;
  }

  refresh(request: RefreshRequest): Promise<ActiveToken> {
    const key = `${request.tenantId}.${request.connectionId}`;
    return this.#flights.run(key, async () => {
      const result = await withLease(
        this.#deps.leases,
        `token-refresh:${key}`,
        { ttlMs: this.#leaseTtlMs, waitMs: this.#leaseWaitMs },
        (signal) => this.#refreshHoldingLease(request, signal),
      );
      if (!result.acquired) {
        throw new DependencyError(
          `A refresh of connection ${request.connectionId} is still running elsewhere`,
          {
            detail: { connectionId: request.connectionId },
          },
        );
      }
      return result.value;
    });
  }

  async #refreshHoldingLease(request: RefreshRequest, signal: AbortSignal): Promise<ActiveToken> {
    const deps = this.#deps;
    const { tenantId, connectionId } = request;
    const state = await loadConnection(deps.eventStore, tenantId, connectionId);
    const token = usableToken(state, connectionId);
    const current = await this.#open(tenantId, connectionId, token);
    const active = (rotated: boolean, position: bigint | null): ActiveToken => ({
      provider: state.status === 'none' ? '' : state.provider,
      credentials: current,
      issuedAt: new Date(token.issuedAt),
      expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt),
      rotated,
      position,
    });
    if (!needsRefresh(request, current, token, deps.now())) return active(false, null);
    if (state.status === 'none') throw connectionNotFound(connectionId);

    const manifest = deps.catalog.require(state.provider);
    if (current.kind === 'oauth2' && !current.refreshToken) {
      if (request.trigger === 'manual' && isFresh(new Date(token.issuedAt), expiresAt(token), deps.now())) {
        throw new BadUserInputError(
          `Connection ${connectionId} has no refresh token: its token is used until it stops working`,
        );
      }
      await this.#recordFailure(
        request,
        token,
        'no_refresh_token',
        'The token expired and the provider gave no refresh token',
        false,
        1,
        true,
      );
      throw new ReauthRequiredError(connectionId);
    }
    let attempts = 0;
    let tokens: TokenSet;
    try {
      const integration = await integrationFor(deps, tenantId, manifest, state.integration);
      const client = await oauthClient(deps, integration.row);
      const call = {
        manifest,
        client,
        scopes: token.scopes,
        now: deps.now(),
        timeoutMs: deps.providerTimeoutMs,
        signal,
      };
      tokens = await withRetry(
        () => {
          attempts++;
          return current.kind === 'oauth2' && current.refreshToken
            ? refresh({ ...call, refreshToken: current.refreshToken })
            : clientCredentials(call);
        },
        { ...deps.retry, signal },
      );
    } catch (error) {
      const invalidGrant = error instanceof ProviderInvalidGrantError;
      const failure = error instanceof OAuthProviderError ? error.classification : 'error';
      await this.#recordFailure(
        request,
        token,
        failure,
        failureMessage(error),
        isRetryable(error),
        Math.max(1, attempts),
        invalidGrant,
      );
      if (invalidGrant) throw new ReauthRequiredError(connectionId);
      throw error;
    }
    const stored = await this.#store(request, state, token, current, tokens);
    // Only after a lost lease can someone else have rotated meanwhile: theirs is the token of record.
    return stored ?? this.#refreshHoldingLease({ ...request, trigger: 'expired' }, signal);
  }

  /** Appends TokenRotated at the stream's expected revision; null when another rotation won the race. */
  async #store(
    request: RefreshRequest,
    state: ConnectionState,
    token: CurrentToken,
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
          basedOnRevision: token.revision,
          secret,
          tokenType: tokens.tokenType,
          expiresAt: tokens.expiresAt,
          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
          scopes: tokens.scopes,
          refreshTokenRotated: next.refreshToken !== current.refreshToken,
          trigger: request.trigger,
        },
        { wait: false },
      );
      return {
        provider: state.status === 'none' ? '' : state.provider,
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

  async #open(tenantId: string, connectionId: string, token: CurrentToken): Promise<TokenCredentials> {
    const credentials = await openCredentials(this.#deps.vault, tenantId, connectionId, token.secret);
    if (credentials.kind !== 'oauth2' && credentials.kind !== 'oauth2_cc') {
      throw new BadUserInputError(
        `Connection ${connectionId} uses ${credentials.kind}: there is no token to refresh`,
      );
    }
    return credentials;
  }

  async #recordFailure(
    request: RefreshRequest,
    token: CurrentToken,
    failure: string,
    message: string,
    retryable: boolean,
    attempts: number,
    reauthRequired: boolean,
  ): Promise<void> {
    const { tenantId, connectionId } = request;
    try {
      await execute(
        this.#deps,
        this.#caller(request),
        { tenantId, stream: connectionStream(tenantId, connectionId) },
        connectionDecider,
        {
          type: 'RecordRefreshFailure',
          connectionId,
          basedOnRevision: token.revision,
          failure,
          message,
          retryable,
          attempts,
          reauthRequired,
        },
        { wait: false },
      );
    } catch (error) {
      this.#deps.logger.error({ err: error, connectionId }, 'could not record a failed token refresh');
    }
  }

  #caller(request: RefreshRequest): Caller {
    return request.caller ?? systemCaller('token-refresher', randomUUID());
  }
}

function usableToken(state: ConnectionState, connectionId: string): CurrentToken {
  if (state.status === 'none') throw connectionNotFound(connectionId);
  if (state.status === 'REAUTH_REQUIRED') throw new ReauthRequiredError(connectionId);
  if (state.status !== 'ACTIVE' || !state.token)
    throw new ConnectionNotUsableError(connectionId, state.status);
  return state.token;
}

const expiresAt = (token: CurrentToken) => (token.expiresAt === null ? null : new Date(token.expiresAt));

function needsRefresh(
  request: RefreshRequest,
  current: TokenCredentials,
  token: CurrentToken,
  now: Date,
): boolean {
  const issuedAt = new Date(token.issuedAt);
  switch (request.trigger) {
    case 'manual':
      return true;
    case 'unauthorized':
      return current.accessToken === request.rejectedAccessToken;
    case 'expired':
      return !isFresh(issuedAt, expiresAt(token), now);
    case 'proactive':
      return isDue(issuedAt, expiresAt(token), now);
    default: {
      const unknown: never = request.trigger;
      return unknown;
    }
  }
}
