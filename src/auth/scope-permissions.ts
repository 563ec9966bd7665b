import { isPermission, type Permission } from './principal.js';

/**
 * OAuth scopes → Switchboard permissions. Scopes are named after the permissions they grant
 * (`connections:read`); anything else in the token (`openid`, another API's scopes) is ignored,
 * so one token can serve several resource servers.
 *
 * Issuers disagree on the claim: RFC 9068 and RFC 8693 say `scope` (a space-separated string),
 * Okta sends `scp` as an array, Entra ID sends `scp` as a string. All of them are read.
 */
export function permissionsFromClaims(claims: Record<string, unknown>): Set<Permission> {
  const permissions = new Set<Permission>();
  for (const scope of [...scopeList(claims['scope']), ...scopeList(claims['scp'])]) {
    if (isPermission(scope)) permissions.add(scope);
  }
  return permissions;
}

function scopeList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}
