import { describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, webhooksOf } from '../request.js';

const now = new Date('2026-02-02T10:00:00Z');

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
