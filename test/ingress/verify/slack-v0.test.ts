import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackManifest } from '../../../src/connectors/slack/manifest.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, seconds, webhooksOf } from '../request.js';

const webhooks = webhooksOf(slackManifest);

// The worked example in https://docs.slack.dev/authentication/verifying-requests-from-slack
// (a slash command, form-encoded: Slack signs every request body the same way).
const DOC_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOC_TIMESTAMP = '1531420618';
const DOC_BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const DOC_SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const signedAt = new Date(Number(DOC_TIMESTAMP) * 1000);
const shifted = (secondsLater: number) => new Date(signedAt.getTime() + secondsLater * 1000);

function request(headers: { timestamp?: string; signature?: string }, body = DOC_BODY) {
  return deliveryRequest({
    headers: { 'X-Slack-Request-Timestamp': headers.timestamp, 'X-Slack-Signature': headers.signature },
    body,
  });
}
const documented = () => request({ timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE });
const sign = (secret: string, timestamp: string, body: string) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

describe('Slack v0 signatures', () => {
  it("verifies Slack's documented example within the window", () => {
    expect(verifyDelivery(webhooks, documented(), DOC_SECRET, shifted(60))).toEqual({
      ok: true,
      deliveryId: null, // a slash command has no event_id
      timestamp: signedAt,
    });
  });

  it('keeps a five-minute window in both directions, bounds included', () => {
    expect(verifyDelivery(webhooks, documented(), DOC_SECRET, shifted(300)).ok).toBe(true);
    expect(verifyDelivery(webhooks, documented(), DOC_SECRET, shifted(-300)).ok).toBe(true);
    expect(verifyDelivery(webhooks, documented(), DOC_SECRET, shifted(301))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyDelivery(webhooks, documented(), DOC_SECRET, shifted(-301))).toEqual({
      ok: false,
      reason: 'future_timestamp',
    });
  });

  it('refuses a tampered body, a wrong secret, and a timestamp changed after signing', () => {
    const now = shifted(1);
    expect(
      verifyDelivery(
        webhooks,
        request({ timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE }, `${DOC_BODY}&x=1`),
        DOC_SECRET,
        now,
      ),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyDelivery(webhooks, documented(), 'another-signing-secret', now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    // A replayer cannot freshen the timestamp: it is part of what was signed.
    const fresh = request({ timestamp: seconds(shifted(200)), signature: DOC_SIGNATURE });
    expect(verifyDelivery(webhooks, fresh, DOC_SECRET, shifted(200))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('reports missing and malformed headers', () => {
    const now = shifted(1);
    expect(verifyDelivery(webhooks, request({ signature: DOC_SIGNATURE }), DOC_SECRET, now)).toEqual({
      ok: false,
      reason: 'missing_timestamp',
    });
    expect(verifyDelivery(webhooks, request({ timestamp: DOC_TIMESTAMP }), DOC_SECRET, now)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(
      verifyDelivery(
        webhooks,
        request({ timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE.slice(3) }),
        DOC_SECRET,
        now,
      ),
    ).toEqual({ ok: false, reason: 'malformed_signature' });
    // Signed, but not a timestamp: authentic yet unusable for the window.
    const odd = '1531420618.5';
    expect(
      verifyDelivery(
        webhooks,
        request({ timestamp: odd, signature: sign(DOC_SECRET, odd, DOC_BODY) }),
        DOC_SECRET,
        now,
      ),
    ).toEqual({ ok: false, reason: 'malformed_timestamp' });
  });

  it("reads the delivery id from an Events API body once it is verified (Slack's documented message.channels example)", () => {
    const body = readFileSync(
      new URL('../../connectors/slack/fixtures/message-channels.json', import.meta.url),
      'utf8',
    );
    const now = new Date('2026-03-01T12:00:00Z');
    const timestamp = seconds(now);
    const verdict = verifyDelivery(
      webhooks,
      request({ timestamp, signature: sign(DOC_SECRET, timestamp, body) }, body),
      DOC_SECRET,
      now,
    );
    expect(verdict).toEqual({
      ok: true,
      deliveryId: 'Ev123ABC456',
      timestamp: new Date(Number(timestamp) * 1000),
    });
  });
});
