import type { WebhookSecret } from '../verify/types.js';

/**
 * App-level webhook secrets (a GitHub App's webhook secret, a Slack app's signing secret): one per
 * provider for the whole deployment, used on POST /webhooks/:provider where the payload names the
 * connection. They come from configuration (SWITCHBOARD_WEBHOOK_SECRETS), like the app's other
 * credentials an operator sets once.
 */
export interface AppSecrets {
  secretFor(provider: string): Promise<WebhookSecret | null>;
}

export function configuredAppSecrets(secrets: Readonly<Record<string, string>>): AppSecrets {
  const byProvider = new Map(Object.entries(secrets).filter(([, secret]) => secret !== ''));
  return { secretFor: async (provider) => byProvider.get(provider) ?? null };
}
