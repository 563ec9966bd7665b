import { describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
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

describe('Google channel token', () => {
  const webhooks = webhooksOf(googleCalendarManifest);
  // The notification headers in https://developers.google.com/calendar/api/guides/push
  const headers = {
    'X-Goog-Channel-ID': '4ba78bf0-6a47-11e2-bcfd-0800200c9a66',
    'X-Goog-Channel-Token': '398348u3tu83ut8uu38',
    'X-Goog-Channel-Expiration': 'Tue, 19 Nov 2013 01:13:52 GMT',
    'X-Goog-Resource-ID': 'ret08u3rv24htgh289g',
    'X-Goog-Resource-URI': 'https://www.googleapis.com/calendar/v3/calendars/my_calendar@gmail.com/events',
    'X-Goog-Resource-State': 'exists',
    'X-Goog-Message-Number': '10',
  };

  it('accepts the channel token and scopes the message number to the channel', () => {
    expect(verifyDelivery(webhooks, deliveryRequest({ headers }), '398348u3tu83ut8uu38', now)).toEqual({
      ok: true,
      deliveryId: '4ba78bf0-6a47-11e2-bcfd-0800200c9a66/10',
      timestamp: null,
    });
  });

  it('refuses a wrong or missing token', () => {
    expect(verifyDelivery(webhooks, deliveryRequest({ headers }), '398348u3tu83ut8uu3', now)).toEqual({
      ok: false,
      reason: 'bad_token',
    });
    const withoutToken = { ...headers, 'X-Goog-Channel-Token': undefined };
    expect(
      verifyDelivery(webhooks, deliveryRequest({ headers: withoutToken }), '398348u3tu83ut8uu38', now),
    ).toEqual({
      ok: false,
      reason: 'missing_token',
    });
    expect(verifyDelivery(webhooks, deliveryRequest({ headers }), '', now)).toEqual({
      ok: false,
      reason: 'secret_not_configured',
    });
  });
});
