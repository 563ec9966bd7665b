import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { githubManifest } from '../../../src/connectors/github/manifest.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, webhooksOf } from '../request.js';

const webhooks = webhooksOf(githubManifest);
const now = new Date('2026-01-01T00:00:00Z');

// The worked example in https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
const DOC_SECRET = "It's a Secret to Everybody";
const DOC_BODY = 'Hello, World!';
const DOC_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

function request(signature: string | undefined, body = DOC_BODY) {
  return deliveryRequest({
    headers: {
      'X-Hub-Signature-256': signature,
      'X-GitHub-Delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      'X-GitHub-Event': 'issues',
    },
    body,
  });
}

describe('GitHub X-Hub-Signature-256', () => {
  it("verifies GitHub's documented example and reports the delivery id", () => {
    expect(verifyDelivery(webhooks, request(DOC_SIGNATURE), DOC_SECRET, now)).toEqual({
      ok: true,
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      timestamp: null,
    });
  });

  it('accepts the secret as bytes and the digest in upper case', () => {
    const upper = `sha256=${DOC_SIGNATURE.slice('sha256='.length).toUpperCase()}`;
    expect(verifyDelivery(webhooks, request(upper), Buffer.from(DOC_SECRET), now).ok).toBe(true);
  });

  it('refuses a tampered body and a wrong secret', () => {
    expect(verifyDelivery(webhooks, request(DOC_SIGNATURE, 'Hello, World?'), DOC_SECRET, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyDelivery(webhooks, request(DOC_SIGNATURE), "It's a Secret to Everybody!", now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('refuses a body differing only in bytes a JSON re-serialization would change', () => {
    const raw = '{"a":1,  "b":"é"}';
    const signature = `sha256=${createHmac('sha256', DOC_SECRET).update(raw).digest('hex')}`;
    expect(verifyDelivery(webhooks, request(signature, raw), DOC_SECRET, now).ok).toBe(true);
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(verifyDelivery(webhooks, request(signature, reserialized), DOC_SECRET, now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('tells a missing signature from a malformed one', () => {
    expect(verifyDelivery(webhooks, request(undefined), DOC_SECRET, now)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    const digest = DOC_SIGNATURE.slice('sha256='.length);
    for (const malformed of [
      digest, // no prefix
      `sha1=${digest}`, // legacy X-Hub-Signature style
      `sha256=${digest.slice(0, 62)}`, // truncated
      `sha256=${digest}00`, // too long
      `sha256=${digest.slice(0, 63)}z`, // not hex
    ]) {
      expect(verifyDelivery(webhooks, request(malformed), DOC_SECRET, now)).toEqual({
        ok: false,
        reason: 'malformed_signature',
      });
    }
  });

  it('refuses to verify with an empty secret, which anyone could sign with', () => {
    const signature = `sha256=${createHmac('sha256', '').update(DOC_BODY).digest('hex')}`;
    expect(verifyDelivery(webhooks, request(signature), '', now)).toEqual({
      ok: false,
      reason: 'secret_not_configured',
    });
  });
});
