import { integrationKey } from '../../domain/integration.js';
import { IntegrationConfigured, type IntegrationEvent } from '../../events/integration.js';
import type { Integration, Prisma } from '../../generated/prisma/client.js';
import { READ_MODEL } from '../names.js';
import { pgJson } from './pg-text.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the integrations read model; the shape Prisma returns for `prisma.integration`. */
export type IntegrationRow = Integration;

/** OAuth apps per (scope, provider); the client secret stays sealed. */
export function evolveIntegration(
  row: IntegrationRow | null,
  event: IntegrationEvent,
): IntegrationRow | null {
  if (row && event.position <= row.position) return row;
  const at = new Date(event.data.configuredAt);
  return {
    id: integrationKey(event.data.scope, event.data.provider),
    scope: event.data.scope,
    provider: event.data.provider,
    clientId: event.data.clientId,
    clientSecret: event.data.clientSecret as unknown as Prisma.JsonValue,
    defaultScopes: event.data.defaultScopes,
    createdAt: row?.createdAt ?? at,
    updatedAt: at,
    version: event.revision,
    position: event.position,
  };
}

export const integrationsProjection = defineRowProjection<IntegrationRow, IntegrationEvent>({
  name: READ_MODEL.integrations,
  eventTypes: [IntegrationConfigured.type],
  table: { name: 'integrations' },
  keyOf: (event) => integrationKey(event.data.scope, event.data.provider),
  evolve: evolveIntegration,
  async load(tx, ids) {
    const rows = await tx.integration.findMany({ where: { id: { in: [...ids] } } });
    return new Map(rows.map((row) => [row.id, row]));
  },
  async save(tx, { upserts, deletes }) {
    await upsertRows(
      tx,
      {
        table: 'integrations',
        key: ['id'],
        columns: {
          id: (i) => i.id,
          scope: (i) => i.scope,
          provider: (i) => i.provider,
          client_id: (i) => i.clientId,
          client_secret: (i) => (i.clientSecret === null ? null : pgJson(i.clientSecret)),
          default_scopes: (i) => i.defaultScopes,
          created_at: (i) => i.createdAt,
          updated_at: (i) => i.updatedAt,
          version: (i) => i.version,
          position: (i) => i.position,
        },
      },
      upserts,
    );
    if (deletes.length > 0) await tx.integration.deleteMany({ where: { id: { in: [...deletes] } } });
  },
});
