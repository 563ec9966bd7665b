import { describe, expect, it } from 'vitest';
import {
  AuthenticationRequiredError,
  ForbiddenError,
  InvalidTenantIdError,
  MissingPermissionError,
  TenantHeaderRequiredError,
  TenantMismatchError,
  TenantScopeRequiredError,
} from '../../src/auth/errors.js';
import {
  ALL_PERMISSIONS,
  type JwtPrincipal,
  type OperatorPrincipal,
  type Permission,
} from '../../src/auth/principal.js';
import { requirePermission, resolveTenant } from '../../src/auth/tenancy.js';

const operator: OperatorPrincipal = { kind: 'operator', id: '0a1b2c3d', permissions: ALL_PERMISSIONS };

function jwt(tenantId: string | null, permissions: Permission[] = []): JwtPrincipal {
  return {
    kind: 'jwt',
    subject: 'client-1',
    permissions: new Set(permissions),
    tenantId,
    expiresAt: new Date(Date.now() + 60_000),
  };
}

describe('resolveTenant', () => {
  it('returns the requested tenant for an operator and for a token not bound to a tenant that has tenants:all', () => {
    expect(resolveTenant(operator, 'acme')).toBe('acme');
    expect(resolveTenant(jwt(null, ['tenants:all']), 'acme')).toBe('acme');
    expect(resolveTenant(jwt(null, ['tenants:all']), 'globex')).toBe('globex');
  });

  it('refuses a token bound to no tenant and without tenants:all: FORBIDDEN naming the scope', () => {
    // An identity provider that leaves the tenant claim out must not hand out every tenant.
    for (const permissions of [[], ['connections:read', 'tenants:admin']] as Permission[][]) {
      const error = catchError(() => resolveTenant(jwt(null, permissions), 'acme'));
      expect(error).toBeInstanceOf(TenantScopeRequiredError);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, expose: true });
      expect(error.message).toContain('tenants:all');
    }
  });

  it('gives tenants:all no power over the tenant claim: a bound token stays bound', () => {
    const error = catchError(() => resolveTenant(jwt('acme', ['tenants:all']), 'globex'));
    expect(error).toBeInstanceOf(TenantMismatchError);
  });

  it('accepts a tenant-bound token for its own tenant', () => {
    expect(resolveTenant(jwt('acme'), 'acme')).toBe('acme');
  });

  it('refuses a tenant-bound token for another tenant: FORBIDDEN', () => {
    const error = catchError(() => resolveTenant(jwt('acme'), 'globex'));
    expect(error).toBeInstanceOf(TenantMismatchError);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, expose: true });
    // The client is told no more than that; the logs get both ids.
    expect(error.message).not.toContain('acme');
    expect(error).toMatchObject({ detail: { requestedTenantId: 'globex', tokenTenantId: 'acme' } });
  });

  it('needs the header even when the token names a tenant: TENANT_HEADER_REQUIRED', () => {
    for (const missing of [undefined, '']) {
      const error = catchError(() => resolveTenant(jwt('acme'), missing));
      expect(error).toBeInstanceOf(TenantHeaderRequiredError);
      expect(error).toMatchObject({ code: 'TENANT_HEADER_REQUIRED', status: 400 });
      expect(error.message).toContain('X-Tenant-Id');
    }
  });

  it('rejects a malformed tenant id: BAD_USER_INPUT', () => {
    for (const bad of ['ACME', 'acme.evil', 'acme, globex', '-acme', 'a'.repeat(64), 'acme\n']) {
      const error = catchError(() => resolveTenant(operator, bad));
      expect(error).toBeInstanceOf(InvalidTenantIdError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 400 });
    }
  });

  it('needs a caller: anonymous requests get UNAUTHENTICATED before any tenant check', () => {
    const error = catchError(() => resolveTenant(null, undefined));
    expect(error).toBeInstanceOf(AuthenticationRequiredError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('requirePermission', () => {
  it('lets operators do anything', () => {
    for (const permission of ALL_PERMISSIONS)
      expect(() => requirePermission(operator, permission)).not.toThrow();
  });

  it('lets a token do what its scopes grant and nothing else, naming what is missing', () => {
    const reader = jwt(null, ['connections:read']);
    expect(() => requirePermission(reader, 'connections:read')).not.toThrow();
    const error = catchError(() => requirePermission(reader, 'connections:write'));
    expect(error).toBeInstanceOf(MissingPermissionError);
    expect(error).toMatchObject({ code: 'FORBIDDEN', status: 403, permission: 'connections:write' });
    expect(error.message).toContain('connections:write');
  });

  it('answers UNAUTHENTICATED, not FORBIDDEN, to anonymous callers', () => {
    const error = catchError(() => requirePermission(null, 'audit:read'));
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

function catchError(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected an error');
}
