import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';
import { describeWithPostgres } from '../support/services.js';

const ALLOWED = 'https://app.example.com';
const FOREIGN = 'https://evil.example';
const QUERY = JSON.stringify({ query: '{ __typename }' });

const preflight = (hub: TestHub, origin: string) =>
  fetch(`${hub.url}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
const simple = (hub: TestHub, origin: string) =>
  fetch(`${hub.url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', cookie: 'session=1' },
    body: QUERY,
  });
const corsHeaders = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

describeWithPostgres('CORS on /graphql (PostgreSQL)', () => {
  describe('with no origins configured', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('answers no origin at all, preflight or request, and never allows credentials', async () => {
      for (const origin of [FOREIGN, ALLOWED]) {
        const answered = await preflight(hub, origin);
        expect(corsHeaders(answered)).toEqual({});
        const response = await simple(hub, origin);
        expect(response.status).toBe(200);
        expect(corsHeaders(response)).toEqual({});
      }
    });
  });

  describe('with SWITCHBOARD_CORS_ORIGINS', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub({ env: { SWITCHBOARD_CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('allows a listed origin, without credentials, and varies on Origin', async () => {
      const answered = await preflight(hub, ALLOWED);
      expect(answered.status).toBe(204);
      expect(corsHeaders(answered)).toEqual({
        'access-control-allow-origin': ALLOWED,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': expect.stringContaining('authorization'),
        'access-control-max-age': '600',
      });
      expect(answered.headers.get('vary')).toContain('Origin');
      const response = await simple(hub, 'http://localhost:5173');
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toContain('Origin');
    });

    it('gives an origin that is not listed nothing to go on', async () => {
      for (const origin of [FOREIGN, `${ALLOWED}.evil.example`, 'null', 'http://app.example.com']) {
        expect(corsHeaders(await preflight(hub, origin)), origin).toEqual({});
        const response = await simple(hub, origin);
        expect(corsHeaders(response), origin).toEqual({});
      }
    });

    it('adds nothing to routes that are not for browsers', async () => {
      const response = await fetch(`${hub.url}/healthz`, { headers: { origin: ALLOWED } });
      expect(corsHeaders(response)).toEqual({});
    });
  });
});
