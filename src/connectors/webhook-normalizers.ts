import { githubWebhookNormalizer } from './github/webhook.js';
import type { WebhookNormalizer } from './sdk/webhook-normalizer.js';
import { slackWebhookNormalizer } from './slack/webhook.js';

/**
 * The connectors that normalize their own webhooks, by the manifest's `implementation` (so a
 * provider that extends one of these uses its normalizer); every other provider's deliveries become
 * one provider_event signal each (ingress/delivery/normalize.ts).
 */
export const WEBHOOK_NORMALIZERS: Readonly<Record<string, WebhookNormalizer>> = Object.freeze({
  github: githubWebhookNormalizer,
  slack: slackWebhookNormalizer,
});
