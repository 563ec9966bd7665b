import { describe, expect, it } from 'vitest';
import { microsoft365Manifest } from '../../../src/connectors/microsoft-365/manifest.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, webhooksOf } from '../request.js';

const now = new Date('2026-02-02T10:00:00Z');

describe('Microsoft Graph clientState', () => {
  const webhooks = webhooksOf(microsoft365Manifest);
  // The change notification example in
  // https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#change-notification-example
  const notification = {
    id: 'lsgTZMr9KwAAA',
    subscriptionId: '{subscription_guid}',
    subscriptionExpirationDateTime: '2016-03-19T22:11:09.952Z',
    clientState: 'secretClientValue',
    changeType: 'created',
    resource: 'users/{user_guid}@{tenant_guid}/messages/{long_id_string}',
    tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Message',
      '@odata.id': 'Users/{user_guid}@{tenant_guid}/Messages/{long_id_string}',
      '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
      id: '{long_id_string}',
    },
  };
  const request = (value: unknown[]) => deliveryRequest({ body: JSON.stringify({ value }) });

  it("accepts the documented notification when its clientState is the connection's secret", () => {
    expect(verifyDelivery(webhooks, request([notification]), 'secretClientValue', now)).toEqual({
      ok: true,
      deliveryId: null,
      timestamp: null,
    });
    expect(
      verifyDelivery(webhooks, request([notification, notification]), Buffer.from('secretClientValue'), now)
        .ok,
    ).toBe(true);
  });

  it('refuses a batch where any notification has a wrong or missing clientState', () => {
    const { clientState: _, ...withoutState } = notification;
    expect(verifyDelivery(webhooks, request([notification]), 'anotherClientValue', now)).toEqual({
      ok: false,
      reason: 'bad_token',
    });
    expect(
      verifyDelivery(
        webhooks,
        request([notification, { ...notification, clientState: 'x' }]),
        'secretClientValue',
        now,
      ),
    ).toEqual({ ok: false, reason: 'bad_token' });
    expect(verifyDelivery(webhooks, request([notification, withoutState]), 'secretClientValue', now)).toEqual(
      {
        ok: false,
        reason: 'missing_token',
      },
    );
    expect(verifyDelivery(webhooks, request([]), 'secretClientValue', now)).toEqual({
      ok: false,
      reason: 'missing_token',
    });
  });

  it('refuses a body it cannot read the clientState from', () => {
    expect(
      verifyDelivery(webhooks, deliveryRequest({ body: 'validationToken' }), 'secretClientValue', now),
    ).toEqual({
      ok: false,
      reason: 'malformed_payload',
    });
  });
});
