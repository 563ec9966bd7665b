import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionServices } from '../../../src/connections/index.js';
import { tenantStream } from '../../../src/events/tenant.js';
import {
  ConfigureIntegrationDocument,
  ConfigureRedirectAllowlistDocument,
  CurrentTenantDocument,
  RegisterTenantDocument,
  StartConnectionDocument,
} from '../../../src/generated/graphql.js';
import { asOperator, codes, startTestHub, type TestHub } from '../../support/hub.js';
import { describeWithPostgres } from '../../support/services.js';

/**
 * Where the OAuth callback may send a user: only to a redirectUri on the tenant's allowlist or the
 * global one, and only for the attempt's first, timely callback. GitHub is the provider: starting a
 * connection builds its authorization URL offline, and nothing here exchanges a code.
 */
async function hubWithGitHub(env: Record<string, string> = {}): Promise<TestHub> {
  const hub = await startTestHub({ env });
  const configured = await hub.request(
    ConfigureIntegrationDocument,
    { input: { provider: 'github', clientId: 'Iv1.allowlist', clientSecret: 'secret', scopes: [] } },
    asOperator(),
  );
  expect(configured.errors).toBeUndefined();
  return hub;
}

async function register(hub: TestHub, id: string): Promise<void> {
  const result = await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
  expect(result.errors).toBeUndefined();
}

const start = (hub: TestHub, tenantId: string, redirectUri: string | null) =>
  hub.request(StartConnectionDocument, { input: { provider: 'github', redirectUri } }, asOperator(tenantId));

const configure = (hub: TestHub, tenantId: string, redirectUris: string[]) =>
  hub.request(ConfigureRedirectAllowlistDocument, { input: { redirectUris } }, asOperator(tenantId));

describeWithPostgres('redirect allowlists (PostgreSQL)', () => {
  describe('without a global allowlist', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await hubWithGitHub();
      await register(hub, 'ra-a');
      await register(hub, 'ra-b');
    });
    afterAll(async () => {
      await hub?.close();
    });

    it('refuses every redirectUri while no allowlist is configured, saying how to configure one', async () => {
      const refused = await start(hub, 'ra-a', 'https://app.example.com/oauth/done');
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.message).toContain('configureRedirectAllowlist');
      expect(refused.errors?.[0]?.message).toContain('SWITCHBOARD_REDIRECT_ALLOWLIST');
      // Without a redirectUri the user sees the hub's own result page: no allowlist needed.
      expect((await start(hub, 'ra-a', null)).errors).toBeUndefined();
    });

    it("keeps a tenant's redirectUri to its allowlist: exact origin, path prefix by segment", async () => {
      const configured = await configure(hub, 'ra-a', [
        'https://App.Example.com/oauth/',
        'http://127.0.0.1:3000/cb',
      ]);
      expect(configured.errors).toBeUndefined();
      expect(configured.data?.configureRedirectAllowlist.redirectAllowlist).toEqual([
        'https://app.example.com/oauth',
        'http://127.0.0.1:3000/cb',
      ]);
      const tenant = await hub.request(CurrentTenantDocument, {}, asOperator('ra-a'));
      expect(tenant.data?.tenant?.redirectAllowlist).toHaveLength(2);

      for (const uri of [
        'https://app.example.com/oauth',
        'https://app.example.com/oauth/done?next=%2Fhome#tab',
        'http://127.0.0.1:3000/cb/finish',
      ]) {
        expect((await start(hub, 'ra-a', uri)).errors, uri).toBeUndefined();
      }
      for (const uri of [
        'https://app.example.com/oauthx',
        'https://app.example.com/oauth/../admin',
        'https://evil.example/oauth',
        'http://app.example.com/oauth',
        'https://app.example.com:8443/oauth',
      ]) {
        const refused = await start(hub, 'ra-a', uri);
        expect(codes(refused), uri).toEqual(['BAD_USER_INPUT']);
        expect(refused.errors?.[0]?.message, uri).toContain('allowlist');
      }
      // Another tenant's allowlist is not this one's.
      expect(codes(await start(hub, 'ra-b', 'https://app.example.com/oauth'))).toEqual(['BAD_USER_INPUT']);
    });

    it('records the allowlist on the tenant stream, once per change, and an empty list clears it', async () => {
      await configure(hub, 'ra-b', ['https://b.example.com/']);
      await configure(hub, 'ra-b', ['https://b.example.com']);
      const cleared = await configure(hub, 'ra-b', []);
      expect(cleared.data?.configureRedirectAllowlist.redirectAllowlist).toEqual([]);
      const types: string[] = [];
      for await (const event of hub.runtime.eventStore.readStream(tenantStream('ra-b')))
        types.push(event.type);
      expect(types).toEqual([
        'TenantRegistered',
        'TenantRedirectAllowlistConfigured',
        'TenantRedirectAllowlistConfigured',
      ]);
      expect(codes(await start(hub, 'ra-b', 'https://b.example.com/'))).toEqual(['BAD_USER_INPUT']);
    });

    it('refuses a malformed entry, naming it', async () => {
      const refused = await configure(hub, 'ra-b', ['https://ok.example.com', 'http://plain.example.com/cb']);
      expect(codes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors?.[0]?.message).toContain('http://plain.example.com/cb');
    });

    it("shows its own page for a used, expired or unknown state, never the caller's redirect", async () => {
      await configure(hub, 'ra-a', ['https://app.example.com/oauth']);
      const started = await start(hub, 'ra-a', 'https://app.example.com/oauth/done');
      const { state } = started.data!.startConnection;
      const callback = `${hub.url}/oauth/callback?state=${state}&error=access_denied`;
      // The first callback ends the attempt and sends the user back to the app, as it should.
      const first = await fetch(callback, { redirect: 'manual' });
      expect(first.status).toBe(303);
      expect(first.headers.get('location')).toMatch(
        /^https:\/\/app\.example\.com\/oauth\/done\?error=access_denied/,
      );
      // Replaying it (used state) must not make the hub a lasting redirector to that URL.
      for (let replay = 0; replay < 2; replay++) {
        const again = await fetch(callback, { redirect: 'manual' });
        expect(again.status).toBe(400);
        expect(again.headers.get('location')).toBeNull();
        expect(again.headers.get('content-type')).toContain('text/html');
        expect(await again.text()).toContain('invalid_state');
      }
      // An expired state, seen eleven minutes later.
      const late = await start(hub, 'ra-a', 'https://app.example.com/oauth/done');
      const later = createConnectionServices({
        ...hub.runtime.connections.deps,
        now: () => new Date(Date.now() + 11 * 60_000),
      });
      const outcome = await later.handleCallback(
        { actor: 'system:test', correlationId: 'expired' },
        { state: late.data!.startConnection.state, code: 'x' },
      );
      expect(outcome).toMatchObject({ ok: false, error: 'expired_state', redirectUri: null });
    });
  });

  describe('with SWITCHBOARD_REDIRECT_ALLOWLIST', () => {
    let hub: TestHub;

    beforeAll(async () => {
      hub = await hubWithGitHub({
        SWITCHBOARD_REDIRECT_ALLOWLIST: 'https://global.example/cb, http://localhost:5173/',
      });
      await register(hub, 'rg-a');
      await register(hub, 'rg-b');
    });
    afterAll(async () => {
      await hub?.close();
    });

    it("applies the global allowlist to every tenant, beside a tenant's own", async () => {
      expect((await start(hub, 'rg-a', 'https://global.example/cb/done')).errors).toBeUndefined();
      expect((await start(hub, 'rg-b', 'http://localhost:5173/settings')).errors).toBeUndefined();
      expect(codes(await start(hub, 'rg-a', 'https://global.example/cbx'))).toEqual(['BAD_USER_INPUT']);
      await configure(hub, 'rg-a', ['https://own.example/']);
      expect((await start(hub, 'rg-a', 'https://own.example/x')).errors).toBeUndefined();
      expect((await start(hub, 'rg-a', 'https://global.example/cb')).errors).toBeUndefined();
      expect(codes(await start(hub, 'rg-b', 'https://own.example/x'))).toEqual(['BAD_USER_INPUT']);
    });
  });
});
