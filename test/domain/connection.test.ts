import { describe, it } from 'vitest';
import type { ConnectionCommand } from '../../src/domain/connection.js';
import { connectionDecider } from '../../src/domain/connection.js';
import type { ConnectionEvent } from '../../src/events/connection.js';
import type { Sealed } from '../../src/vault/sealed.js';
import { given, testContext } from '../support/decider.js';

type Fact = Pick<ConnectionEvent, 'type' | 'data'>;

const NOW = testContext().now.toISOString();
const sealed = (n: number): Sealed => ({
  v: 1,
  keyId: 'dk_test',
  iv: Buffer.alloc(12, n).toString('base64'),
  ciphertext: Buffer.from(`cipher-${n}`).toString('base64'),
  tag: Buffer.alloc(16, n).toString('base64'),
});

const started: Fact = {
  type: 'ConnectionStarted',
  data: {
    connectionId: 'conn_1',
    tenantId: 'acme',
    provider: 'github',
    authMode: 'oauth2',
    integration: 'global',
    requestedScopes: ['read:user'],
    stateHash: 'h1',
    redirectUri: 'https://app.example/done',
    startedAt: NOW,
    expiresAt: NOW,
  },
};
const installed: Fact = {
  type: 'ConnectionInstalled',
  data: {
    connectionId: 'conn_1',
    tenantId: 'acme',
    provider: 'github',
    authMode: 'oauth2',
    integration: 'global',
    account: { id: '42', name: 'octocat' },
    values: {},
    scopes: ['read:user'],
    installedAt: NOW,
  },
};
const issued: Fact = {
  type: 'TokenIssued',
  data: {
    connectionId: 'conn_1',
    tenantId: 'acme',
    provider: 'github',
    authMode: 'oauth2',
    secret: sealed(1),
    tokenType: 'bearer',
    expiresAt: NOW,
    refreshTokenExpiresAt: null,
    scopes: ['read:user'],
    issuedAt: NOW,
  },
};
const revoked: Fact = {
  type: 'ConnectionRevoked',
  data: {
    connectionId: 'conn_1',
    providerRevocation: { status: 'CONFIRMED', detail: 'ok' },
    reason: 'requested',
    revokedAt: NOW,
  },
};

const install: ConnectionCommand = {
  type: 'InstallConnection',
  connectionId: 'conn_1',
  tenantId: 'acme',
  provider: 'github',
  authMode: 'oauth2',
  integration: 'global',
  account: { id: '42', name: 'octocat' },
  values: {},
  scopes: ['read:user'],
  credentials: {
    secret: sealed(1),
    tokenType: 'bearer',
    expiresAt: new Date(NOW),
    refreshTokenExpiresAt: null,
  },
};
// Revisions in the given/when/then helper are the events' indexes: TokenIssued is revision 2.
const rotate = (basedOnRevision: bigint): ConnectionCommand => ({
  type: 'RotateToken',
  connectionId: 'conn_1',
  basedOnRevision,
  secret: sealed(2),
  tokenType: 'bearer',
  expiresAt: null,
  refreshTokenExpiresAt: null,
  scopes: ['read:user'],
  refreshTokenRotated: true,
  trigger: 'expired',
});
const failure = (reauthRequired: boolean, basedOnRevision = 2n): ConnectionCommand => ({
  type: 'RecordRefreshFailure',
  connectionId: 'conn_1',
  basedOnRevision,
  failure: reauthRequired ? 'invalid_grant' : 'transient',
  message: 'no',
  retryable: !reauthRequired,
  attempts: 3,
  reauthRequired,
});

describe('connection decider', () => {
  it('starts an OAuth attempt once', () => {
    const command: ConnectionCommand = {
      type: 'StartConnection',
      connectionId: 'conn_1',
      tenantId: 'acme',
      provider: 'github',
      integration: 'global',
      requestedScopes: ['read:user'],
      stateHash: 'h1',
      redirectUri: 'https://app.example/done',
      expiresAt: new Date(NOW),
    };
    given(connectionDecider, []).when(command).then([started]);
    given(connectionDecider, [started]).when(command).thenThrows('CONFLICT');
  });

  it('installs a PENDING OAuth connection: ConnectionInstalled, then TokenIssued', () => {
    given(connectionDecider, [started]).when(install).then([installed, issued]);
  });

  it('refuses to install twice, or an OAuth connection that was never started', () => {
    given(connectionDecider, [started, installed, issued]).when(install).thenThrows('CONFLICT');
    given(connectionDecider, []).when(install).thenThrows('CONNECTION_NOT_FOUND');
    given(connectionDecider, [started])
      .when({ ...install, tenantId: 'other' } as ConnectionCommand)
      .thenThrows('CONFLICT');
  });

  it('installs api_key connections from nothing', () => {
    const command = { ...install, authMode: 'api_key', integration: null } as ConnectionCommand;
    given(connectionDecider, [])
      .when(command)
      .then([
        {
          type: 'ConnectionInstalled',
          data: { ...(installed.data as object), authMode: 'api_key', integration: null },
        },
        { type: 'TokenIssued', data: { ...(issued.data as object), authMode: 'api_key' } },
      ]);
  });

  it('records a failed attempt once, and only while PENDING', () => {
    const command: ConnectionCommand = {
      type: 'FailConnection',
      connectionId: 'conn_1',
      reason: 'access_denied',
      message: 'denied',
    };
    const failed: Fact = {
      type: 'ConnectionFailed',
      data: {
        connectionId: 'conn_1',
        provider: 'github',
        reason: 'access_denied',
        message: 'denied',
        failedAt: NOW,
      },
    };
    given(connectionDecider, [started]).when(command).then([failed]);
    given(connectionDecider, [started, failed]).when(command).then([]);
    given(connectionDecider, [started, installed, issued]).when(command).thenThrows('CONFLICT');
  });

  it('rotates exactly the token it started from', () => {
    const history = [started, installed, issued];
    given(connectionDecider, history)
      .when(rotate(2n))
      .then([
        {
          type: 'TokenRotated',
          data: {
            connectionId: 'conn_1',
            secret: sealed(2),
            previousTokenRevision: '2',
            tokenType: 'bearer',
            expiresAt: null,
            refreshTokenExpiresAt: null,
            scopes: ['read:user'],
            refreshTokenRotated: true,
            trigger: 'expired',
            rotatedAt: NOW,
          },
        },
      ]);
    // Another process rotated first: the stale refresh is refused, never appended.
    given(connectionDecider, history).when(rotate(1n)).thenThrows('CONFLICT');
    given(connectionDecider, [...history, revoked])
      .when(rotate(2n))
      .thenThrows('CONFLICT');
  });

  it('turns invalid_grant into TokenRefreshFailed + ConnectionReauthRequired; drops stale failures', () => {
    const history = [started, installed, issued];
    given(connectionDecider, history)
      .when(failure(true))
      .then([
        {
          type: 'TokenRefreshFailed',
          data: {
            connectionId: 'conn_1',
            failure: 'invalid_grant',
            message: 'no',
            retryable: false,
            attempts: 3,
            failedAt: NOW,
          },
        },
        { type: 'ConnectionReauthRequired', data: { connectionId: 'conn_1', reason: 'no', at: NOW } },
      ]);
    given(connectionDecider, history).when(failure(false, 1n)).then([]);
  });

  it('revokes once; an unknown connection is CONNECTION_NOT_FOUND', () => {
    const command: ConnectionCommand = {
      type: 'RevokeConnection',
      connectionId: 'conn_1',
      providerRevocation: { status: 'CONFIRMED', detail: 'ok' },
      reason: 'requested',
    };
    given(connectionDecider, [started, installed, issued]).when(command).then([revoked]);
    given(connectionDecider, [started, installed, issued, revoked]).when(command).then([]);
    given(connectionDecider, []).when(command).thenThrows('CONNECTION_NOT_FOUND');
  });

  it('creates webhook-only connections and configures secrets on live connections only', () => {
    const create: ConnectionCommand = {
      type: 'CreateWebhookConnection',
      connectionId: 'conn_1',
      tenantId: 'acme',
      provider: 'github',
      displayName: 'Repo hooks',
      secret: null,
    };
    const created: Fact = {
      type: 'WebhookConnectionCreated',
      data: {
        connectionId: 'conn_1',
        tenantId: 'acme',
        provider: 'github',
        displayName: 'Repo hooks',
        createdAt: NOW,
      },
    };
    given(connectionDecider, []).when(create).then([created]);
    const configured: Fact = {
      type: 'WebhookSecretConfigured',
      data: {
        connectionId: 'conn_1',
        tenantId: 'acme',
        provider: 'github',
        secret: sealed(4),
        configuredAt: NOW,
      },
    };
    // With a secret: created and configured in one append.
    given(connectionDecider, [])
      .when({ ...create, secret: sealed(4) } as ConnectionCommand)
      .then([created, configured]);
    const configure: ConnectionCommand = {
      type: 'ConfigureWebhookSecret',
      connectionId: 'conn_1',
      secret: sealed(3),
    };
    given(connectionDecider, [created])
      .when(configure)
      .then([
        {
          type: 'WebhookSecretConfigured',
          data: {
            connectionId: 'conn_1',
            tenantId: 'acme',
            provider: 'github',
            secret: sealed(3),
            configuredAt: NOW,
          },
        },
      ]);
    given(connectionDecider, [created, revoked]).when(configure).thenThrows('CONFLICT');
    given(connectionDecider, []).when(configure).thenThrows('CONNECTION_NOT_FOUND');
  });
});
