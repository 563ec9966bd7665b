import { type Caller, type ConnectionDeps, execute } from '../commands/deps.js';
import { connectionDecider, connectionNotFound } from '../domain/connection.js';
import type { RevokeConnection } from '../domain/connection-commands.js';
import { ConnectionStatus } from '../domain/statuses.js';
import { connectionStream, type IntegrationScope } from '../events/connection.js';
import type { Connection } from '../generated/prisma/client.js';
import { type RevocationResult, revokeToken } from '../oauth/index.js';
import { withLease } from '../platform/with-lease.js';
import { READ_MODEL } from '../projections/names.js';
import { fromSealedJson } from '../vault/sealed-json.js';
import { openCredentials } from './credentials/credentials-codec.js';
import { integrationFor, oauthClient } from './integrations.js';
import { releaseProviderAccount } from './provider-accounts.js';
import { refreshLeaseName } from './tokens/refresh.js';

export type ProviderRevocation = Pick<RevocationResult, 'status' | 'detail'>;

export interface RevokedConnection {
  connection: Connection;
  status: 'REVOKED';
  revokedAt: Date;
  providerRevocation: ProviderRevocation;
}

/**
 * Disconnects: asks the provider to revoke the grant the way its manifest says (CONFIRMED, FAILED
 * or UNSUPPORTED, never an exception), then records ConnectionRevoked, which destroys the
 * credentials row, and releases the provider account the connection held for webhooks. Runs
 * under the connection's refresh lease (when it can get it in time), so a refresh cannot mint new
 * tokens behind the revocation; revoking twice answers the first outcome.
 */
export async function revokeConnection(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  connectionId: string,
  reason: RevokeConnection['reason'] = 'requested',
): Promise<RevokedConnection> {
  const row = await deps.prisma.connection.findFirst({ where: { id: connectionId, tenantId } });
  if (!row) throw connectionNotFound(connectionId);
  if (row.status !== ConnectionStatus.REVOKED) {
    const revokeNow = async () => {
      const providerRevocation = await revokeAtProvider(deps, row);
      await execute(
        deps,
        caller,
        { tenantId, stream: connectionStream(tenantId, connectionId) },
        connectionDecider,
        {
          type: 'RevokeConnection',
          connectionId,
          providerRevocation,
          reason,
        },
        { waitFor: [READ_MODEL.connections, READ_MODEL.credentials, READ_MODEL.webhookEndpoints] },
      );
    };
    const leased = await withLease(
      deps.leases,
      refreshLeaseName(tenantId, connectionId),
      { ttlMs: 30_000, waitMs: 10_000 },
      revokeNow,
    );
    // A refresh stuck elsewhere must not keep a connection from being disconnected.
    if (!leased.acquired) await revokeNow();
  }
  // Outside the check above: revoking again also repairs a release lost after the revocation.
  await releaseProviderAccount(deps, caller, row);
  const revoked = await deps.prisma.connection.findFirstOrThrow({ where: { id: connectionId, tenantId } });
  return {
    connection: revoked,
    status: 'REVOKED',
    revokedAt: revoked.revokedAt ?? deps.now(),
    providerRevocation: {
      status: (revoked.providerRevocationStatus ?? 'UNSUPPORTED') as ProviderRevocation['status'],
      detail: revoked.providerRevocationDetail ?? '',
    },
  };
}

async function revokeAtProvider(deps: ConnectionDeps, connection: Connection): Promise<ProviderRevocation> {
  const row = await deps.prisma.credential.findFirst({
    where: { connectionId: connection.id, tenantId: connection.tenantId },
  });
  const sealed = fromSealedJson(row?.secret);
  if (!sealed)
    return { status: 'UNSUPPORTED', detail: 'Switchboard holds no provider credentials for this connection' };
  try {
    const credentials = await openCredentials(deps.vault, connection.tenantId, connection.id, sealed);
    if (credentials.kind === 'api_key' || credentials.kind === 'basic') {
      return {
        status: 'UNSUPPORTED',
        detail: 'API keys and passwords are revoked by their owner at the provider',
      };
    }
    const manifest = deps.catalog.require(connection.provider);
    const scope = connection.integration as IntegrationScope | null;
    const integration = await integrationFor(deps, connection.tenantId, manifest, scope);
    const result = await revokeToken({
      manifest,
      client: await oauthClient(deps, integration.row),
      token: { accessToken: credentials.accessToken, refreshToken: credentials.refreshToken },
      timeoutMs: deps.providerTimeoutMs,
    });
    return { status: result.status, detail: result.detail };
  } catch (error) {
    // Unreadable credentials (keys destroyed), a missing app or provider: the credentials go anyway.
    deps.logger.warn(
      { err: error, connectionId: connection.id },
      'provider revocation could not be attempted',
    );
    return { status: 'FAILED', detail: 'The provider revocation could not be attempted' };
  }
}
