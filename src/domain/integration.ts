import { eventCatalog } from '../events/catalog.js';
import { IntegrationConfigured, type IntegrationEvent } from '../events/integration.js';
import type { Event } from '../eventstore/envelope.js';
import type { Sealed } from '../vault/sealed.js';
import type { Decider } from './decider.js';

export type IntegrationState = { configured: false } | { configured: true; clientId: string };

export interface ConfigureIntegration {
  type: 'ConfigureIntegration';
  /** A tenant id or GLOBAL_SCOPE. */
  scope: string;
  provider: string;
  clientId: string;
  /** Sealed by the caller for (scope, integrationSecretId(provider)); null for a public client. */
  clientSecret: Sealed | null;
  defaultScopes: string[];
}

export type IntegrationCommand = ConfigureIntegration;

/**
 * An OAuth app per (scope, provider). Configuring is always a new fact, even with the same client
 * id: the secret may have been rotated, and a fresh ciphertext cannot be compared with the old one.
 */
export const integrationDecider: Decider<IntegrationState, IntegrationCommand, IntegrationEvent> = {
  initialState: () => ({ configured: false }),
  evolve: (_state, event) => ({ configured: true, clientId: event.data.clientId }),
  decide(command, _state, context): Event[] {
    const data = {
      scope: command.scope,
      provider: command.provider,
      clientId: command.clientId,
      clientSecret: command.clientSecret,
      defaultScopes: command.defaultScopes,
      configuredAt: context.now.toISOString(),
    };
    return [eventCatalog.create(IntegrationConfigured, data, context.metadata)];
  },
};

/** The id of an OAuth app: `<scope>:<provider>` (scope: a tenant id or `_global`). */
export const integrationKey = (scope: string, provider: string): string => `${scope}:${provider}`;
