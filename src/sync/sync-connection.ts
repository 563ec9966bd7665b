import type { SyncConnection } from '../connectors/sdk/sync.js';
import { connectionNotFound } from '../domain/connection.js';
import type { SyncDeps, SyncTarget } from './sync-deps.js';

/**
 * What a connector may know of the connection it syncs: ids and URL values, never credentials. The
 * values are those the install kept (QuickBooks' `{realmId}`, Jira's `{cloudId}` and `siteUrl`),
 * and the provider account id doubles as `{accountId}`.
 */
export async function connectionForSync(
  deps: Pick<SyncDeps, 'prisma'>,
  target: SyncTarget,
): Promise<SyncConnection> {
  const row = await deps.prisma.connection.findFirst({
    where: { id: target.connectionId, tenantId: target.tenantId },
    select: { id: true, accountId: true, values: true },
  });
  if (!row) throw connectionNotFound(target.connectionId);
  return { id: row.id, accountId: row.accountId, values: connectionUrlValues(row) };
}

/**
 * A connection row's values for `{placeholders}` in API URLs (syncs, the proxy, actions): those the
 * install kept, and the provider account id as `{accountId}`.
 */
export function connectionUrlValues(row: {
  accountId: string | null;
  values: unknown;
}): Record<string, string> {
  // The projection writes only ConnectionInstalled's string record here.
  const values: Record<string, string> = { ...(row.values as Record<string, string>) };
  if (row.accountId) values['accountId'] = row.accountId;
  return values;
}
