import { ForbiddenError, UnauthenticatedError } from '../auth/errors.js';
import type { Permission } from '../auth/principal.js';
import type { GraphQLContext } from './context.js';

/**
 * Scope initializer for @pothos/plugin-scope-auth. Operators hold every permission; a JWT holds
 * the permissions its `scope` claim maps to.
 */
export function authScopes(context: GraphQLContext) {
  const principal = context.principal;
  return {
    public: true,
    authenticated: principal !== null,
    operator: principal?.kind === 'operator',
    permission: (permission: Permission) =>
      principal !== null && (principal.kind === 'operator' || principal.permissions.has(permission)),
  };
}

/** Anonymous callers get UNAUTHENTICATED; authenticated ones get FORBIDDEN naming what they lack. */
export function unauthorizedError(
  _parent: unknown,
  context: GraphQLContext,
  _info: unknown,
  result: { message: string },
) {
  if (context.principal === null) return new UnauthenticatedError('Authentication required');
  return new ForbiddenError(result.message);
}
