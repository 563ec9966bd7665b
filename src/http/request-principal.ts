import type { FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';

const principals = new WeakMap<FastifyRequest, Promise<Principal | null>>();

/**
 * The request's principal, authenticated once however many hooks ask (the rate limit's onRequest
 * hook, then the GraphQL context): the same Authorization header gets the same answer, and the
 * second ask costs nothing. A refused credential is the same rejection for every asker.
 */
export function authenticateRequest(
  authenticator: Authenticator,
  request: FastifyRequest,
): Promise<Principal | null> {
  let principal = principals.get(request);
  if (principal === undefined) {
    const value = request.headers.authorization;
    principal = authenticator.authenticate(Array.isArray(value) ? value[0] : value);
    principals.set(request, principal);
  }
  return principal;
}
