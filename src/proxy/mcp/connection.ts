import { connectionNotFound } from '../../domain/connection.js';
import type { ActionDeps } from '../actions/index.js';

/** The connection an MCP endpoint serves. */
export interface McpConnection {
  id: string;
  provider: string;
}

/**
 * The tenant's connection, or CONNECTION_NOT_FOUND (404) before any MCP message is read: another
 * tenant's connection is as absent as one that never existed.
 */
export async function findMcpConnection(
  prisma: ActionDeps['prisma'],
  tenantId: string,
  connectionId: string,
): Promise<McpConnection> {
  const row = await prisma.connection.findFirst({
    where: { id: connectionId, tenantId },
    select: { id: true, provider: true },
  });
  if (!row) throw connectionNotFound(connectionId);
  return row;
}
