import type { ConnectionDeps } from '../../commands/deps.js';
import { connectionNotFound } from '../../domain/connection.js';
import type { Credential } from '../../generated/prisma/client.js';
import { BadUserInputError } from '../../shared/errors.js';
import { fromSealedJson } from '../../vault/sealed-json.js';
import { openCredentials, type StoredCredentials } from '../credentials/credentials-codec.js';
import { ConnectionNotUsableError, ReauthRequiredError } from '../errors.js';
import { isFresh } from './freshness.js';
import type { TokenRefresher } from './refresh.js';

/** Credentials ready for one provider call (the proxy's input). Never leaves the process. */
export interface CheckedOutCredentials {
  connectionId: string;
  provider: string;
  credentials: StoredCredentials;
  expiresAt: Date | null;
}

export interface AccessToken {
  connectionId: string;
  provider: string;
  accessToken: string;
  tokenType: string;
  expiresAt: Date | null;
}

/**
 * Token checkout: the credentials read model (one primary-key read, filtered by tenant) → decrypt
 * (one AES-GCM open with the tenant's cached data key) → freshness. A token within its skew of
 * expiry is refreshed first, single-flight: concurrent checkouts share one refresh.
 */
export async function credentialsFor(
  deps: ConnectionDeps,
  refresher: TokenRefresher,
  tenantId: string,
  connectionId: string,
): Promise<CheckedOutCredentials> {
  // findUnique (by primary key, tenant as an extra filter): Prisma batches concurrent ones into one query.
  const row = await deps.prisma.credential.findUnique({ where: { connectionId, tenantId } });
  if (!row) return explainMissing(deps, tenantId, connectionId);
  if (row.status === 'REAUTH_REQUIRED') throw new ReauthRequiredError(connectionId);
  const credentials = await open(deps, row);
  const base = { connectionId, provider: row.provider };
  if (credentials.kind === 'api_key' || credentials.kind === 'basic') {
    return { ...base, credentials, expiresAt: null };
  }
  if (isFresh(row.issuedAt, row.expiresAt, deps.now()))
    return { ...base, credentials, expiresAt: row.expiresAt };
  const refreshed = await refresher.refresh({ tenantId, connectionId, trigger: 'expired' });
  return { ...base, credentials: refreshed.credentials, expiresAt: refreshed.expiresAt };
}

/** The access token of an OAuth connection (oauth2 or oauth2_cc), fresh. */
export async function accessTokenFor(
  deps: ConnectionDeps,
  refresher: TokenRefresher,
  tenantId: string,
  connectionId: string,
): Promise<AccessToken> {
  const checkedOut = await credentialsFor(deps, refresher, tenantId, connectionId);
  return toAccessToken(checkedOut);
}

/**
 * For the proxy after the provider answered 401 with `rejectedAccessToken`: a new token, refreshed
 * once however many requests saw the 401; when someone already replaced that token, the current one.
 */
export async function refreshAfterUnauthorized(
  refresher: TokenRefresher,
  tenantId: string,
  connectionId: string,
  rejectedAccessToken: string,
): Promise<AccessToken> {
  const refreshed = await refresher.refresh({
    tenantId,
    connectionId,
    trigger: 'unauthorized',
    rejectedAccessToken,
  });
  return toAccessToken({
    connectionId,
    provider: refreshed.provider,
    credentials: refreshed.credentials,
    expiresAt: refreshed.expiresAt,
  });
}

function toAccessToken(checkedOut: CheckedOutCredentials): AccessToken {
  const { credentials } = checkedOut;
  if (credentials.kind === 'api_key' || credentials.kind === 'basic') {
    throw new BadUserInputError(
      `Connection ${checkedOut.connectionId} uses ${credentials.kind}, not an access token`,
    );
  }
  return {
    connectionId: checkedOut.connectionId,
    provider: checkedOut.provider,
    accessToken: credentials.accessToken,
    tokenType: credentials.tokenType,
    expiresAt: checkedOut.expiresAt,
  };
}

async function open(deps: ConnectionDeps, row: Credential): Promise<StoredCredentials> {
  const sealed = fromSealedJson(row.secret);
  if (!sealed) throw new ConnectionNotUsableError(row.connectionId, 'without readable credentials');
  return openCredentials(deps.vault, row.tenantId, row.connectionId, sealed);
}

async function explainMissing(deps: ConnectionDeps, tenantId: string, connectionId: string): Promise<never> {
  const connection = await deps.prisma.connection.findFirst({
    where: { id: connectionId, tenantId },
    select: { status: true },
  });
  if (!connection) throw connectionNotFound(connectionId);
  if (connection.status === 'REAUTH_REQUIRED') throw new ReauthRequiredError(connectionId);
  throw new ConnectionNotUsableError(connectionId, connection.status);
}
