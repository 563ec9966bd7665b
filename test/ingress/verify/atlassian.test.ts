import { createHash, createHmac } from 'node:crypto';
import { type JWTPayload, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { jiraManifest } from '../../../src/connectors/jira/manifest.js';
import { canonicalRequest } from '../../../src/ingress/verify/atlassian.js';
import { verifyDelivery } from '../../../src/ingress/verify-delivery.js';
import { deliveryRequest, webhooksOf } from '../request.js';

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
    const URL_CALLED = 'https://switchboard.example/webhooks/provider/conn_1';
    // Atlassian's query string hash of the request the token was minted for: POST, this path, no query.
    const QSH = createHash('sha256').update('POST&/webhooks/provider/conn_1&').digest('hex');
    const jwt = (
      secret: string,
      issuedAt: Date,
      expiresAt: Date | null,
      claims: JWTPayload = { iss: 'jira', qsh: QSH },
    ) => {
      const token = new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(Math.floor(issuedAt.getTime() / 1000));
      if (expiresAt) token.setExpirationTime(Math.floor(expiresAt.getTime() / 1000));
      return token.sign(Buffer.from(secret));
    };
    const later = (s: number) => new Date(now.getTime() + s * 1000);
    const verdictFor = (token: string, url = URL_CALLED) =>
      verifyDelivery(
        webhooks,
        deliveryRequest({
          headers: { 'X-Atlassian-Webhook-Identifier': 'whid-1', Authorization: `Bearer ${token}` },
          body,
          url,
        }),
        CLIENT_SECRET,
        now,
      );

    it('accepts a valid token bound to this request and reports its issue time', async () => {
      const token = await jwt(CLIENT_SECRET, now, later(180));
      expect(verdictFor(token)).toEqual({
        ok: true,
        deliveryId: 'whid-1',
        timestamp: new Date(Math.floor(now.getTime() / 1000) * 1000),
      });
    });

    it('refuses a token signed with another secret, an expired one, and one issued in the future', async () => {
      const forged = await jwt('guessed', now, later(180));
      expect(verdictFor(forged)).toEqual({ ok: false, reason: 'bad_signature' });
      const expired = await jwt(CLIENT_SECRET, later(-600), later(-120));
      expect(verdictFor(expired)).toEqual({ ok: false, reason: 'stale_timestamp' });
      const early = await jwt(CLIENT_SECRET, later(600), later(900));
      expect(verdictFor(early)).toEqual({ ok: false, reason: 'future_timestamp' });
    });

    it('refuses a token without exp: it could be replayed forever', async () => {
      const forever = await jwt(CLIENT_SECRET, now, null);
      expect(verdictFor(forever)).toEqual({ ok: false, reason: 'missing_timestamp' });
    });

    it('tolerates a small clock skew on exp, no more', async () => {
      expect(verdictFor(await jwt(CLIENT_SECRET, later(-200), later(-30))).ok).toBe(true);
      expect(verdictFor(await jwt(CLIENT_SECRET, later(-300), later(-90))).ok).toBe(false);
    });

    it('refuses a token whose qsh binds it to another request, a context token, and one without qsh', async () => {
      // Minted for another connection's URL: replayed here, it must not verify.
      const elsewhere = await jwt(CLIENT_SECRET, now, later(180), {
        iss: 'jira',
        qsh: createHash('sha256').update('POST&/webhooks/provider/conn_2&').digest('hex'),
      });
      expect(verdictFor(elsewhere)).toEqual({ ok: false, reason: 'bad_signature' });
      // The same token on the URL it was minted for, but over GET, or with a query added.
      const mine = await jwt(CLIENT_SECRET, now, later(180));
      expect(verdictFor(mine, `${URL_CALLED}?extra=1`)).toEqual({ ok: false, reason: 'bad_signature' });
      const context = await jwt(CLIENT_SECRET, now, later(180), { iss: 'jira', qsh: 'context-qsh' });
      expect(verdictFor(context)).toEqual({ ok: false, reason: 'bad_signature' });
      const unbound = await jwt(CLIENT_SECRET, now, later(180), { iss: 'jira' });
      expect(verdictFor(unbound)).toEqual({ ok: false, reason: 'malformed_signature' });
    });

    it('ignores the jwt query parameter and a trailing slash, as Atlassian does', async () => {
      const token = await jwt(CLIENT_SECRET, now, later(180));
      expect(verdictFor(token, `${URL_CALLED}/?jwt=ignored`).ok).toBe(true);
    });

    it('refuses unsigned and malformed tokens', () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const unsigned = `${part({ alg: 'none' })}.${part({ iss: 'jira' })}.`;
      for (const token of [unsigned, 'not-a-jwt', 'a.b.c.d']) {
        expect(verdictFor(token).ok).toBe(false);
      }
    });
  });

  describe('the canonical request behind qsh', () => {
    it("matches Atlassian's documented examples", () => {
      // From Atlassian's "Understanding JWT for Connect apps" (qsh section).
      expect(
        canonicalRequest(
          'get',
          'http://localhost:2990/path/to/service?zee_last=param&repeated=parameter%201&first=param&repeated=parameter%202',
        ),
      ).toBe('GET&/path/to/service&first=param&repeated=parameter%201,parameter%202&zee_last=param');
      expect(canonicalRequest('GET', 'https://example.com/?param=foo')).toBe('GET&/&param=foo');
      expect(canonicalRequest('POST', 'https://example.com/user')).toBe('POST&/user&');
    });

    it('encodes as OAuth 1.0 does, sorts by code point, and keeps & in the path from colliding with the query', () => {
      expect(canonicalRequest('GET', 'https://example.com/a?b=x+y&B=*~&a=%21')).toBe(
        'GET&/a&B=%2A~&a=%21&b=x%20y',
      );
      expect(canonicalRequest('GET', 'https://example.com/rest/project&a=b?x=y')).toBe(
        'GET&/rest/project%26a=b&x=y',
      );
    });
  });
});
