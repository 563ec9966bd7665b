import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jiraManifest } from '../../src/connectors/jira/manifest.js';
import { verifyDelivery } from '../../src/ingress/verify-delivery.js';
import { deliveryRequest, webhooksOf } from './request.js';

const webhooks = webhooksOf(jiraManifest);
const now = new Date('2026-02-02T10:00:00Z');
const body = JSON.stringify({ webhookEvent: 'jira:issue_created', issue: { key: 'PROJ-1' } });

describe('Atlassian (Jira)', () => {
  const SECRET = 'admin-webhook-secret';
  const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
  const request = (headers: Record<string, string | undefined>, payload = body) =>
    deliveryRequest({ headers: { 'X-Atlassian-Webhook-Identifier': 'whid-1', ...headers }, body: payload });

  it('verifies an admin webhook: X-Hub-Signature sha256= over the body', () => {
    expect(verifyDelivery(webhooks, request({ 'X-Hub-Signature': signature }), SECRET, now)).toEqual({
      ok: true,
      deliveryId: 'whid-1',
      timestamp: null,
    });
    expect(
      verifyDelivery(webhooks, request({ 'X-Hub-Signature': signature }, `${body}\n`), SECRET, now),
    ).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(verifyDelivery(webhooks, request({}), SECRET, now)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  describe('dynamic webhooks: HS256 JWT signed with the client secret', () => {
    const CLIENT_SECRET = 'oauth-client-secret';
    const jwt = (secret: string, issuedAt: Date, expiresAt: Date) =>
      new SignJWT({ iss: 'jira' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(Buffer.from(secret));
    const later = (s: number) => new Date(now.getTime() + s * 1000);

    it('accepts a valid token and reports its issue time', async () => {
      const token = await jwt(CLIENT_SECRET, now, later(180));
      expect(
        verifyDelivery(webhooks, request({ Authorization: `Bearer ${token}` }), CLIENT_SECRET, now),
      ).toEqual({
        ok: true,
        deliveryId: 'whid-1',
        timestamp: new Date(Math.floor(now.getTime() / 1000) * 1000),
      });
    });

    it('refuses a token signed with another secret, an expired one, and one issued in the future', async () => {
      const forged = await jwt('guessed', now, later(180));
      expect(
        verifyDelivery(webhooks, request({ Authorization: `Bearer ${forged}` }), CLIENT_SECRET, now),
      ).toEqual({
        ok: false,
        reason: 'bad_signature',
      });
      const expired = await jwt(CLIENT_SECRET, later(-600), later(-120));
      expect(
        verifyDelivery(webhooks, request({ Authorization: `Bearer ${expired}` }), CLIENT_SECRET, now),
      ).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
      const early = await jwt(CLIENT_SECRET, later(600), later(900));
      expect(
        verifyDelivery(webhooks, request({ Authorization: `Bearer ${early}` }), CLIENT_SECRET, now),
      ).toEqual({
        ok: false,
        reason: 'future_timestamp',
      });
    });

    it('refuses unsigned and malformed tokens', () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg: 'none' })}.${part({ iss: 'jira' })}.`;
      for (const token of [unsigned, 'not-a-jwt', 'a.b.c.d']) {
        const verdict = verifyDelivery(
          webhooks,
          request({ Authorization: `Bearer ${token}` }),
          CLIENT_SECRET,
          now,
        );
        expect(verdict.ok).toBe(false);
      }
    });
  });
});
