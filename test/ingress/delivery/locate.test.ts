import { describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { hubspotManifest } from '../../../src/connectors/hubspot/manifest.js';
import { microsoft365Manifest } from '../../../src/connectors/microsoft-365/manifest.js';
import { quickbooksManifest } from '../../../src/connectors/quickbooks/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { locate, routingIdOf } from '../../../src/ingress/delivery/locate.js';
import { deliveryRequest, webhooksOf } from '../request.js';

describe('locating routing and delivery ids in a delivery', () => {
  it("finds the built-in manifests' routing ids", () => {
    const route = (manifest: Parameters<typeof webhooksOf>[0], body: unknown, headers = {}) =>
      routingIdOf(webhooksOf(manifest).routing, deliveryRequest({ body: JSON.stringify(body), headers }));
    expect(route(slackManifest, { team_id: 'T123ABC456' })).toBe('T123ABC456');
    expect(route(hubspotManifest, [{ portalId: 62515 }])).toBe('62515');
    expect(route(quickbooksManifest, { eventNotifications: [{ realmId: '1185883450' }] })).toBe('1185883450');
    expect(route(microsoft365Manifest, { value: [{ subscriptionId: 'sub-1' }] })).toBe('sub-1');
    expect(route(googleCalendarManifest, null, { 'X-Goog-Channel-ID': 'channel-1' })).toBe('channel-1');
  });

  it('locates a delivery id in a header or, once verified, in the body', () => {
    const request = deliveryRequest({ headers: { 'X-GitHub-Delivery': 'd-1' }, body: '{"event_id":"Ev1"}' });
    expect(locate({ header: 'X-GitHub-Delivery' }, request)).toBe('d-1');
    expect(locate({ bodyPath: 'event_id' }, request)).toBe('Ev1');
    expect(locate({ bodyPath: 'event_id' }, deliveryRequest({ body: 'not json' }))).toBeNull();
    expect(locate(undefined, request)).toBeNull();
  });
});
