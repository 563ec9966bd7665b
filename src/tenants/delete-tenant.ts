import { type Caller, type ConnectionDeps, execute } from '../commands/deps.js';
import { ConnectionStatus } from '../domain/statuses.js';
import { tenantDecider } from '../domain/tenant.js';
import { tenantStreamPrefixes } from '../events/streams.js';
import { tenantStream } from '../events/tenant.js';
import { StreamDeletedError } from '../eventstore/errors.js';
import { READ_MODEL } from '../projections/names.js';
import { NotFoundError } from '../shared/errors.js';

export interface TenantDeletion {
  tenantId: string;
  deletedAt: Date;
  connectionsRevoked: number;
  keysDestroyed: number;
  streamsTombstoned: number;
}

/**
 * Deletes a tenant for good: every live connection is revoked at its provider (while its tokens can
 * still be read), then the tenant's data keys are destroyed (crypto-shredding: every ciphertext of
 * the tenant in the log and the read models becomes unreadable), TenantDeleted is recorded, and the
 * tenant's streams are tombstoned so nothing can be appended to them again. The log keeps their
 * events (replays stay exact), now without any readable secret.
 */
export async function deleteTenant(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  /** Revokes one live connection at its provider (connections/revoke.ts), before the keys go. */
  revokeConnection: (connectionId: string) => Promise<unknown>,
): Promise<TenantDeletion> {
  const tenant = await deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
  if (!tenant || tenant.status === 'DELETED') {
    throw new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
  }
  const live = await deps.prisma.connection.findMany({
    where: { tenantId, status: { in: [ConnectionStatus.ACTIVE, ConnectionStatus.REAUTH_REQUIRED] } },
    select: { id: true },
  });
  for (const { id } of live) await revokeConnection(id);

  const { destroyed } = await deps.vault.destroyTenantKeys(tenantId);
  await execute(
    deps,
    caller,
    { tenantId, stream: tenantStream(tenantId) },
    tenantDecider,
    { type: 'DeleteTenant', tenantId, reason: null },
    { waitFor: [READ_MODEL.tenants] },
  );
  const streamsTombstoned = await tombstoneTenantStreams(deps, tenantId);
  const row = await deps.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } });
  return {
    tenantId,
    deletedAt: row.deletedAt ?? deps.now(),
    connectionsRevoked: live.length,
    keysDestroyed: destroyed,
    streamsTombstoned,
  };
}

/** Every stream named `<category>-<tenantId>.…` that has events; the event store port has no stream listing. */
async function tombstoneTenantStreams(deps: ConnectionDeps, tenantId: string): Promise<number> {
  const streams = new Set<string>();
  for await (const event of deps.eventStore.readAll({
    filter: { streamPrefixes: tenantStreamPrefixes(tenantId) },
  })) {
    streams.add(event.stream);
  }
  let tombstoned = 0;
  for (const stream of streams) {
    try {
      await deps.eventStore.tombstone(stream);
      tombstoned++;
    } catch (error) {
      if (!(error instanceof StreamDeletedError)) throw error;
    }
  }
  return tombstoned;
}
