import { type Caller, type ConnectionDeps, execute } from '../commands/deps.js';
import type { ProviderManifest } from '../connectors/sdk/manifest.js';
import { resolveScopes } from '../connectors/sdk/scopes.js';
import { integrationDecider, integrationKey } from '../domain/integration.js';
import type { IntegrationScope } from '../events/connection.js';
import { GLOBAL_SCOPE, integrationSecretId, integrationStream } from '../events/integration.js';
import type { Integration } from '../generated/prisma/client.js';
import type { OAuthClient } from '../oauth/index.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError, NotFoundError } from '../shared/errors.js';
import { fromSealedJson } from '../vault/sealed-json.js';

export interface ConfigureIntegrationInput {
  provider: string;
  clientId: string;
  clientSecret?: string | null | undefined;
  scopes?: readonly string[] | null | undefined;
  /** Null: the global app every tenant without its own uses. */
  tenantId?: string | null | undefined;
}

const OAUTH_MODES = new Set(['oauth2', 'oauth2_cc']);

/**
 * An OAuth app (client id and secret) for a provider, global or for one tenant that brings its
 * own. The secret is sealed before it is part of any command or event and is never returned.
 */
export async function configureIntegration(
  deps: ConnectionDeps,
  caller: Caller,
  input: ConfigureIntegrationInput,
): Promise<Integration> {
  const manifest = deps.catalog.require(input.provider);
  if (!OAUTH_MODES.has(manifest.auth.mode)) {
    throw new BadUserInputError(
      `${manifest.displayName} uses ${manifest.auth.mode}: it has no OAuth app to configure`,
      { provider: manifest.id },
    );
  }
  const clientId = input.clientId.trim();
  if (clientId === '') throw new BadUserInputError('clientId must not be empty');
  const defaultScopes = [...(input.scopes ?? [])];
  resolveScopes(manifest, defaultScopes); // refuses unknown and over-broad scopes now, not at connect time
  const scope = input.tenantId ?? GLOBAL_SCOPE;
  if (input.tenantId) await requireTenant(deps, input.tenantId);
  const secret = input.clientSecret ? input.clientSecret : null;
  const clientSecret =
    secret === null ? null : await deps.vault.encrypt(scope, integrationSecretId(manifest.id), secret);
  await execute(
    deps,
    caller,
    { tenantId: scope, stream: integrationStream(scope, manifest.id) },
    integrationDecider,
    {
      type: 'ConfigureIntegration',
      scope,
      provider: manifest.id,
      clientId,
      clientSecret,
      defaultScopes,
    },
    { waitFor: [READ_MODEL.integrations] },
  );
  return deps.prisma.integration.findUniqueOrThrow({ where: { id: integrationKey(scope, manifest.id) } });
}

export interface ResolvedIntegration {
  row: Integration;
  scope: IntegrationScope;
}

/** The tenant's own app for the provider, else the global one; refuses when there is neither. */
export async function findIntegration(
  deps: ConnectionDeps,
  tenantId: string,
  manifest: ProviderManifest,
): Promise<ResolvedIntegration> {
  const rows = await deps.prisma.integration.findMany({
    where: { id: { in: [integrationKey(tenantId, manifest.id), integrationKey(GLOBAL_SCOPE, manifest.id)] } },
  });
  const own = rows.find((row) => row.scope === tenantId);
  if (own) return { row: own, scope: 'tenant' };
  const global = rows.find((row) => row.scope === GLOBAL_SCOPE);
  if (global) return { row: global, scope: 'global' };
  throw new BadUserInputError(
    `No OAuth app is configured for ${manifest.displayName}: an operator runs configureIntegration first`,
    { provider: manifest.id },
  );
}

/** The app a connection was installed with (its scope is recorded on the connection). */
export async function integrationFor(
  deps: ConnectionDeps,
  tenantId: string,
  manifest: ProviderManifest,
  scope: IntegrationScope | null,
): Promise<ResolvedIntegration> {
  if (scope === null) return findIntegration(deps, tenantId, manifest);
  const key = integrationKey(scope === 'tenant' ? tenantId : GLOBAL_SCOPE, manifest.id);
  const row = await deps.prisma.integration.findUnique({ where: { id: key } });
  if (!row) return findIntegration(deps, tenantId, manifest);
  return { row, scope };
}

/** The OAuth client with its secret opened, for one provider call. */
export async function oauthClient(deps: ConnectionDeps, integration: Integration): Promise<OAuthClient> {
  const sealed = fromSealedJson(integration.clientSecret);
  if (!sealed) return { clientId: integration.clientId };
  const plaintext = await deps.vault.decrypt(
    integration.scope,
    integrationSecretId(integration.provider),
    sealed,
  );
  try {
    return { clientId: integration.clientId, clientSecret: plaintext.toString('utf8') };
  } finally {
    plaintext.fill(0);
  }
}

async function requireTenant(deps: ConnectionDeps, tenantId: string): Promise<void> {
  const tenant = await deps.prisma.tenant.findUnique({ where: { id: tenantId }, select: { status: true } });
  if (!tenant || tenant.status === 'DELETED')
    throw new NotFoundError('TENANT_NOT_FOUND', `Tenant ${tenantId} does not exist`);
}
