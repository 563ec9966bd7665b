import { describe, expect, it } from 'vitest';
import { BUILT_IN_MANIFESTS } from '../../../src/connectors/catalog.js';
import { webhookSchema } from '../../../src/connectors/sdk/schema/webhooks.js';
import { deliveryIdSigned, deliveryKey, ingressEventId } from '../../../src/ingress/delivery/delivery-key.js';
import { webhooksOf } from '../request.js';

const digest = 'ab'.repeat(32);

const webhooksOfProvider = (id: string) => webhooksOf(BUILT_IN_MANIFESTS.find((m) => m.id === id)!);
const declared = (declaration: unknown) => webhookSchema.parse(declaration);

describe('delivery keys', () => {
  it('identify deliveries whose id is unsigned by their body: GitHub, Todoist, Jira, Linear, and Graph (no id)', () => {
    for (const provider of ['github', 'todoist', 'jira']) {
      expect(deliveryKey(webhooksOfProvider(provider), 'guid-1', digest, {}), provider).toBe(
        `sha256:${digest}`,
      );
    }
    expect(deliveryKey(webhooksOfProvider('microsoft-365'), null, digest, {})).toBe(`sha256:${digest}`);
  });

  it('identify a Linear delivery by its body without webhookTimestamp: a retry re-sends it with a new one', () => {
    const linear = webhooksOfProvider('linear');
    const sent = (webhookTimestamp: number) => ({
      action: 'create',
      type: 'Issue',
      data: { id: 'issue-1', title: 'A' },
      webhookTimestamp,
    });
    const first = deliveryKey(linear, 'delivery-1', 'aa'.repeat(32), sent(1_700_000_000_000));
    expect(first).toMatch(/^content:[0-9a-f]{64}$/);
    expect(deliveryKey(linear, 'delivery-1', 'bb'.repeat(32), sent(1_700_000_030_000))).toBe(first);
    // Under another (unsigned) id too: a captured body is the same delivery.
    expect(deliveryKey(linear, 'other-id', 'cc'.repeat(32), sent(1_700_000_060_000))).toBe(first);
    // Other content is another delivery.
    expect(
      deliveryKey(linear, 'delivery-1', 'dd'.repeat(32), { ...sent(1_700_000_000_000), action: 'update' }),
    ).not.toBe(first);
  });

  it('identify schemes with a signed delivery id by that id (retries differ in their timestamp)', () => {
    expect(deliveryKey(webhooksOfProvider('slack'), 'Ev123', digest, {})).toBe('id:Ev123');
    const standard = declared({ scheme: 'standard_webhooks' });
    expect(deliveryKey(standard, 'msg_1', digest, {})).toBe('id:msg_1');
    expect(deliveryKey(standard, null, digest, {})).toBe(`sha256:${digest}`);
    // Google's bodies are empty: the message number is all that tells notifications apart.
    expect(deliveryKey(webhooksOfProvider('google-calendar'), 'chan/10', digest, {})).toBe('id:chan/10');
  });

  it('take an undeclared header id as unsigned and a body id as signed, unless the manifest says', () => {
    const hmac = (deliveryId: object) =>
      declared({ scheme: 'hmac_sha256', signature: { header: 'X-Signature' }, deliveryId });
    expect(deliveryIdSigned(hmac({ header: 'X-Delivery' }))).toBe(false);
    expect(deliveryIdSigned(hmac({ bodyPath: 'event.id' }))).toBe(true);
    expect(deliveryIdSigned(hmac({ header: 'X-Delivery', bodyPath: 'event.id' }))).toBe(false);
    expect(deliveryIdSigned(hmac({ header: 'X-Delivery', signed: true }))).toBe(true);
    expect(deliveryIdSigned(hmac({ bodyPath: 'event.id', signed: false }))).toBe(false);
  });

  it('derive event ids that depend on tenant, connection and purpose', () => {
    const a = ingressEventId('signal', { tenantId: 'acme', connectionId: 'c1' }, 'id:Ev1', 0);
    expect(a).toBe(ingressEventId('signal', { tenantId: 'acme', connectionId: 'c1' }, 'id:Ev1', 0));
    expect(
      new Set([
        a,
        ingressEventId('signal', { tenantId: 'acme', connectionId: 'c2' }, 'id:Ev1', 0),
        ingressEventId('signal', { tenantId: 'beta', connectionId: 'c1' }, 'id:Ev1', 0),
        ingressEventId('signal', { tenantId: 'acme', connectionId: 'c1' }, 'id:Ev1', 1),
        ingressEventId('dead_letter', { tenantId: 'acme', connectionId: 'c1' }, 'id:Ev1', 0),
      ]).size,
    ).toBe(5);
  });
});
