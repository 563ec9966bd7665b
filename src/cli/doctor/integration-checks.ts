import type { Runtime } from '../../app/runtime.js';
import { Prisma } from '../../generated/prisma/client.js';
import { atMost, type CheckResult, fail, ok, warn } from './report.js';

const LIVE = ['ACTIVE', 'REAUTH_REQUIRED'];

/**
 * Secrets a configured provider cannot work without: an OAuth app's client secret where the
 * provider authenticates clients with one, a connection's webhook secret, and the app-level
 * webhook secret (SWITCHBOARD_WEBHOOK_SECRETS) of providers that sign every delivery with it.
 */
export async function integrationChecks(runtime: Runtime): Promise<CheckResult[]> {
  const { prisma } = runtime.readModels;
  const { catalog, config } = runtime;
  const [integrations, endpoints, providersInUse] = await Promise.all([
    prisma.integration.findMany({
      where: { clientSecret: { equals: Prisma.DbNull } },
      select: { id: true, scope: true, provider: true },
      orderBy: { id: 'asc' },
    }),
    prisma.webhookEndpoint.findMany({
      where: { secret: { equals: Prisma.DbNull } },
      select: { connectionId: true, tenantId: true, provider: true },
      orderBy: { connectionId: 'asc' },
    }),
    prisma.connection.groupBy({ by: ['provider'], where: { status: { in: LIVE } }, _count: { _all: true } }),
  ]);

  const withoutClientSecret = integrations.filter(
    (integration) => catalog.get(integration.provider)?.auth.clientAuth !== 'none',
  );
  const appSecretsMissing = providersInUse.filter(({ provider }) => {
    const webhooks = catalog.get(provider)?.webhooks;
    // Schemes without `secret` (Graph's clientState, Google's channel token) are per connection.
    const secret = webhooks && 'secret' in webhooks ? webhooks.secret : undefined;
    return secret?.appLevel !== undefined && !secret.perConnection && !config.webhookAppSecrets[provider];
  });
  const scopeName = (scope: string) => (scope === '_global' ? 'every tenant' : `tenant ${scope}`);
  return [
    withoutClientSecret.length === 0
      ? ok('integrations.clientSecrets', 'every OAuth app has the client secret its provider needs')
      : fail(
          'integrations.clientSecrets',
          `${withoutClientSecret.length} OAuth app(s) without a client secret, which their provider requires`,
          'configureIntegration again with clientSecret (from the provider’s developer console)',
          atMost(withoutClientSecret.map((row) => `${row.provider} for ${scopeName(row.scope)}`)),
        ),
    endpoints.length === 0
      ? ok('integrations.webhookSecrets', 'every webhook connection has its secret')
      : warn(
          'integrations.webhookSecrets',
          `${endpoints.length} webhook connection(s) without a secret: their deliveries are refused`,
          'configureWebhook with the secret the provider shows for the subscription',
          atMost(
            endpoints.map(
              (row) => `${row.provider} connection ${row.connectionId} of tenant ${row.tenantId}`,
            ),
          ),
        ),
    appSecretsMissing.length === 0
      ? ok(
          'integrations.appWebhookSecrets',
          'every provider in use that signs deliveries per app has its secret',
        )
      : fail(
          'integrations.appWebhookSecrets',
          `no app-level webhook secret for ${appSecretsMissing.map((row) => row.provider).join(', ')}, which connections use`,
          `add ${appSecretsMissing.map((row) => `${row.provider}=<secret>`).join(',')} to SWITCHBOARD_WEBHOOK_SECRETS`,
        ),
  ];
}
