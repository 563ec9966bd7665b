import type { Sealed } from '../../vault/sealed.js';

/** The connection a delivery is for, and what verifies it. */
export interface WebhookTarget {
  tenantId: string;
  connectionId: string;
  /** The connection's own secret (configureWebhook), sealed for tenant + connection; null: none yet. */
  secret: Sealed | null;
}

/**
 * Where the gateway finds connections. The connections read model implements it; the gateway only
 * needs these two lookups, so it does not depend on how connections are stored.
 */
export interface WebhookTargets {
  /** POST /webhooks/:provider/:connectionId. Null when the connection does not exist (or is another provider's). */
  byConnection(provider: string, connectionId: string): Promise<WebhookTarget | null>;
  /**
   * POST /webhooks/:provider: the connection bound to `routingId` (a GitHub App installation, a
   * Slack team, a QuickBooks realm ...). Null when none is: never a guess among claimants.
   */
  byRoutingId(provider: string, routingId: string): Promise<WebhookTarget | null>;
}
