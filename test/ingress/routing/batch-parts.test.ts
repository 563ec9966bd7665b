import { describe, expect, it } from 'vitest';
import { hubspotManifest } from '../../../src/connectors/hubspot/manifest.js';
import { microsoft365Manifest } from '../../../src/connectors/microsoft-365/manifest.js';
import { quickbooksManifest } from '../../../src/connectors/quickbooks/manifest.js';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { batchParts } from '../../../src/ingress/routing/batch-parts.js';
import { intuitExample, notificationsFor } from '../../connectors/quickbooks/notifications.js';
import { graphNotification } from '../provider-shapes.js';
import { deliveryRequest, webhooksOf } from '../request.js';

const routingOf = (manifest: Parameters<typeof webhooksOf>[0]) => webhooksOf(manifest).routing!;
const split = (manifest: Parameters<typeof webhooksOf>[0], body: string) =>
  batchParts(routingOf(manifest), deliveryRequest({ body }), JSON.parse(body));
const payloadsOf = (parts: ReturnType<typeof split>) =>
  parts?.map((part) => ({ account: part.routingId, payload: JSON.parse(part.request.rawBody.toString()) }));

describe('splitting a batch per provider account', () => {
  it('leaves a one-account delivery whole, bytes untouched (Intuit example, a Slack event)', () => {
    expect(split(quickbooksManifest, JSON.stringify(intuitExample))).toBeNull();
    expect(split(slackManifest, JSON.stringify({ team_id: 'T1', event: { type: 'message' } }))).toBeNull();
  });

  it('gives each realm the same envelope with only its eventNotifications, in order', () => {
    const body = notificationsFor(
      { realmId: '111', entityId: 'a1' },
      { realmId: '222', entityId: 'b1' },
      { realmId: '111', entityId: 'a2' },
    );
    const parts = payloadsOf(split(quickbooksManifest, body));
    expect(parts?.map((part) => part.account)).toEqual(['111', '222']);
    const entities = (payload: {
      eventNotifications: Array<{ realmId: string; dataChangeEvent: { entities: Array<{ id: string }> } }>;
    }) => payload.eventNotifications.map((n) => [n.realmId, n.dataChangeEvent.entities.map((e) => e.id)]);
    expect(entities(parts![0]!.payload)).toEqual([
      ['111', ['a1', 'a1']],
      ['111', ['a2', 'a2']],
    ]);
    expect(entities(parts![1]!.payload)).toEqual([['222', ['b1', 'b1']]]);
  });

  it("splits Graph's value[] by subscription, keeping the rest of the envelope", () => {
    const other = { ...graphNotification, subscriptionId: 'sub-2', clientState: 'other' };
    const body = JSON.stringify({ value: [graphNotification, other], validationTokens: ['t'] });
    const parts = payloadsOf(split(microsoft365Manifest, body));
    expect(parts).toEqual([
      { account: '{subscription_guid}', payload: { value: [graphNotification], validationTokens: ['t'] } },
      { account: 'sub-2', payload: { value: [other], validationTokens: ['t'] } },
    ]);
  });

  it("splits HubSpot's top-level array by portalId; entries naming no account form their own part", () => {
    // https://developers.hubspot.com/docs/api/webhooks (example payload), plus another portal's event.
    const printed = [
      {
        objectId: 1246965,
        propertyName: 'lifecyclestage',
        propertyValue: 'subscriber',
        changeSource: 'ACADEMY',
        eventId: 3816279340,
        subscriptionId: 25,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1462216307945,
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
      },
      {
        objectId: 1246978,
        changeSource: 'IMPORT',
        eventId: 3816279480,
        subscriptionId: 22,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1462216307945,
        subscriptionType: 'contact.creation',
        attemptNumber: 0,
      },
    ];
    const { portalId: _portal, ...anonymous } = printed[1]!;
    const body = JSON.stringify([
      printed[0],
      { ...printed[1], eventId: 1, portalId: 62515 },
      printed[1],
      anonymous,
    ]);
    const parts = payloadsOf(split(hubspotManifest, body));
    expect(
      parts?.map((part) => [part.account, part.payload.map((e: { eventId: number }) => e.eventId)]),
    ).toEqual([
      ['33', [3816279340, 3816279480]],
      ['62515', [1]],
      [null, [3816279480]],
    ]);
  });
});
