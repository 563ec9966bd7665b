/**
 * Published after the tenants read model commits a change to some tenants (registered, renamed,
 * redirect allowlist configured, deleted): every instance's tenant directory drops their rows
 * (tenants/tenant-notices.ts), so a rename or a deletion is seen by every instance at once.
 */
export const TENANTS_CHANGED_TOPIC = 'tenants:changed';

export interface TenantsChanged {
  tenantIds: string[];
}
