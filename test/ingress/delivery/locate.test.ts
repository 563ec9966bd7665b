import { describe, expect, it } from 'vitest';
import { googleCalendarManifest } from '../../../src/connectors/google-calendar/manifest.js';
import { hubspotManifest } from '../../../src/connectors/hubspot/manifest.js';
import { microsoft365Manifest } from '../../../src/connectors/microsoft-365/manifest.js';
import { quickbooksManifest } from '../../../src/connectors/quickbooks/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { locate, routingIdOf } from '../../../src/ingress/delivery/locate.js';
import { firstIdAt, valuesAt } from '../../../src/shared/json-path.js';
import { deliveryRequest, webhooksOf } from '../request.js';

describe('manifest JSON paths', () => {
  it('follows objects and spreads arrays, keeping a hole where a branch has no value', () => {
    const document = { value: [{ clientState: 'a' }, {}, { clientState: 'c' }], team: { id: 'T1' } };
    expect(valuesAt(document, 'value[].clientState')).toEqual(['a', undefined, 'c']);
    expect(valuesAt(document, 'team.id')).toEqual(['T1']);
    expect(valuesAt(document, 'missing.path')).toEqual([undefined]);
    expect(valuesAt([{ portalId: 1 }, { portalId: 2 }], '[].portalId')).toEqual([1, 2]);
    expect(valuesAt({ value: 'not an array' }, 'value[].x')).toEqual([undefined]);
  });

  it('does not read inherited properties', () => {
    expect(valuesAt({}, 'constructor')).toEqual([undefined]);
    expect(firstIdAt({ a: { b: 7 } }, 'a.b')).toBe('7');
    expect(firstIdAt({ a: '' }, 'a')).toBeNull();
  });

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
