import { prismaWebhookTargets } from '../connections/webhook-targets.js';
import type { Runtime } from '../runtime.js';
import { configuredAppSecrets } from './app-secrets.js';
import { WebhookGateway } from './gateway.js';
import { ReplayGuard } from './replay-guard.js';
import { ResolvedTargets } from './resolved-targets.js';

/** The gateway over a runtime's adapters: connections read model, vault, kv, event store. */
export function createWebhookGateway(
  runtime: Pick<
    Runtime,
    'catalog' | 'readModels' | 'vault' | 'eventStore' | 'platform' | 'config' | 'logger'
  >,
): WebhookGateway {
  return new WebhookGateway({
    catalog: runtime.catalog,
    targets: new ResolvedTargets({
      targets: prismaWebhookTargets(runtime.readModels.prisma),
      vault: runtime.vault,
    }),
    appSecrets: configuredAppSecrets(runtime.config.webhookAppSecrets),
    eventStore: runtime.eventStore,
    replayGuard: new ReplayGuard(runtime.platform.kv),
    logger: runtime.logger.child({ component: 'webhooks' }),
  });
}
