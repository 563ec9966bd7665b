import { connectionNotFound } from '../domain/connection.js';
import { type ResolvedResourceSync, resolveResourceSync } from './resource-syncs.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/**
 * A sync the caller may name: the connection is the tenant's own and its provider declares the
 * resource. Another tenant's connection is CONNECTION_NOT_FOUND, exactly as one that does not exist,
 * so no answer tells a tenant what another holds.
 */
export async function requireSyncTarget(
  deps: Pick<SyncDeps, 'prisma' | 'catalog'>,
  target: SyncTarget,
): Promise<ResolvedResourceSync & { provider: string }> {
  const connection = await deps.prisma.connection.findFirst({
    where: { id: target.connectionId, tenantId: target.tenantId },
    select: { provider: true },
  });
  if (!connection) throw connectionNotFound(target.connectionId);
  return {
    provider: connection.provider,
    ...resolveResourceSync(deps.catalog, connection.provider, target.resource),
  };
}
