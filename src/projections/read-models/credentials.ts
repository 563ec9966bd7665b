import { refreshDueAt, retryDueAt } from '../../domain/refresh-schedule.js';
import type { ConnectionEvent } from '../../events/connection.js';
import type { Credential, Prisma } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import { pgJson } from './pg-text.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the credentials read model; the shape Prisma returns for `prisma.credential`. */
export type CredentialRow = Credential;

const HANDLED = [
  'TokenIssued',
  'TokenRotated',
  'TokenRefreshFailed',
  'ConnectionReauthRequired',
  'ConnectionRevoked',
] as const;
type CredentialEvent = Extract<ConnectionEvent, { type: (typeof HANDLED)[number] }>;

/**
 * The sealed credentials of live connections, for token checkout and the proactive refresher. A
 * revoked connection's row is deleted: its credentials are destroyed as far as the read side goes
 * (the log keeps only ciphertext, which crypto-shredding makes unreadable with the tenant).
 */
export function evolveCredential(row: CredentialRow | null, event: CredentialEvent): CredentialRow | null {
  if (row && event.position <= row.position) return row;
  const stamp = { version: event.revision, position: event.position };
  switch (event.type) {
    case 'TokenIssued': {
      const issuedAt = new Date(event.data.issuedAt);
      const expiresAt = dateOrNull(event.data.expiresAt);
      return {
        connectionId: event.data.connectionId,
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        authMode: event.data.authMode,
        status: 'ACTIVE',
        secret: event.data.secret as unknown as Prisma.JsonValue,
        tokenType: event.data.tokenType,
        expiresAt,
        refreshDueAt: refreshDueAt(issuedAt, expiresAt),
        refreshTokenExpiresAt: dateOrNull(event.data.refreshTokenExpiresAt),
        refreshFailures: 0,
        issuedAt,
        tokenRevision: event.revision,
        ...stamp,
      };
    }
    case 'TokenRotated': {
      if (!row) return null; // revoked meanwhile: nothing to keep
      const issuedAt = new Date(event.data.rotatedAt);
      const expiresAt = dateOrNull(event.data.expiresAt);
      return {
        ...row,
        status: 'ACTIVE',
        secret: event.data.secret as unknown as Prisma.JsonValue,
        tokenType: event.data.tokenType,
        expiresAt,
        refreshDueAt: refreshDueAt(issuedAt, expiresAt),
        refreshTokenExpiresAt: dateOrNull(event.data.refreshTokenExpiresAt),
        refreshFailures: 0,
        issuedAt,
        tokenRevision: event.revision,
        ...stamp,
      };
    }
    case 'TokenRefreshFailed': {
      if (!row) return null;
      const failures = row.refreshFailures + 1;
      return {
        ...row,
        refreshFailures: failures,
        refreshDueAt: event.data.retryable ? retryDueAt(new Date(event.data.failedAt), failures) : null,
        ...stamp,
      };
    }
    case 'ConnectionReauthRequired':
      if (!row) throw new ProjectionEventError(event, `No credentials for ${event.data.connectionId}`);
      return { ...row, status: 'REAUTH_REQUIRED', refreshDueAt: null, ...stamp };
    case 'ConnectionRevoked':
      return null;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

const dateOrNull = (value: string | null) => (value === null ? null : new Date(value));

export const credentialsProjection = defineRowProjection<CredentialRow, CredentialEvent>({
  name: READ_MODEL.credentials,
  eventTypes: HANDLED,
  table: { name: 'credentials' },
  keyOf: (event) => event.data.connectionId,
  evolve: evolveCredential,
  async load(tx, ids) {
    const rows = await tx.credential.findMany({ where: { connectionId: { in: [...ids] } } });
    return new Map(rows.map((row) => [row.connectionId, row]));
  },
  async save(tx, { upserts, deletes }) {
    await upsertRows(
      tx,
      {
        table: 'credentials',
        key: ['connection_id'],
        columns: {
          connection_id: (c) => c.connectionId,
          tenant_id: (c) => c.tenantId,
          provider: (c) => c.provider,
          auth_mode: (c) => c.authMode,
          status: (c) => c.status,
          secret: (c) => pgJson(c.secret),
          token_type: (c) => c.tokenType,
          expires_at: (c) => c.expiresAt,
          refresh_due_at: (c) => c.refreshDueAt,
          refresh_token_expires_at: (c) => c.refreshTokenExpiresAt,
          refresh_failures: (c) => c.refreshFailures,
          issued_at: (c) => c.issuedAt,
          token_revision: (c) => c.tokenRevision,
          version: (c) => c.version,
          position: (c) => c.position,
        },
      },
      upserts,
    );
    if (deletes.length > 0) await tx.credential.deleteMany({ where: { connectionId: { in: [...deletes] } } });
  },
});
