/**
 * Who is calling. Resolvers see only this, never a token: an operator (a shared secret from the
 * configuration) or the holder of a JWT access token from the OIDC issuer.
 */

export const PERMISSIONS = [
  'tenants:admin',
  'connections:read',
  'connections:write',
  'signals:read',
  'proxy:invoke',
  'audit:read',
  /** Lets a JWT without a tenant claim act on any tenant; without it such a token may act on none. */
  'tenants:all',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** Operators run Switchboard: every permission, every tenant. */
export interface OperatorPrincipal {
  kind: 'operator';
  /** A short, non-secret fingerprint of the token (first 8 hex of its sha256): which one was used, for audit. */
  id: string;
  permissions: ReadonlySet<Permission>;
}

export interface JwtPrincipal {
  kind: 'jwt';
  /** `sub`: for client_credentials tokens this is usually the client id. */
  subject: string;
  /** `client_id` (RFC 9068) or `azp`. */
  clientId?: string;
  permissions: ReadonlySet<Permission>;
  /**
   * From the optional `tenant_id` claim. Null means the token is not bound to one tenant: it may then
   * act on tenants only with the `tenants:all` permission.
   */
  tenantId: string | null;
  expiresAt: Date;
}

export type Principal = OperatorPrincipal | JwtPrincipal;

export const ALL_PERMISSIONS: ReadonlySet<Permission> = new Set(PERMISSIONS);

export function hasPermission(principal: Principal | null, permission: Permission): boolean {
  return principal?.permissions.has(permission) === true;
}
