/**
 * The projections by the read model each one writes: what a command names to wait for before it
 * answers from that read model (read-your-writes), so a projection it does not read cannot hold it up.
 */
export const READ_MODEL = {
  tenants: 'tenants',
  connections: 'connections',
  credentials: 'credentials',
  integrations: 'integrations',
  webhookEndpoints: 'webhook-endpoints',
  providerAccountClaims: 'provider-account-claims',
  signals: 'signals',
  webhookDeadLetters: 'webhook-dead-letters',
  projectionDeadLetters: 'projection-dead-letters',
  syncs: 'syncs',
  syncRecords: 'sync-records',
} as const;

export type ReadModelName = (typeof READ_MODEL)[keyof typeof READ_MODEL];
