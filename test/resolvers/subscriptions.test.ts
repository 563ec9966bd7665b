import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  RegisterTenantDocument,
  RenameTenantDocument,
  TenantEventsDocument,
  type TenantEventsSubscription,
} from '../../src/generated/graphql.js';
import { asOperator, OPERATOR_TOKEN, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { describeWithPostgres } from '../support/services.js';

function connect(
  hub: TestHub,
  connectionParams: Record<string, unknown>,
): { client: Client; closed: Promise<number> } {
  let resolveClosed: (code: number) => void = () => {};
  const closed = new Promise<number>((resolve) => {
    resolveClosed = resolve;
  });
  const client = createClient({
    url: hub.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    on: { closed: (event) => resolveClosed((event as { code: number }).code) },
  });
  return { client, closed };
}

describeWithPostgres('live subscriptions over graphql-ws (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['live-a'] });
    hub = await startTestHub({
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    for (const id of ['live-a', 'live-b'])
      await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
    // Every projection past the registrations (the live feed included), so a loaded machine cannot
    // publish them after the test subscribes.
    await hub.runtime.projections.waitFor(await hub.runtime.eventStore.headPosition(), { timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it("delivers the tenant's events after their projection commits, and only that tenant's", async () => {
    const { client } = connect(hub, { authorization: `Bearer ${OPERATOR_TOKEN}`, tenantId: 'live-a' });
    const received: TenantEventsSubscription['tenantEvents'][] = [];
    const subscription = client.iterate<TenantEventsSubscription>({
      query: print(TenantEventsDocument),
      variables: {},
    });
    const next = subscription.next();
    // graphql-ws has no "subscribed" acknowledgement: give the server a moment to set up, then act.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await hub.request(RenameTenantDocument, { input: { id: 'live-b', name: 'Other tenant' } }, asOperator());
    await hub.request(
      RenameTenantDocument,
      { input: { id: 'live-a', name: 'Live A renamed' } },
      asOperator(),
    );
    const first = await Promise.race([
      next,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event')), 10_000)),
    ]);
    received.push(first.value!.data!.tenantEvents);
    expect(received[0]).toMatchObject({
      type: 'TenantRenamed',
      stream: 'tenant-live-a.profile',
      data: { name: 'Live A renamed' },
    });
    // It was delivered after the read model applied it: the tenant query already shows the new name.
    const tenant = await hub.request(
      (await import('../../src/generated/graphql.js')).CurrentTenantDocument,
      {},
      asOperator('live-a'),
    );
    expect(tenant.data?.tenant?.name).toBe('Live A renamed');
    await subscription.return?.();
    await client.dispose();
  });

  it('closes with 4401 without valid credentials at connection_init', async () => {
    expect(await connect(hub, {}).closed).toBe(4401);
    expect(await connect(hub, { authorization: 'Bearer wrong-token-000000000000' }).closed).toBe(4401);
  });

  it('closes with 4403 when a tenant-bound token asks for another tenant', async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'live-a' });
    expect(await connect(hub, { authorization: `Bearer ${token}`, tenantId: 'live-b' }).closed).toBe(4403);
  });

  it('refuses the subscription itself without audit:read', async () => {
    const token = await idp.tokenFor({ scopes: ['signals:read'] });
    const { client } = connect(hub, { authorization: `Bearer ${token}`, tenantId: 'live-a' });
    const subscription = client.iterate({ query: print(TenantEventsDocument) });
    const result = await subscription.next();
    expect(JSON.stringify(result.value)).toContain('FORBIDDEN');
    await client.dispose();
  });
});
