import { tenantIdSchema } from '../events/streams.js';
import {
  AuthenticationRequiredError,
  InvalidTenantIdError,
  MissingPermissionError,
  TenantHeaderRequiredError,
  TenantMismatchError,
} from './errors.js';
import type { Permission, Principal } from './principal.js';

/**
 * The tenant a tenant-scoped operation acts on: always the one the caller names (X-Tenant-Id, or
 * connectionParams.tenantId over websockets), never guessed from the token, so a request's target
 * is visible in the request itself. A token bound to a tenant (tenant_id claim) may only name that
 * tenant. Whether the tenant exists is checked against the read model by the caller.
 *
 * Checks run from the most to the least fundamental: who, which tenant, is it well-formed, may you.
 */
export function resolveTenant(principal: Principal | null, requestedTenantId: string | undefined): string {
  if (principal === null) throw new AuthenticationRequiredError();
  if (requestedTenantId === undefined || requestedTenantId === '') throw new TenantHeaderRequiredError();
  const parsed = tenantIdSchema.safeParse(requestedTenantId);
  if (!parsed.success) {
    throw new InvalidTenantIdError(requestedTenantId, parsed.error.issues[0]?.message ?? 'invalid tenant id');
  }
  if (principal.kind === 'jwt' && principal.tenantId !== null && principal.tenantId !== requestedTenantId) {
    throw new TenantMismatchError({ requestedTenantId, tokenTenantId: principal.tenantId });
  }
  return requestedTenantId;
}

/** Anonymous → UNAUTHENTICATED; authenticated without the permission → FORBIDDEN naming it. */
export function requirePermission(principal: Principal | null, permission: Permission): void {
  if (principal === null) throw new AuthenticationRequiredError({ permission });
  // Operators hold every permission (their set is complete), so one check covers both kinds.
  if (!principal.permissions.has(permission)) {
    throw new MissingPermissionError(permission, { principal: principal.kind });
  }
}
