import type { ConnectionEvent } from '../../events/connection.js';
import type { Prisma, WebhookEndpoint } from '../../generated/prisma/client.js';
import { READ_MODEL } from '../names.js';
import { pgJson } from './pg-text.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the webhook endpoints read model; the shape Prisma returns for `prisma.webhookEndpoint`. */
export type WebhookEndpointRow = WebhookEndpoint;

const HANDLED = ['WebhookConnectionCreated', 'WebhookSecretConfigured', 'ConnectionRevoked'] as const;
type WebhookEndpointEvent = Extract<ConnectionEvent, { type: (typeof HANDLED)[number] }>;

/**
 * Connections that accept webhook deliveries, with their sealed signing secret: a webhook-only
 * connection from creation, any connection once a secret is configured. Revoking the connection
 * removes the row, so the gateway stops accepting its deliveries.
 */
export function evolveWebhookEndpoint(
  row: WebhookEndpointRow | null,
  event: WebhookEndpointEvent,
): WebhookEndpointRow | null {
  if (row && event.position <= row.position) return row;
  const stamp = { version: event.revision, position: event.position };
  switch (event.type) {
    case 'WebhookConnectionCreated': {
      const at = new Date(event.data.createdAt);
      return {
        connectionId: event.data.connectionId,
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        secret: null,
        createdAt: at,
        updatedAt: at,
        ...stamp,
      };
    }
    case 'WebhookSecretConfigured': {
      const at = new Date(event.data.configuredAt);
      return {
        connectionId: event.data.connectionId,
        tenantId: event.data.tenantId,
        provider: event.data.provider,
        secret: event.data.secret as unknown as Prisma.JsonValue,
        createdAt: row?.createdAt ?? at,
        updatedAt: at,
        ...stamp,
      };
    }
    case 'ConnectionRevoked':
      return null;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const webhookEndpointsProjection = defineRowProjection<WebhookEndpointRow, WebhookEndpointEvent>({
  name: READ_MODEL.webhookEndpoints,
  eventTypes: HANDLED,
  table: { name: 'webhook_endpoints' },
  keyOf: (event) => event.data.connectionId,
  evolve: evolveWebhookEndpoint,
  async load(tx, ids) {
    const rows = await tx.webhookEndpoint.findMany({ where: { connectionId: { in: [...ids] } } });
    return new Map(rows.map((row) => [row.connectionId, row]));
  },
  async save(tx, { upserts, deletes }) {
    await upsertRows(
      tx,
      {
        table: 'webhook_endpoints',
        key: ['connection_id'],
        columns: {
          connection_id: (w) => w.connectionId,
          tenant_id: (w) => w.tenantId,
          provider: (w) => w.provider,
          secret: (w) => (w.secret === null ? null : pgJson(w.secret)),
          created_at: (w) => w.createdAt,
          updated_at: (w) => w.updatedAt,
          version: (w) => w.version,
          position: (w) => w.position,
        },
      },
      upserts,
    );
    if (deletes.length > 0)
      await tx.webhookEndpoint.deleteMany({ where: { connectionId: { in: [...deletes] } } });
  },
});
