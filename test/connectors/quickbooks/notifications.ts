import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

type Notification = { realmId: string; dataChangeEvent: { entities: Array<Record<string, string>> } };

/** Intuit's printed example notification (fixtures/README.md). */
export const intuitExample = JSON.parse(
  readFileSync(new URL('./fixtures/webhook-notification.json', import.meta.url), 'utf8'),
) as { eventNotifications: Notification[] };

/**
 * One signed request covering several companies, as Intuit sends them: the printed entry once per
 * realm, each with its own entity ids so a test can tell whose entities reached whom.
 */
export function notificationsFor(...realms: Array<{ realmId: string; entityId: string }>): string {
  const [entry] = intuitExample.eventNotifications;
  return JSON.stringify({
    eventNotifications: realms.map(({ realmId, entityId }) => ({
      ...entry,
      realmId,
      dataChangeEvent: {
        entities: entry!.dataChangeEvent.entities.map((entity) => ({ ...entity, id: entityId })),
      },
    })),
  });
}

/** `intuit-signature`: base64 HMAC-SHA256 of the body, keyed by the app's verifier token. */
export const intuitHeaders = (verifierToken: string, body: string): Record<string, string> => ({
  'content-type': 'application/json',
  'intuit-signature': createHmac('sha256', verifierToken).update(body).digest('base64'),
});
