import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkHmacSignature,
  decodeStrict,
  type SignatureSpec,
  signedBytes,
} from '../../../src/ingress/verify/signature.js';
import { deliveryRequest } from '../request.js';

const secret = 'whsec-test-secret';
const spec: SignatureSpec = {
  header: 'X-Signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  signedPayload: '{body}',
};
const hmac = (algorithm: 'sha256' | 'sha1', data: Buffer | string) =>
  createHmac(algorithm, secret).update(data).digest();

describe('signedBytes', () => {
  it('fills the template with the raw body bytes, the timestamp as sent, the method and the URL', () => {
    // Not valid UTF-8: decoding and re-encoding would change these bytes.
    const rawBody = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const request = { ...deliveryRequest({ method: 'post', url: 'https://hub.example/w/p/c' }), rawBody };
    const bytes = signedBytes('v0:{timestamp}:{method} {url}:{body}', request, '0017');
    expect(bytes).toEqual(Buffer.concat([Buffer.from('v0:0017:POST https://hub.example/w/p/c:'), rawBody]));
  });

  it('says a template needs a timestamp the request did not carry', () => {
    expect(signedBytes('{timestamp}.{body}', deliveryRequest({ body: '{}' }), undefined)).toBe(
      'missing_timestamp',
    );
    expect(signedBytes('{body}', deliveryRequest({ body: '{}' }), undefined)).toEqual(Buffer.from('{}'));
  });
});

describe('checkHmacSignature', () => {
  const body = Buffer.from('{"action":"opened"}');
  const signed = (header: string | undefined) =>
    checkHmacSignature(spec, deliveryRequest({ body, headers: { 'X-Signature': header } }), secret, body);

  it('accepts the HMAC of the signed bytes, in any hex case, around spaces', () => {
    const digest = hmac('sha256', body).toString('hex');
    expect(signed(`sha256=${digest}`)).toBeNull();
    expect(signed(`sha256=${digest.toUpperCase()}`)).toBeNull();
    expect(signed(` sha256=${digest} `)).toBeNull();
  });

  it('tells a missing, a malformed and a wrong signature apart', () => {
    const digest = hmac('sha256', body).toString('hex');
    expect(signed(undefined)).toBe('missing_signature');
    expect(signed('')).toBe('missing_signature');
    expect(signed(digest)).toBe('malformed_signature'); // no prefix
    expect(signed(`sha256=${digest.slice(0, -2)}`)).toBe('malformed_signature'); // too short
    expect(signed(`sha256=${digest}zz`)).toBe('malformed_signature');
    expect(signed(`sha256=${hmac('sha256', 'other').toString('hex')}`)).toBe('bad_signature');
  });

  it('uses the algorithm and encoding the manifest names, with a digest of that size', () => {
    const sha1Base64 = { ...spec, algorithm: 'sha1', encoding: 'base64', prefix: '' } as const;
    const request = (header: string) => deliveryRequest({ body, headers: { 'X-Signature': header } });
    expect(
      checkHmacSignature(sha1Base64, request(hmac('sha1', body).toString('base64')), secret, body),
    ).toBeNull();
    expect(
      checkHmacSignature(sha1Base64, request(hmac('sha256', body).toString('base64')), secret, body),
    ).toBe('malformed_signature');
  });

  it('takes a secret given as bytes', () => {
    const digest = createHmac('sha256', Buffer.from([1, 2, 3]))
      .update(body)
      .digest('hex');
    const request = deliveryRequest({ body, headers: { 'X-Signature': `sha256=${digest}` } });
    expect(checkHmacSignature(spec, request, Buffer.from([1, 2, 3]), body)).toBeNull();
  });
});

describe('decodeStrict', () => {
  it('decodes only well-formed text, where Buffer.from would skip what it cannot read', () => {
    expect(decodeStrict('0aFF', 'hex')).toEqual(Buffer.from([0x0a, 0xff]));
    expect(decodeStrict('0aF', 'hex')).toBeNull();
    expect(decodeStrict('0azz', 'hex')).toBeNull();
    expect(decodeStrict('', 'hex')).toBeNull();
    expect(decodeStrict('AQID', 'base64')).toEqual(Buffer.from([1, 2, 3]));
    expect(decodeStrict('AQ==', 'base64')).toEqual(Buffer.from([1]));
    expect(decodeStrict('AQ-_', 'base64')).toBeNull();
    expect(decodeStrict('AQ-_', 'base64url')).toEqual(Buffer.from('AQ-_', 'base64url'));
    expect(decodeStrict('AQ==', 'base64url')).toBeNull();
  });
});
