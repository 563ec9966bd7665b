import { boundedKeyValueStore } from '../ingress/delivery/bounded-kv.js';
import { RejectionBudget } from '../ingress/delivery/rejection-budget.js';
import { WebhookGateway } from '../ingress/gateway.js';
import { configuredAppSecrets } from '../ingress/routing/app-secrets.js';
import { ResolvedTargets } from '../ingress/routing/resolved-targets.js';
import {
  prismaWebhookTargets,
  WEBHOOK_TARGETS_CHANGED_TOPIC,
} from '../readmodels/queries/webhook-targets.js';
import type { Runtime } from './runtime.js';

/**
 * Targets looked up by connection id are kept this long: change notices drop them sooner, so the
 * TTL only bounds how long a lost notice (a Redis reconnect) could keep a rotated-away secret.
 */
const TARGET_TTL_MS = 30_000;

/** The gateway over a runtime's adapters: connections read model, vault, kv, event store. */
export function createWebhookGateway(
  runtime: Pick<
    Runtime,
    'catalog' | 'readModels' | 'vault' | 'eventStore' | 'platform' | 'config' | 'logger'
  > & { syncs?: Pick<Runtime['syncs'], 'nudge'>; metrics?: Runtime['metrics'] },
): WebhookGateway {
  const targets = new ResolvedTargets({
    targets: prismaWebhookTargets(runtime.readModels.prisma),
    vault: runtime.vault,
    ttlMs: TARGET_TTL_MS,
  });
  const logger = runtime.logger.child({ component: 'webhooks' });
  // Ends when the platform closes its pubsub, with the runtime; survives Redis outages.
  void targets.follow(() => runtime.platform.pubsub.subscribe(WEBHOOK_TARGETS_CHANGED_TOPIC), {
    onError: (error) =>
      logger.warn(
        { err: error },
        'webhook target change notices interrupted; cached targets live out their 30 s until they resume',
      ),
  });
  return new WebhookGateway({
    catalog: runtime.catalog,
    targets,
    appSecrets: configuredAppSecrets(runtime.config.webhookAppSecrets),
    eventStore: runtime.eventStore,
    // Redis only makes these faster or cheaper: past a short deadline ingress goes on without it.
    rejections: new RejectionBudget(boundedKeyValueStore(runtime.platform.kv), logger),
    vault: runtime.vault,
    logger,
    onRecorded: runtime.syncs ? (target, eventType) => runtime.syncs?.nudge(target, eventType) : undefined,
    metrics: runtime.metrics,
  });
}
