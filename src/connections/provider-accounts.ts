import { type Caller, type ConnectionDeps, execute } from '../commands/deps.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { type ProviderAccountCommand, providerAccountDecider } from '../domain/provider-account.js';
import { AccountClaimState, ConnectionStatus } from '../domain/statuses.js';
import { providerAccountStream } from '../events/provider-account.js';
import type { Connection, ProviderAccountClaim } from '../generated/prisma/client.js';
import type { ProviderAccount } from '../oauth/index.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError, ConflictError, NotFoundError } from '../shared/errors.js';
import { verifyAccount } from './install/account-verification.js';

const LIVE: readonly string[] = [ConnectionStatus.ACTIVE, ConnectionStatus.REAUTH_REQUIRED];

/** Routing ids Switchboard creates itself at the provider (a Graph subscription, a Google channel) name no account. */
const CREATED_BY_US = new Set(['subscription', 'channel']);

/** Whether the provider's app-level webhooks name a provider account, so a connection must hold it to get them. */
export function routesByAccount(manifest: ProviderManifest): boolean {
  const routing = manifest.webhooks?.routing;
  return routing !== undefined && !CREATED_BY_US.has(routing.idKind);
}

export interface AccountClaim {
  tenantId: string;
  connectionId: string;
  manifest: ProviderManifest;
  account: ProviderAccount;
  /** The grant's new access token, for the manifest's account verification call. */
  accessToken: string;
}

/**
 * After an OAuth install: binds the connection's provider account when the provider vouched for
 * it (the token response, a validated ID token, the manifest's account discovery, or its account verification answering
 * for an id that came through the browser), and records an unverified claim otherwise. The
 * account's decider refuses a proven claim on an account another tenant holds.
 */
export async function claimProviderAccount(
  deps: ConnectionDeps,
  caller: Caller,
  claim: AccountClaim,
): Promise<void> {
  const { manifest, account, tenantId, connectionId } = claim;
  if (!routesByAccount(manifest) || account.id === null) return;
  const base = { provider: manifest.id, accountId: account.id, tenantId, connectionId };
  let command: ProviderAccountCommand;
  if (account.idSource !== 'callback') {
    const proof = account.idSource === 'account_discovery' ? 'account_discovery' : 'token_response';
    command = { type: 'ClaimProviderAccount', ...base, proof, goneHolder: null };
  } else if (!manifest.auth.accountVerification) {
    command = {
      type: 'RecordUnverifiedClaim',
      ...base,
      reason: 'no_verification',
      detail: 'the account id came through the browser and the provider declares no account verification',
    };
  } else {
    const verdict = await verifyAccount(manifest, account, claim.accessToken, deps.providerTimeoutMs);
    command = verdict.ok
      ? { type: 'ClaimProviderAccount', ...base, proof: 'account_verification', goneHolder: null }
      : { type: 'RecordUnverifiedClaim', ...base, reason: 'verification_failed', detail: verdict.detail };
  }
  if (command.type === 'ClaimProviderAccount') {
    command.goneHolder = await goneHolder(deps, manifest.id, account.id);
  }
  await execute(
    deps,
    caller,
    { tenantId, stream: providerAccountStream(manifest.id, account.id) },
    providerAccountDecider,
    command,
    { waitFor: [READ_MODEL.providerAccountClaims] },
  );
}

/** The connection the read model shows holding the account, when it is no longer live. */
async function goneHolder(deps: ConnectionDeps, provider: string, accountId: string): Promise<string | null> {
  const bound = await deps.prisma.providerAccountClaim.findFirst({
    where: { provider, accountId, state: AccountClaimState.BOUND },
    select: { connectionId: true },
  });
  if (!bound) return null;
  const holder = await deps.prisma.connection.findUnique({
    where: { id: bound.connectionId },
    select: { status: true },
  });
  return holder && LIVE.includes(holder.status) ? null : bound.connectionId;
}

/** After a revocation: the account the connection held is free again. Idempotent, so revoking twice repairs a lost release. */
export async function releaseProviderAccount(
  deps: ConnectionDeps,
  caller: Caller,
  connection: Pick<Connection, 'id' | 'tenantId' | 'provider' | 'accountId'>,
): Promise<void> {
  const manifest = deps.catalog.get(connection.provider);
  if (!manifest || !routesByAccount(manifest) || connection.accountId === null) return;
  await execute(
    deps,
    caller,
    { tenantId: connection.tenantId, stream: providerAccountStream(manifest.id, connection.accountId) },
    providerAccountDecider,
    {
      type: 'ReleaseProviderAccount',
      provider: manifest.id,
      accountId: connection.accountId,
      tenantId: connection.tenantId,
      connectionId: connection.id,
    },
    { waitFor: [READ_MODEL.providerAccountClaims] },
  );
}

export interface MoveBindingInput {
  provider: string;
  accountId: string;
  connectionId: string;
}

/**
 * Operators only (the resolver checks): binds the account to this live connection, whoever held
 * it. The connection must have claimed that very account, so a typo cannot route one company's
 * webhooks to another's connection.
 */
export async function moveProviderAccountBinding(
  deps: ConnectionDeps,
  caller: Caller,
  input: MoveBindingInput,
): Promise<ProviderAccountClaim> {
  const manifest = deps.catalog.require(input.provider);
  if (!routesByAccount(manifest)) {
    throw new BadUserInputError(`${manifest.displayName} webhooks are not routed by provider account`);
  }
  const connection = await deps.prisma.connection.findUnique({ where: { id: input.connectionId } });
  if (!connection || connection.provider !== manifest.id) {
    throw new NotFoundError('CONNECTION_NOT_FOUND', `Connection ${input.connectionId} does not exist`, {
      connectionId: input.connectionId,
    });
  }
  if (!LIVE.includes(connection.status)) {
    throw new ConflictError(
      `Connection ${connection.id} is ${connection.status}: only a live connection can hold an account`,
    );
  }
  if (connection.accountId !== input.accountId) {
    throw new BadUserInputError(
      `Connection ${connection.id} did not claim this ${manifest.displayName} account`,
    );
  }
  await execute(
    deps,
    caller,
    { tenantId: connection.tenantId, stream: providerAccountStream(manifest.id, input.accountId) },
    providerAccountDecider,
    {
      type: 'MoveProviderAccountBinding',
      provider: manifest.id,
      accountId: input.accountId,
      tenantId: connection.tenantId,
      connectionId: connection.id,
    },
    { waitFor: [READ_MODEL.providerAccountClaims] },
  );
  return deps.prisma.providerAccountClaim.findUniqueOrThrow({ where: { connectionId: connection.id } });
}
