import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { githubManifest } from '../../src/connectors/github/manifest.js';
import { googleCalendarManifest } from '../../src/connectors/google-calendar/manifest.js';
import { microsoft365Manifest } from '../../src/connectors/microsoft-365/manifest.js';
import { slackManifest } from '../../src/connectors/slack/manifest.js';
import { handshakeResponse } from '../../src/ingress/handshake.js';
import { verifyDelivery } from '../../src/ingress/verify-delivery.js';
import { deliveryRequest, seconds, webhooksOf } from './request.js';

const now = new Date('2026-02-02T10:00:00Z');

describe('handshakes', () => {
  describe('Slack url_verification (signed, so answered after verification)', () => {
    const webhooks = webhooksOf(slackManifest);
    // https://docs.slack.dev/reference/events/url_verification
    const body = readFileSync(
      new URL('../connectors/slack/fixtures/url-verification.json', import.meta.url),
      'utf8',
    );
    const secret = 'slack-signing-secret';
    const timestamp = seconds(now);
    const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const request = deliveryRequest({
      headers: { 'X-Slack-Signature': signature, 'X-Slack-Request-Timestamp': timestamp },
      body,
    });

    it('echoes the challenge in plain text once the request verifies', () => {
      expect(handshakeResponse(webhooks, request, 'before_verification')).toBeNull();
      expect(verifyDelivery(webhooks, request, secret, now).ok).toBe(true);
      expect(handshakeResponse(webhooks, request)).toEqual({
        status: 200,
        contentType: 'text/plain',
        body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      });
    });

    it('is not fooled: a forged challenge fails verification, and event callbacks are no handshake', () => {
      expect(verifyDelivery(webhooks, request, 'not-the-secret', now).ok).toBe(false);
      const event = readFileSync(
        new URL('../connectors/slack/fixtures/app-mention.json', import.meta.url),
        'utf8',
      );
      expect(handshakeResponse(webhooks, deliveryRequest({ body: event }))).toBeNull();
    });
  });

  describe('Microsoft Graph validationToken (unauthenticated, so answered before verification)', () => {
    const webhooks = webhooksOf(microsoft365Manifest);
    it('echoes the URL-decoded token as text/plain with 200', () => {
      // https://learn.microsoft.com/en-us/graph/change-notifications-delivery-webhooks#notificationurl-validation
      // calls the token opaque and asks for it URL-decoded; this is the form it takes in practice.
      const request = deliveryRequest({
        url: 'https://switchboard.example/webhooks/microsoft-365/conn_1?validationToken=Validation%3a+Testing+client+application+reachability+for+subscription+Request-Id%3a+182ed483-d4fc-4563-84a4-a5b52ae5a5c8',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
      expect(handshakeResponse(webhooks, request, 'before_verification')).toEqual({
        status: 200,
        contentType: 'text/plain',
        body: 'Validation: Testing client application reachability for subscription Request-Id: 182ed483-d4fc-4563-84a4-a5b52ae5a5c8',
      });
      expect(handshakeResponse(webhooks, request)).toBeNull();
    });

    it('ignores notifications and non-POST requests', () => {
      expect(
        handshakeResponse(webhooks, deliveryRequest({ body: '{"value":[]}' }), 'before_verification'),
      ).toBeNull();
      const get = deliveryRequest({ method: 'GET', url: 'https://switchboard.example/w?validationToken=x' });
      expect(handshakeResponse(webhooks, get, 'before_verification')).toBeNull();
    });
  });

  describe('Google sync message (token-authenticated, answered after verification)', () => {
    const webhooks = webhooksOf(googleCalendarManifest);
    // The sync message in https://developers.google.com/calendar/api/guides/push
    const headers = {
      'X-Goog-Channel-ID': '4ba78bf0-6a47-11e2-bcfd-0800200c9a66',
      'X-Goog-Channel-Token': '398348u3tu83ut8uu38',
      'X-Goog-Resource-ID': 'ret08u3rv24htgh289g',
      'X-Goog-Resource-State': 'sync',
      'X-Goog-Message-Number': '1',
    };
    it('answers 200 with an empty body and records nothing', () => {
      const request = deliveryRequest({ headers });
      expect(handshakeResponse(webhooks, request, 'before_verification')).toBeNull();
      expect(verifyDelivery(webhooks, request, '398348u3tu83ut8uu38', now).ok).toBe(true);
      expect(handshakeResponse(webhooks, request)).toEqual({
        status: 200,
        contentType: 'text/plain',
        body: '',
      });
      const change = deliveryRequest({ headers: { ...headers, 'X-Goog-Resource-State': 'exists' } });
      expect(handshakeResponse(webhooks, change)).toBeNull();
    });
  });

  it('GitHub has no handshake', () => {
    const request = deliveryRequest({ body: '{"zen":"Keep it logically awesome."}' });
    expect(handshakeResponse(webhooksOf(githubManifest), request)).toBeNull();
  });
});
