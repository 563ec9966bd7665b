import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { tenantIdSchema } from '../events/streams.js';
import { AuthenticationError } from './errors.js';
import type { JwtPrincipal } from './principal.js';
import { permissionsFromClaims } from './scope-permissions.js';

/**
 * What a verified JWT (signature, iss, aud, exp/nbf already checked by jose) must also say to be
 * an access token for us, and how its claims become a principal.
 */

/**
 * RFC 9068 access tokens carry `typ: at+jwt`; many issuers (Entra ID, Keycloak, Auth0) send `JWT`.
 * Both are accepted. Anything else, including no `typ`, is refused so that other JWTs signed by
 * the same keys (logout tokens, signed request objects, ...) are not mistaken for access tokens.
 */
export function isAccessTokenType(typ: unknown): boolean {
  if (typeof typ !== 'string') return false;
  const normalized = typ.toLowerCase().replace(/^application\//, '');
  return normalized === 'at+jwt' || normalized === 'jwt';
}

export function principalFromAccessToken(
  header: ProtectedHeaderParameters,
  payload: JWTPayload,
): JwtPrincipal {
  if (!isAccessTokenType(header.typ)) {
    throw new AuthenticationError('invalid_claims', { check: 'typ', typ: String(header.typ ?? '(none)') });
  }
  if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
    throw new AuthenticationError('invalid_claims', { check: 'sub/exp' });
  }
  const principal: JwtPrincipal = {
    kind: 'jwt',
    subject: payload.sub,
    permissions: permissionsFromClaims(payload),
    tenantId: tenantClaim(payload['tenant_id']),
    expiresAt: new Date(payload.exp * 1000),
  };
  const clientId = stringClaim(payload['client_id']) ?? stringClaim(payload['azp']);
  if (clientId !== undefined) principal.clientId = clientId;
  return principal;
}

/**
 * A tenant claim that is present but unusable rejects the token: reading it as "no tenant" would
 * turn a token meant for one tenant into one that may ask for any.
 */
function tenantClaim(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !tenantIdSchema.safeParse(value).success) {
    throw new AuthenticationError('invalid_claims', { check: 'tenant_id' });
  }
  return value;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
