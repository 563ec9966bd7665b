import { AccountClaimState, ConnectionStatus } from '../../domain/statuses.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import type { Sealed } from '../../vault/sealed.js';
import { fromSealedJson } from '../../vault/sealed-json.js';

/**
 * Where the webhook gateway learns how to verify a delivery: the connection's tenant and its
 * sealed per-connection signing secret (decrypt with `vault.decrypt(tenantId, connectionId, secret)`;
 * null while none is configured). Null for an unknown or revoked connection or one of another
 * provider: the gateway answers 404 alike, so a caller learns nothing about which connections exist.
 */
export interface WebhookTarget {
  tenantId: string;
  connectionId: string;
  provider: string;
  secret: Sealed | null;
}

export interface WebhookTargets {
  /** `POST /webhooks/:provider/:connectionId`. */
  byConnection(provider: string, connectionId: string): Promise<WebhookTarget | null>;
  /**
   * `POST /webhooks/:provider`: the live connection bound to the provider account `routingId` (a
   * realm, team, installation ...; see connections/provider-accounts.ts). Never merely the newest
   * connection claiming it: only a binding the provider vouched for routes another tenant's data.
   */
  byRoutingId(provider: string, routingId: string): Promise<WebhookTarget | null>;
}

/**
 * Announced (pubsub, after the webhook endpoints projection commits) for every connection whose
 * webhook target changed: a secret configured or rotated, the connection revoked. Gateways on every
 * instance drop what they cached for it, so a rotated-away secret stops working at once.
 */
export const WEBHOOK_TARGETS_CHANGED_TOPIC = 'webhook-targets:changed';

export interface WebhookTargetsChanged {
  connectionIds: string[];
}

const LIVE = [ConnectionStatus.ACTIVE, ConnectionStatus.REAUTH_REQUIRED];

/** The port over the connections and webhook_endpoints read models (indexed lookups only). */
export function prismaWebhookTargets(prisma: PrismaClient): WebhookTargets {
  const target = async (row: { id: string; tenantId: string; provider: string }): Promise<WebhookTarget> => {
    const endpoint = await prisma.webhookEndpoint.findUnique({
      where: { connectionId: row.id },
      select: { secret: true },
    });
    return {
      tenantId: row.tenantId,
      connectionId: row.id,
      provider: row.provider,
      secret: fromSealedJson(endpoint?.secret),
    };
  };
  return {
    async byConnection(provider, connectionId) {
      const endpoint = await prisma.webhookEndpoint.findUnique({ where: { connectionId } });
      // The endpoint row exists exactly while the connection is live and has (or is) a webhook.
      if (endpoint) {
        if (endpoint.provider !== provider) return null;
        return {
          tenantId: endpoint.tenantId,
          connectionId,
          provider,
          secret: fromSealedJson(endpoint.secret),
        };
      }
      const row = await prisma.connection.findUnique({
        where: { id: connectionId },
        select: { id: true, tenantId: true, provider: true, status: true },
      });
      if (!row || row.provider !== provider || !LIVE.includes(row.status as (typeof LIVE)[number]))
        return null;
      return { tenantId: row.tenantId, connectionId, provider, secret: null };
    },
    async byRoutingId(provider, routingId) {
      // The account's decider keeps one BOUND claim per account.
      const bound = await prisma.providerAccountClaim.findFirst({
        where: { provider, accountId: routingId, state: AccountClaimState.BOUND },
        select: { connectionId: true },
      });
      if (!bound) return null;
      const row = await prisma.connection.findUnique({
        where: { id: bound.connectionId },
        select: { id: true, tenantId: true, provider: true, status: true },
      });
      // Revoked but not yet released (the release follows the revocation): nothing to route to.
      if (!row || row.provider !== provider || !LIVE.includes(row.status as (typeof LIVE)[number]))
        return null;
      return target(row);
    },
  };
}
