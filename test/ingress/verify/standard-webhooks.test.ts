import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookSchema } from '../../../src/connectors/sdk/schema/webhooks.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, seconds } from '../request.js';

const webhooks = webhookSchema.parse({ scheme: 'standard_webhooks' });

// The specification's test vector, as used by the reference libraries' tests
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = '1614265330';
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const signedAt = new Date(Number(TIMESTAMP) * 1000);
const shifted = (secondsLater: number) => new Date(signedAt.getTime() + secondsLater * 1000);

function request(
  overrides: { id?: string; timestamp?: string; signature?: string; body?: string } = {},
  omit: string[] = [],
) {
  const headers: Record<string, string | undefined> = {
    'webhook-id': overrides.id ?? MSG_ID,
    'webhook-timestamp': overrides.timestamp ?? TIMESTAMP,
    'webhook-signature': overrides.signature ?? SIGNATURE,
  };
  for (const name of omit) headers[name] = undefined;
  return deliveryRequest({ headers, body: overrides.body ?? BODY });
}

const sign = (key: Buffer, id: string, timestamp: string, body: string) =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
const KEY = Buffer.from(SECRET.slice('whsec_'.length), 'base64');

describe('Standard Webhooks', () => {
  it("verifies the specification's test vector", () => {
    expect(verifyDelivery(webhooks, request(), SECRET, signedAt)).toEqual({
      ok: true,
      deliveryId: MSG_ID,
      timestamp: signedAt,
    });
  });

  it('takes the secret with or without whsec_, or as raw key bytes', () => {
    expect(verifyDelivery(webhooks, request(), SECRET.slice('whsec_'.length), signedAt).ok).toBe(true);
    expect(verifyDelivery(webhooks, request(), KEY, signedAt).ok).toBe(true);
    expect(verifyDelivery(webhooks, request(), 'whsec_not base64!', signedAt)).toEqual({
      ok: false,
      reason: 'secret_not_configured',
    });
  });

  it('accepts any v1 signature among several (rotation), ignoring other versions, and duplicates', () => {
    const other = sign(Buffer.from('an-old-rotated-key'), MSG_ID, TIMESTAMP, BODY);
    const signature = `${other} v1a,${SIGNATURE.slice(3)} v2,${SIGNATURE.slice(3)} ${SIGNATURE}`;
    expect(verifyDelivery(webhooks, request({ signature }), SECRET, signedAt).ok).toBe(true);
    expect(
      verifyDelivery(webhooks, request({ signature: `${SIGNATURE} ${SIGNATURE}` }), SECRET, signedAt).ok,
    ).toBe(true);
    expect(verifyDelivery(webhooks, request({ signature: `${other} ${other}` }), SECRET, signedAt)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses signatures of no version it knows, and truncated ones', () => {
    expect(
      verifyDelivery(webhooks, request({ signature: `v2,${SIGNATURE.slice(3)}` }), SECRET, signedAt),
    ).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(verifyDelivery(webhooks, request({ signature: 'v1,' }), SECRET, signedAt)).toEqual({
      ok: false,
      reason: 'malformed_signature',
    });
    expect(verifyDelivery(webhooks, request({ signature: SIGNATURE.slice(0, 8) }), SECRET, signedAt)).toEqual(
      {
        ok: false,
        reason: 'bad_signature',
      },
    );
  });

  it('refuses a changed body, id or timestamp: all three are signed', () => {
    expect(verifyDelivery(webhooks, request({ body: '{"test": 2432232315}' }), SECRET, signedAt).ok).toBe(
      false,
    );
    expect(verifyDelivery(webhooks, request({ id: 'msg_other' }), SECRET, signedAt).ok).toBe(false);
    expect(verifyDelivery(webhooks, request({ timestamp: '1614265331' }), SECRET, signedAt).ok).toBe(false);
  });

  it('keeps the declared window in both directions', () => {
    expect(verifyDelivery(webhooks, request(), SECRET, shifted(300)).ok).toBe(true);
    expect(verifyDelivery(webhooks, request(), SECRET, shifted(301))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyDelivery(webhooks, request(), SECRET, shifted(-301))).toEqual({
      ok: false,
      reason: 'future_timestamp',
    });
    const tight = webhookSchema.parse({ scheme: 'standard_webhooks', toleranceSeconds: 30 });
    expect(verifyDelivery(tight, request(), SECRET, shifted(31))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('names the missing header', () => {
    expect(verifyDelivery(webhooks, request({}, ['webhook-signature']), SECRET, signedAt)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verifyDelivery(webhooks, request({}, ['webhook-id']), SECRET, signedAt)).toEqual({
      ok: false,
      reason: 'missing_delivery_id',
    });
    expect(verifyDelivery(webhooks, request({}, ['webhook-timestamp']), SECRET, signedAt)).toEqual({
      ok: false,
      reason: 'missing_timestamp',
    });
  });

  it('verifies a fresh delivery signed now', () => {
    const now = new Date('2026-05-05T05:05:05Z');
    const timestamp = seconds(now);
    const body = '{"type":"invoice.paid"}';
    const signature = sign(KEY, 'msg_1', timestamp, body);
    expect(
      verifyDelivery(webhooks, request({ id: 'msg_1', timestamp, signature, body }), SECRET, now).ok,
    ).toBe(true);
  });
});
