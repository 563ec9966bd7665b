import { randomBytes } from 'node:crypto';
import { type Caller, type ConnectionDeps, execute } from '../commands/deps.js';
import { connectionDecider, connectionNotFound } from '../domain/connection.js';
import { connectionStream } from '../events/connection.js';
import { READ_MODEL } from '../projections/names.js';
import { BadUserInputError } from '../shared/errors.js';
import { newConnectionId } from './ids.js';

export interface WebhookSecretResult {
  connectionId: string;
  /** Where the provider delivers: `${publicUrl}/webhooks/<provider>/<connectionId>`. */
  url: string;
  /** Returned once, to be set at the provider; stored only sealed. */
  secret: string;
}

/** A strong secret when the caller gives none: 32 random bytes, as the providers' own generators do. */
const newSecret = () => randomBytes(32).toString('base64url');

const webhookUrl = (deps: ConnectionDeps, provider: string, connectionId: string) =>
  `${deps.publicUrl}/webhooks/${encodeURIComponent(provider)}/${encodeURIComponent(connectionId)}`;

/** A connection that only receives webhooks: no API credentials, its own signing secret. */
export async function createWebhookConnection(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  input: { provider: string; displayName?: string | null; secret?: string | null },
): Promise<WebhookSecretResult> {
  const manifest = deps.catalog.require(input.provider);
  if (!manifest.webhooks) {
    throw new BadUserInputError(`${manifest.displayName} sends no webhooks Switchboard can verify`, {
      provider: manifest.id,
    });
  }
  const connectionId = newConnectionId();
  const secret = input.secret || newSecret();
  const sealed = await deps.vault.encrypt(tenantId, connectionId, secret);
  await execute(
    deps,
    caller,
    { tenantId, stream: connectionStream(tenantId, connectionId) },
    connectionDecider,
    {
      type: 'CreateWebhookConnection',
      connectionId,
      tenantId,
      provider: manifest.id,
      displayName: input.displayName?.trim() || null,
      secret: sealed,
    },
    { waitFor: [READ_MODEL.connections, READ_MODEL.webhookEndpoints] },
  );
  return { connectionId, url: webhookUrl(deps, manifest.id, connectionId), secret };
}

/** Sets or rotates the signing secret of any live connection of the tenant. */
export async function configureWebhookSecret(
  deps: ConnectionDeps,
  caller: Caller,
  tenantId: string,
  input: { connectionId: string; secret?: string | null },
): Promise<WebhookSecretResult> {
  const row = await deps.prisma.connection.findFirst({
    where: { id: input.connectionId, tenantId },
    select: { provider: true },
  });
  if (!row) throw connectionNotFound(input.connectionId);
  const secret = input.secret || newSecret();
  const sealed = await deps.vault.encrypt(tenantId, input.connectionId, secret);
  // The decider refuses connections that are not live (pending, failed, revoked).
  await execute(
    deps,
    caller,
    { tenantId, stream: connectionStream(tenantId, input.connectionId) },
    connectionDecider,
    { type: 'ConfigureWebhookSecret', connectionId: input.connectionId, secret: sealed },
    { waitFor: [READ_MODEL.connections, READ_MODEL.webhookEndpoints] },
  );
  return {
    connectionId: input.connectionId,
    url: webhookUrl(deps, row.provider, input.connectionId),
    secret,
  };
}
