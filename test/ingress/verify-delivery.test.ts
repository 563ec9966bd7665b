import { describe, expect, it } from 'vitest';
import { BUILT_IN_MANIFESTS } from '../../src/connectors/catalog.js';
import { verifyDelivery } from '../../src/ingress/verify-delivery.js';
import { deliveryRequest } from './request.js';

const now = new Date('2026-02-02T10:00:00Z');

describe('verifyDelivery over the built-in catalog', () => {
  const withWebhooks = BUILT_IN_MANIFESTS.filter((manifest) => manifest.webhooks !== undefined);

  it('has a verifier for every declared scheme', () => {
    expect(withWebhooks.length).toBeGreaterThan(10);
  });

  it.each(withWebhooks.map((manifest) => [manifest.id, manifest] as const))(
    '%s refuses an unauthenticated request, whatever it carries',
    (_id, manifest) => {
      const webhooks = manifest.webhooks!;
      const bodies = ['', '{}', '{"value":[{}]}', '[{"eventId":1}]', 'not json'];
      for (const body of bodies) {
        const verdict = verifyDelivery(webhooks, deliveryRequest({ body }), 'a-configured-secret', now);
        expect(verdict.ok).toBe(false);
      }
    },
  );
});
