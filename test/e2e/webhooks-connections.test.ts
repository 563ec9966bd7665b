import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import {
  ConfigureWebhookDocument,
  CreateWebhookConnectionDocument,
  RegisterTenantDocument,
} from '../../src/generated/graphql.js';
import { githubExamples } from '../connectors/github/examples.js';
import { githubHeaders } from '../ingress/sign.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { describeWithPostgres } from '../support/services.js';
import { post } from './webhooks-support.js';

describeWithPostgres('createWebhookConnection and configureWebhook (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['mk'] });
    hub = await startTestHub({
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    await hub.request(RegisterTenantDocument, { input: { id: 'mk', name: 'Mk' } }, asOperator());
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('makes a webhook-only connection with a generated secret, shown once and kept only sealed', async () => {
    const created = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github', displayName: 'Repo hooks' } },
      asOperator('mk'),
    );
    const { connection, url, secret } = created.data!.createWebhookConnection;
    expect(connection).toMatchObject({ provider: 'github', authMode: 'WEBHOOK', status: 'ACTIVE' });
    expect(url).toMatch(new RegExp(`/webhooks/github/${connection.id}$`));
    expect(secret.length).toBeGreaterThanOrEqual(32);
    for await (const event of hub.runtime.eventStore.readAll())
      expect(JSON.stringify(event.data)).not.toContain(secret);

    const body = JSON.stringify(githubExamples().find((example) => example.eventName === 'ping')!.payload);
    const deliver = (key: string) =>
      post(`${hub.url}/webhooks/github/${connection.id}`, githubHeaders(key, 'ping', body), body);
    expect((await deliver(secret)).status).toBe(200);

    // Once the rotation is projected, the gateway drops the connection it had cached for 30 s: the
    // old secret is refused without waiting for that to expire, and the new one is accepted.
    const rotated = await hub.request(
      ConfigureWebhookDocument,
      { input: { connectionId: connection.id, secret: 'a-chosen-secret-of-enough-length' } },
      asOperator('mk'),
    );
    expect(rotated.data!.configureWebhook).toEqual({ url, secret: 'a-chosen-secret-of-enough-length' });
    const again = JSON.stringify({ ...JSON.parse(body), hook_id: 1 });
    const redeliver = (key: string) =>
      post(`${hub.url}/webhooks/github/${connection.id}`, githubHeaders(key, 'ping', again), again);
    await vi.waitFor(async () => expect((await redeliver(secret)).status).toBe(401), {
      timeout: 2_000,
      interval: 50,
    });
    expect((await redeliver('a-chosen-secret-of-enough-length')).status).toBe(200);
  });

  it('refuses a weak chosen secret, unknown providers and callers without connections:write', async () => {
    const weak = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github', secret: 'short' } },
      asOperator('mk'),
    );
    expect(codes(weak)).toEqual(['BAD_USER_INPUT']);
    const unknown = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'nope' } },
      asOperator('mk'),
    );
    expect(codes(unknown)).toEqual(['PROVIDER_NOT_SUPPORTED']);
    const reader = await idp.tokenFor({ scopes: ['signals:read', 'connections:read'], tenantId: 'mk' });
    const denied = await hub.request(
      CreateWebhookConnectionDocument,
      { input: { provider: 'github' } },
      bearer(reader, 'mk'),
    );
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    const missing = await hub.request(
      ConfigureWebhookDocument,
      { input: { connectionId: 'conn_missing' } },
      asOperator('mk'),
    );
    expect(codes(missing)).toEqual(['CONNECTION_NOT_FOUND']);
  });
});
