import { describe, expect, it } from 'vitest';
import { deliveryKey, ingressEventId } from '../../src/ingress/delivery-key.js';

const digest = 'ab'.repeat(32);

describe('delivery keys', () => {
  it('identify GitHub and Graph deliveries by their body, since their delivery id is not signed', () => {
    expect(deliveryKey('github_hmac_sha256', 'guid-1', digest)).toEqual({
      identity: `sha256:${digest}`,
      replayKeys: [`sha256:${digest}`, 'id:guid-1'],
    });
    expect(deliveryKey('microsoft_graph', null, digest)).toEqual({
      identity: `sha256:${digest}`,
      replayKeys: [`sha256:${digest}`],
    });
  });

  it('identify schemes with a signed delivery id by that id (retries differ in their timestamp)', () => {
    expect(deliveryKey('slack_v0', 'Ev123', digest)).toEqual({
      identity: 'id:Ev123',
      replayKeys: ['id:Ev123'],
    });
    expect(deliveryKey('standard_webhooks', null, digest).identity).toBe(`sha256:${digest}`);
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
