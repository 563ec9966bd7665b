import type { ConnectionAuthMode, ConnectionEvent, IntegrationScope } from '../events/connection.js';
import type { Sealed } from '../vault/sealed.js';

/** The current token of a connection: what a refresh starts from. */
export interface CurrentToken {
  secret: Sealed;
  /** Revision of the TokenIssued/TokenRotated event: a refresh names it, so a stale one is refused. */
  revision: bigint;
  issuedAt: string;
  expiresAt: string | null;
  scopes: string[];
}

export type ConnectionState =
  | { status: 'none' }
  | {
      status: 'PENDING' | 'ACTIVE' | 'REAUTH_REQUIRED' | 'REVOKED' | 'FAILED';
      tenantId: string;
      provider: string;
      authMode: ConnectionAuthMode;
      integration: IntegrationScope | null;
      token: CurrentToken | null;
    };

/** Folds one event into the connection's state (pure; the decider's `evolve`). */
export function evolveConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  switch (event.type) {
    case 'ConnectionStarted':
      return {
        status: 'PENDING',
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        authMode: event.data.authMode,
        integration: event.data.integration,
        token: null,
      };
    case 'WebhookConnectionCreated':
      return {
        status: 'ACTIVE',
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        authMode: 'webhook',
        integration: null,
        token: null,
      };
    case 'ConnectionInstalled':
      return {
        token: state.status === 'none' ? null : state.token,
        status: 'ACTIVE',
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        authMode: event.data.authMode,
        integration: event.data.integration,
      };
    case 'TokenIssued':
    case 'TokenRotated': {
      if (state.status === 'none') return state;
      const issuedAt = event.type === 'TokenIssued' ? event.data.issuedAt : event.data.rotatedAt;
      const token = {
        secret: event.data.secret,
        revision: event.revision,
        issuedAt,
        expiresAt: event.data.expiresAt,
        scopes: event.data.scopes,
      };
      return { ...state, token };
    }
    case 'ConnectionFailed':
      return state.status === 'none' ? state : { ...state, status: 'FAILED' };
    case 'ConnectionReauthRequired':
      return state.status === 'none' ? state : { ...state, status: 'REAUTH_REQUIRED' };
    case 'ConnectionRevoked':
      return state.status === 'none' ? state : { ...state, status: 'REVOKED', token: null };
    case 'ConnectionCallbackRejected':
    case 'TokenRefreshFailed':
    case 'WebhookSecretConfigured':
      return state;
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}
