import { ConnectionStatus } from '../../domain/statuses.js';
import { CONNECTION_EVENTS, type ConnectionEvent } from '../../events/connection.js';
import type { Connection } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import { pgJson } from './pg-text.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the connections read model; the shape Prisma returns for `prisma.connection`. */
export type ConnectionRow = Connection;

const unknownConnection = (event: ConnectionEvent) =>
  new ProjectionEventError(event, `${event.type} for unknown connection ${event.data.connectionId}`);

/**
 * Connections as the API shows them: status, account, scopes, expiry. Every value comes from the
 * events (timestamps included), so a rebuild gives identical rows. Secrets never reach this table.
 */
export function evolveConnection(row: ConnectionRow | null, event: ConnectionEvent): ConnectionRow | null {
  if (row && event.position <= row.position) return row;
  const stamp = { version: event.revision, position: event.position };
  switch (event.type) {
    case 'ConnectionStarted': {
      const at = new Date(event.data.startedAt);
      return {
        ...blankRow(event.data.connectionId, event.data.tenantId, event.data.provider),
        authMode: event.data.authMode,
        status: ConnectionStatus.PENDING,
        integration: event.data.integration,
        scopes: event.data.requestedScopes,
        stateHash: event.data.stateHash,
        stateExpiresAt: new Date(event.data.expiresAt),
        redirectUri: event.data.redirectUri,
        createdAt: at,
        updatedAt: at,
        ...stamp,
      };
    }
    case 'WebhookConnectionCreated': {
      const at = new Date(event.data.createdAt);
      return {
        ...blankRow(event.data.connectionId, event.data.tenantId, event.data.provider),
        authMode: 'webhook',
        status: ConnectionStatus.ACTIVE,
        displayName: event.data.displayName,
        createdAt: at,
        updatedAt: at,
        ...stamp,
      };
    }
    case 'ConnectionInstalled': {
      const at = new Date(event.data.installedAt);
      const base = row ?? {
        ...blankRow(event.data.connectionId, event.data.tenantId, event.data.provider),
        createdAt: at,
      };
      return {
        ...base,
        authMode: event.data.authMode,
        status: ConnectionStatus.ACTIVE,
        integration: event.data.integration,
        accountId: event.data.account.id,
        accountName: event.data.account.name,
        values: event.data.values,
        scopes: event.data.scopes,
        failureReason: null,
        failureMessage: null,
        updatedAt: at,
        ...stamp,
      };
    }
    case 'ConnectionFailed':
      if (!row) throw unknownConnection(event);
      return {
        ...row,
        status: ConnectionStatus.FAILED,
        failureReason: event.data.reason,
        failureMessage: event.data.message,
        updatedAt: new Date(event.data.failedAt),
        ...stamp,
      };
    case 'TokenIssued':
      // Installed in the same append (ConnectionInstalled comes first).
      if (!row) throw unknownConnection(event);
      return { ...row, expiresAt: dateOrNull(event.data.expiresAt), ...stamp };
    case 'TokenRotated':
      if (!row) throw unknownConnection(event);
      return {
        ...row,
        status: row.status === ConnectionStatus.REVOKED ? row.status : ConnectionStatus.ACTIVE,
        scopes: event.data.scopes,
        expiresAt: dateOrNull(event.data.expiresAt),
        lastRefreshedAt: new Date(event.data.rotatedAt),
        updatedAt: new Date(event.data.rotatedAt),
        ...stamp,
      };
    case 'ConnectionReauthRequired':
      if (!row) throw unknownConnection(event);
      return {
        ...row,
        status: ConnectionStatus.REAUTH_REQUIRED,
        failureReason: 'reauth_required',
        failureMessage: event.data.reason,
        updatedAt: new Date(event.data.at),
        ...stamp,
      };
    case 'ConnectionRevoked': {
      if (!row) throw unknownConnection(event);
      const at = new Date(event.data.revokedAt);
      return {
        ...row,
        status: ConnectionStatus.REVOKED,
        revokedAt: at,
        providerRevocationStatus: event.data.providerRevocation.status,
        providerRevocationDetail: event.data.providerRevocation.detail,
        updatedAt: at,
        ...stamp,
      };
    }
    // Facts for the audit trail and other read models; the row only follows the stream's revision.
    case 'ConnectionCallbackRejected':
    case 'TokenRefreshFailed':
    case 'WebhookSecretConfigured':
      if (!row) throw unknownConnection(event);
      return { ...row, ...stamp };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

function blankRow(id: string, tenantId: string, provider: string) {
  return {
    id,
    tenantId,
    provider,
    integration: null,
    accountId: null,
    accountName: null,
    values: {},
    displayName: null,
    scopes: [],
    expiresAt: null,
    lastRefreshedAt: null,
    stateHash: null,
    stateExpiresAt: null,
    redirectUri: null,
    failureReason: null,
    failureMessage: null,
    revokedAt: null,
    providerRevocationStatus: null,
    providerRevocationDetail: null,
  };
}

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

export const connectionsProjection = defineRowProjection<ConnectionRow, ConnectionEvent>({
  name: READ_MODEL.connections,
  eventTypes: CONNECTION_EVENTS.map((definition) => definition.type),
  table: { name: 'connections' },
  keyOf: (event) => event.data.connectionId,
  evolve: evolveConnection,
  async load(tx, ids) {
    const rows = await tx.connection.findMany({ where: { id: { in: [...ids] } } });
    return new Map(rows.map((row) => [row.id, row]));
  },
  async save(tx, { upserts, deletes }) {
    await upsertRows(
      tx,
      {
        table: 'connections',
        key: ['id'],
        columns: {
          id: (c) => c.id,
          tenant_id: (c) => c.tenantId,
          provider: (c) => c.provider,
          auth_mode: (c) => c.authMode,
          status: (c) => c.status,
          integration: (c) => c.integration,
          account_id: (c) => c.accountId,
          account_name: (c) => c.accountName,
          connection_values: (c) => pgJson(c.values),
          display_name: (c) => c.displayName,
          scopes: (c) => c.scopes,
          expires_at: (c) => c.expiresAt,
          last_refreshed_at: (c) => c.lastRefreshedAt,
          state_hash: (c) => c.stateHash,
          state_expires_at: (c) => c.stateExpiresAt,
          redirect_uri: (c) => c.redirectUri,
          failure_reason: (c) => c.failureReason,
          failure_message: (c) => c.failureMessage,
          revoked_at: (c) => c.revokedAt,
          provider_revocation_status: (c) => c.providerRevocationStatus,
          provider_revocation_detail: (c) => c.providerRevocationDetail,
          created_at: (c) => c.createdAt,
          updated_at: (c) => c.updatedAt,
          version: (c) => c.version,
          position: (c) => c.position,
        },
      },
      upserts,
    );
    if (deletes.length > 0) await tx.connection.deleteMany({ where: { id: { in: [...deletes] } } });
  },
});
