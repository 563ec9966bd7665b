import { z } from 'zod';
import { SealedSchema } from '../vault/sealed.js';
import { defineEvent, type RecordedEventOf } from './define.js';
import { GLOBAL_SCOPE, streamName } from './streams.js';

/**
 * Integration stream family: an OAuth app (client id and secret) per provider, either a tenant's
 * own (`integration-<tenantId>.<provider>`) or the operator's global one, which lives in the
 * reserved scope: `integration-_global.<provider>` (see GLOBAL_SCOPE). A connection uses its
 * tenant's integration when there is one, else the global one.
 */
export const integrationStream = (scope: string, provider: string): string =>
  streamName('integration', scope, provider);

/** The vault scope of an integration's client secret: tenant (or GLOBAL_SCOPE) + this id. */
export const integrationSecretId = (provider: string): string => `integration:${provider}`;

export { GLOBAL_SCOPE };

export const IntegrationConfigured = defineEvent('IntegrationConfigured', {
  schema: z.object({
    /** A tenant id, or GLOBAL_SCOPE. */
    scope: z.string(),
    provider: z.string(),
    clientId: z.string().min(1),
    /** Sealed for (scope, integrationSecretId(provider)); null for public clients (PKCE only). */
    clientSecret: SealedSchema.nullable(),
    /** Scopes requested when a connection asks for none. */
    defaultScopes: z.array(z.string()),
    configuredAt: z.iso.datetime(),
  }),
});

export const INTEGRATION_EVENTS = [IntegrationConfigured] as const;

export type IntegrationEvent = RecordedEventOf<typeof IntegrationConfigured>;
