import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hubspotManifest } from '../../../src/connectors/hubspot/manifest.js';
import { linearManifest } from '../../../src/connectors/linear/manifest.js';
import { todoistManifest } from '../../../src/connectors/todoist/manifest.js';
import { zoomManifest } from '../../../src/connectors/zoom/manifest.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, seconds, webhooksOf } from '../request.js';

/**
 * The generic scheme reads everything from the manifest. These providers publish no test vectors,
 * so each request is signed here with node:crypto, following the provider's documented recipe as
 * the manifest states it: the test checks the manifest data is read right, not HMAC itself.
 */
const SECRET = 'provider-signing-secret';
const now = new Date('2026-02-02T10:00:00Z');
const hmac = (data: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', SECRET).update(data).digest(encoding);

describe('hmac_sha256 scheme', () => {
  it('Linear: hex over the body, timestamp in the signed body (ms), one-minute window', () => {
    const webhooks = webhooksOf(linearManifest);
    const body = (at: Date) =>
      JSON.stringify({ action: 'create', type: 'Issue', webhookTimestamp: at.getTime() });
    const request = (payload: string) =>
      deliveryRequest({
        headers: {
          'Linear-Signature': hmac(payload, 'hex'),
          'Linear-Delivery': 'delivery-1',
          'Linear-Event': 'Issue',
        },
        body: payload,
      });
    expect(verifyDelivery(webhooks, request(body(now)), SECRET, now)).toEqual({
      ok: true,
      deliveryId: 'delivery-1',
      timestamp: now,
    });
    expect(verifyDelivery(webhooks, request(body(new Date(now.getTime() - 61_000))), SECRET, now)).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyDelivery(webhooks, request(JSON.stringify({ action: 'create' })), SECRET, now)).toEqual({
      ok: false,
      reason: 'missing_timestamp',
    });
  });

  it('HubSpot v3: base64 over method, URL, body and timestamp (ms); body-path delivery id', () => {
    const webhooks = webhooksOf(hubspotManifest);
    const url = 'https://switchboard.example/webhooks/hubspot';
    const body = JSON.stringify([{ eventId: 100, portalId: 62515, subscriptionType: 'contact.creation' }]);
    const timestamp = String(now.getTime());
    const signature = hmac(`POST${url}${body}${timestamp}`, 'base64');
    const request = (overrides: { url?: string; method?: string } = {}) =>
      deliveryRequest({
        headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': timestamp },
        body,
        url: overrides.url ?? url,
        method: overrides.method ?? 'POST',
      });
    expect(verifyDelivery(webhooks, request(), SECRET, now)).toEqual({
      ok: true,
      deliveryId: '100',
      timestamp: now,
    });
    expect(verifyDelivery(webhooks, request({ url: `${url}?x=1` }), SECRET, now).ok).toBe(false);
    expect(verifyDelivery(webhooks, request({ method: 'PUT' }), SECRET, now).ok).toBe(false);
    expect(verifyDelivery(webhooks, request(), SECRET, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('Todoist: base64 over the body, no timestamp', () => {
    const webhooks = webhooksOf(todoistManifest);
    const body = JSON.stringify({ event_name: 'item:added', user_id: '2671355' });
    const request = deliveryRequest({
      headers: { 'X-Todoist-Hmac-SHA256': hmac(body, 'base64'), 'X-Todoist-Delivery-ID': 'd-9' },
      body,
    });
    expect(verifyDelivery(webhooks, request, SECRET, now)).toEqual({
      ok: true,
      deliveryId: 'd-9',
      timestamp: null,
    });
    expect(verifyDelivery(webhooks, { ...request, rawBody: Buffer.from(`${body} `) }, SECRET, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('Zoom: v0= hex over "v0:{timestamp}:{body}", header timestamp in seconds', () => {
    const webhooks = webhooksOf(zoomManifest);
    const body = JSON.stringify({ event: 'meeting.started', payload: { account_id: 'AAAA' } });
    const timestamp = seconds(now);
    const request = deliveryRequest({
      headers: {
        'x-zm-signature': `v0=${hmac(`v0:${timestamp}:${body}`, 'hex')}`,
        'x-zm-request-timestamp': timestamp,
      },
      body,
    });
    expect(verifyDelivery(webhooks, request, SECRET, now).ok).toBe(true);
    expect(verifyDelivery(webhooks, request, SECRET, new Date(now.getTime() + 301_000)).ok).toBe(false);
  });
});
