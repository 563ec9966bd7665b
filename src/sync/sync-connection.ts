import type { SyncConnection } from '../connectors/sdk/sync.js';
import { connectionNotFound } from '../domain/connection.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/**
 * What a connector may know of the connection it syncs: ids and URL values, never credentials. The
 * provider account id doubles as `{accountId}` for URL templates (a Jira cloud id, a QuickBooks realm).
 */
export async function connectionForSync(
  deps: Pick<SyncDeps, 'prisma'>,
  target: SyncTarget,
): Promise<SyncConnection> {
  const row = await deps.prisma.connection.findFirst({
    where: { id: target.connectionId, tenantId: target.tenantId },
    select: { id: true, accountId: true },
  });
  if (!row) throw connectionNotFound(target.connectionId);
  return { id: row.id, accountId: row.accountId, values: row.accountId ? { accountId: row.accountId } : {} };
}
