import { tenantIdSchema } from '../events/streams.js';
import {
  AuthenticationRequiredError,
  InvalidTenantIdError,
  MissingPermissionError,
  TenantHeaderRequiredError,
  TenantMismatchError,
  TenantScopeRequiredError,
} from './errors.js';
import type { Permission, Principal } from './principal.js';

/**
 * The tenant a tenant-scoped operation acts on: always the one the caller names (X-Tenant-Id, or
 * connectionParams.tenantId over websockets), never guessed from the token, so a request's target
 * is visible in the request itself. A token bound to a tenant (tenant_id claim) may only name that
 * tenant; a token bound to none needs `tenants:all`. Whether the tenant exists is checked against the
 * read model by the caller.
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
  assertMayActOn(principal, requestedTenantId);
  return requestedTenantId;
}

/**
 * May this caller act on this (well-formed) tenant? Operators may act on every tenant; a JWT on the
 * tenant of its tenant_id claim, or on any with `tenants:all` when it has no such claim.
 */
export function assertMayActOn(principal: Principal, tenantId: string): void {
  if (principal.kind !== 'jwt') return;
  if (principal.tenantId !== null) {
    if (principal.tenantId !== tenantId) {
      throw new TenantMismatchError({ requestedTenantId: tenantId, tokenTenantId: principal.tenantId });
    }
    return;
  }
  if (!principal.permissions.has('tenants:all')) {
    throw new TenantScopeRequiredError({ requestedTenantId: tenantId });
  }
}

/** For what spans tenants (the tenant list, global apps): operators, and JWTs with `tenants:all` and no tenant claim. */
export function mayActOnEveryTenant(principal: Principal | null): boolean {
  if (principal === null) return false;
  if (principal.kind !== 'jwt') return true;
  return principal.tenantId === null && principal.permissions.has('tenants:all');
}

/** Anonymous → UNAUTHENTICATED; authenticated without the permission → FORBIDDEN naming it. */
export function requirePermission(principal: Principal | null, permission: Permission): void {
  if (principal === null) throw new AuthenticationRequiredError({ permission });
  // Operators hold every permission (their set is complete), so one check covers both kinds.
  if (!principal.permissions.has(permission)) {
    throw new MissingPermissionError(permission, { principal: principal.kind });
  }
}
