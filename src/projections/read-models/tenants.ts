import { TenantStatus } from '../../domain/statuses.js';
import {
  TenantDeleted,
  type TenantEvent,
  TenantRedirectAllowlistConfigured,
  TenantRegistered,
  TenantRenamed,
} from '../../events/tenant.js';
import type { Tenant } from '../../generated/prisma/client.js';
import { ProjectionEventError } from '../errors.js';
import { READ_MODEL } from '../names.js';
import { defineRowProjection } from './row-projection.js';
import { upsertRows } from './sql-rows.js';

/** A row of the tenants read model; the same shape Prisma returns for `prisma.tenant`. */
export type TenantRow = Tenant;

/**
 * Tenants fold from their `tenant-<id>.profile` stream. A deleted tenant keeps its row (status
 * DELETED, deletedAt set): audits and "this tenant was deleted" answers need it. Every timestamp
 * comes from the events, so a rebuild gives byte-identical rows.
 */
export function evolveTenant(row: TenantRow | null, event: TenantEvent): TenantRow | null {
  // Already folded into this row (a replay over rows that survived): applying twice changes nothing.
  if (row && event.position <= row.position) return row;
  const stamp = { version: event.revision, position: event.position };
  switch (event.type) {
    case 'TenantRegistered': {
      if (row) throw new ProjectionEventError(event, `Tenant ${event.data.tenantId} is registered twice`);
      const at = new Date(event.data.registeredAt);
      return {
        id: event.data.tenantId,
        name: event.data.name,
        status: TenantStatus.ACTIVE,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
        redirectAllowlist: [],
        ...stamp,
      };
    }
    case 'TenantRenamed':
      if (!row)
        throw new ProjectionEventError(event, `TenantRenamed for unknown tenant ${event.data.tenantId}`);
      return { ...row, name: event.data.name, updatedAt: new Date(event.data.renamedAt), ...stamp };
    case 'TenantRedirectAllowlistConfigured':
      if (!row)
        throw new ProjectionEventError(
          event,
          `TenantRedirectAllowlistConfigured for unknown tenant ${event.data.tenantId}`,
        );
      return {
        ...row,
        redirectAllowlist: event.data.redirectUris,
        updatedAt: new Date(event.data.configuredAt),
        ...stamp,
      };
    case 'TenantDeleted': {
      if (!row)
        throw new ProjectionEventError(event, `TenantDeleted for unknown tenant ${event.data.tenantId}`);
      const at = new Date(event.data.deletedAt);
      return { ...row, status: TenantStatus.DELETED, deletedAt: at, updatedAt: at, ...stamp };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export const tenantsProjection = defineRowProjection<TenantRow, TenantEvent>({
  name: READ_MODEL.tenants,
  eventTypes: [
    TenantRegistered.type,
    TenantRenamed.type,
    TenantRedirectAllowlistConfigured.type,
    TenantDeleted.type,
  ],
  table: { name: 'tenants' },
  keyOf: (event) => event.data.tenantId,
  evolve: evolveTenant,
  async load(tx, ids) {
    const rows = await tx.tenant.findMany({ where: { id: { in: [...ids] } } });
    return new Map(rows.map((row) => [row.id, row]));
  },
  async save(tx, { upserts, deletes }) {
    await upsertRows(
      tx,
      {
        table: 'tenants',
        key: ['id'],
        columns: {
          id: (t) => t.id,
          name: (t) => t.name,
          status: (t) => t.status,
          created_at: (t) => t.createdAt,
          updated_at: (t) => t.updatedAt,
          deleted_at: (t) => t.deletedAt,
          redirect_allowlist: (t) => t.redirectAllowlist,
          version: (t) => t.version,
          position: (t) => t.position,
        },
      },
      upserts,
    );
    if (deletes.length > 0) await tx.tenant.deleteMany({ where: { id: { in: [...deletes] } } });
  },
});
