import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../src/auth/principal.js';
import {
  ActionsDocument,
  AuditLogDocument,
  ConfigureIntegrationDocument,
  ConfigureRedirectAllowlistDocument,
  ConnectionDocument,
  ConnectionsDocument,
  CreateConnectSessionDocument,
  CreateWebhookConnectionDocument,
  CurrentTenantDocument,
  MoveProviderAccountBindingDocument,
  ProviderAccountBindingDocument,
  ProviderDocument,
  ProvidersDocument,
  RegisterTenantDocument,
  RenameTenantDocument,
  RotateTenantKeyDocument,
  SignalDocument,
  SignalKindsDocument,
  SignalsDocument,
  StreamEventsDocument,
  TenantsDocument,
  WebhookDeadLetterDocument,
  WebhookDeadLettersDocument,
} from '../../src/generated/graphql.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { describeWithPostgres } from '../support/services.js';

/**
 * Every operation against every kind of caller. An operation's rule is one of:
 * public; tenant (any authenticated caller of the tenant); or a permission (plus the tenant
 * when the operation is tenant-scoped). Expected codes follow from the rule.
 */
type Rule =
  | { public: true }
  | { tenantScoped: boolean; permission: Permission | null; orPermission?: Permission };

interface Operation {
  name: string;
  rule: Rule;
  // biome-ignore lint/suspicious/noExplicitAny: a table of differently typed documents
  document: TypedDocumentNode<any, any>;
  variables: (tenantId: string) => Record<string, unknown>;
}

const OPERATIONS: Operation[] = [
  { name: 'providers', rule: { public: true }, document: ProvidersDocument, variables: () => ({}) },
  {
    name: 'provider',
    rule: { public: true },
    document: ProviderDocument,
    variables: () => ({ id: 'github' }),
  },
  { name: 'actions', rule: { public: true }, document: ActionsDocument, variables: () => ({}) },
  {
    name: 'tenant',
    rule: { tenantScoped: true, permission: null },
    document: CurrentTenantDocument,
    variables: () => ({}),
  },
  {
    name: 'tenants',
    rule: { tenantScoped: false, permission: 'tenants:admin' },
    document: TenantsDocument,
    variables: () => ({ first: 5 }),
  },
  {
    name: 'registerTenant',
    rule: { tenantScoped: false, permission: 'tenants:admin' },
    document: RegisterTenantDocument,
    variables: () => ({ input: { name: 'Matrix Co' } }),
  },
  {
    name: 'renameTenant',
    rule: { tenantScoped: false, permission: 'tenants:admin' },
    document: RenameTenantDocument,
    variables: (tenantId) => ({ input: { id: tenantId, name: `Renamed ${Math.random()}` } }),
  },
  {
    name: 'streamEvents',
    rule: { tenantScoped: true, permission: 'audit:read' },
    document: StreamEventsDocument,
    variables: (tenantId) => ({ stream: `tenant-${tenantId}.profile`, first: 5 }),
  },
  {
    name: 'auditLog',
    rule: { tenantScoped: true, permission: 'audit:read' },
    document: AuditLogDocument,
    variables: () => ({ first: 5 }),
  },
  {
    name: 'connections',
    rule: { tenantScoped: true, permission: 'connections:read' },
    document: ConnectionsDocument,
    variables: () => ({ first: 5 }),
  },
  {
    name: 'connection',
    rule: { tenantScoped: true, permission: 'connections:read' },
    document: ConnectionDocument,
    variables: () => ({ id: 'conn_matrix' }),
  },
  {
    name: 'configureIntegration',
    rule: { tenantScoped: false, permission: 'tenants:admin' },
    document: ConfigureIntegrationDocument,
    variables: (tenantId) => ({ input: { provider: 'github', clientId: 'matrix-client', tenantId } }),
  },
  {
    name: 'rotateTenantKey',
    rule: { tenantScoped: false, permission: 'tenants:admin' },
    document: RotateTenantKeyDocument,
    variables: (tenantId) => ({ id: tenantId }),
  },
  {
    name: 'signals',
    rule: { tenantScoped: true, permission: 'signals:read' },
    document: SignalsDocument,
    variables: () => ({ first: 5, filter: { kind: 'issue_created' } }),
  },
  {
    name: 'signal',
    rule: { tenantScoped: true, permission: 'signals:read' },
    document: SignalDocument,
    variables: () => ({ id: '00000000-0000-5000-8000-000000000000' }),
  },
  {
    name: 'signalKinds',
    rule: { tenantScoped: false, permission: 'signals:read' },
    document: SignalKindsDocument,
    variables: () => ({}),
  },
  {
    name: 'webhookDeadLetters',
    rule: { tenantScoped: true, permission: 'signals:read' },
    document: WebhookDeadLettersDocument,
    variables: () => ({ first: 5 }),
  },
  {
    name: 'webhookDeadLetter',
    rule: { tenantScoped: true, permission: 'signals:read' },
    document: WebhookDeadLetterDocument,
    variables: () => ({ id: '00000000-0000-5000-8000-000000000000' }),
  },
  {
    name: 'configureRedirectAllowlist',
    rule: { tenantScoped: true, permission: 'connections:write', orPermission: 'tenants:admin' },
    document: ConfigureRedirectAllowlistDocument,
    variables: () => ({ input: { redirectUris: ['https://app.example.com/oauth'] } }),
  },
  {
    name: 'createWebhookConnection',
    rule: { tenantScoped: true, permission: 'connections:write' },
    document: CreateWebhookConnectionDocument,
    variables: () => ({ input: { provider: 'github' } }),
  },
  {
    name: 'createConnectSession',
    rule: { tenantScoped: true, permission: 'connections:write' },
    document: CreateConnectSessionDocument,
    variables: () => ({ input: { allowedProviders: ['github'] } }),
  },
];

describeWithPostgres('authorization matrix over every operation (PostgreSQL, oidc-provider)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;
  const tenant = 'matrix-a';
  const other = 'matrix-b';

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: [tenant] });
    hub = await startTestHub({
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    for (const id of [tenant, other]) {
      const result = await hub.request(RegisterTenantDocument, { input: { id, name: id } }, asOperator());
      expect(result.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  const run = (operation: Operation, headers: Record<string, string>) =>
    hub.request(operation.document, operation.variables(tenant), headers);

  it('lets anyone read public operations and nobody else in without credentials', async () => {
    for (const operation of OPERATIONS) {
      const result = await run(operation, { 'x-tenant-id': tenant });
      if ('public' in operation.rule) expect(result.errors, operation.name).toBeUndefined();
      else expect(codes(result), operation.name).toEqual(['UNAUTHENTICATED']);
    }
  });

  it('refuses a bad token on every operation, public ones included, with 401', async () => {
    for (const operation of OPERATIONS) {
      const result = await run(operation, bearer('not-a-valid-token-at-all-000', tenant));
      expect(codes(result), operation.name).toEqual(['UNAUTHENTICATED']);
      expect(result.status, operation.name).toBe(401);
    }
  });

  it('lets an operator do everything, and asks for X-Tenant-Id where the operation is tenant-scoped', async () => {
    for (const operation of OPERATIONS) {
      expect((await run(operation, asOperator(tenant))).errors, operation.name).toBeUndefined();
      const withoutTenant = await run(operation, asOperator());
      const needsTenant = !('public' in operation.rule) && operation.rule.tenantScoped;
      expect(codes(withoutTenant), operation.name).toEqual(needsTenant ? ['TENANT_HEADER_REQUIRED'] : []);
    }
  });

  // Tokens without a tenant claim: tenants:all lets them act on any tenant, the other scope says what.
  for (const scope of [null, ...PERMISSIONS.filter((permission) => permission !== 'tenants:all')]) {
    it(`gives a JWT with tenants:all and ${scope ? `only ${scope}` : 'no other scope'} exactly what that scope allows`, async () => {
      const token = await idp.tokenFor({ scopes: scope ? ['tenants:all', scope] : ['tenants:all'] });
      for (const operation of OPERATIONS) {
        const result = await run(operation, bearer(token, tenant));
        const allowed =
          'public' in operation.rule ||
          operation.rule.permission === null ||
          operation.rule.permission === scope ||
          operation.rule.orPermission === scope;
        expect(codes(result), `${operation.name} with ${scope}`).toEqual(allowed ? [] : ['FORBIDDEN']);
      }
    });
  }

  it('refuses a JWT without a tenant claim and without tenants:all on everything but public operations and signalKinds', async () => {
    const everything = PERMISSIONS.filter((permission) => permission !== 'tenants:all');
    const token = await idp.tokenFor({ scopes: everything });
    for (const operation of OPERATIONS) {
      const result = await run(operation, bearer(token, tenant));
      // signalKinds is the catalog of kinds: no tenant's data.
      const allowed = 'public' in operation.rule || operation.name === 'signalKinds';
      expect(codes(result), operation.name).toEqual(allowed ? [] : ['FORBIDDEN']);
      if (!allowed) expect(result.errors?.[0]?.message, operation.name).toContain('tenants:all');
    }
    const global = await hub.request(
      ConfigureIntegrationDocument,
      { input: { provider: 'github', clientId: 'matrix-client' } },
      bearer(token),
    );
    expect(codes(global)).toEqual(['FORBIDDEN']);
  });

  it('leaves provider account bindings to operators: a JWT with every permission is refused', async () => {
    const token = await idp.tokenFor({ scopes: [...PERMISSIONS] });
    const binding = { provider: 'slack', accountId: 'T123ABC456' };
    const read = await hub.request(ProviderAccountBindingDocument, binding, bearer(token, tenant));
    expect(codes(read)).toEqual(['FORBIDDEN']);
    const move = await hub.request(
      MoveProviderAccountBindingDocument,
      { input: { ...binding, connectionId: 'conn_matrix' } },
      bearer(token, tenant),
    );
    expect(codes(move)).toEqual(['FORBIDDEN']);
    const asOps = await hub.request(ProviderAccountBindingDocument, binding, asOperator());
    expect(asOps.errors).toBeUndefined();
    expect(asOps.data?.providerAccountBinding).toBeNull();
  });

  it('refuses a JWT bound to one tenant on another tenant', async () => {
    const token = await idp.tokenFor({ scopes: [...PERMISSIONS], tenantId: tenant });
    for (const operation of OPERATIONS.filter((o) => !('public' in o.rule) && o.rule.tenantScoped)) {
      expect((await run(operation, bearer(token, tenant))).errors, operation.name).toBeUndefined();
      const result = await hub.request(operation.document, operation.variables(other), bearer(token, other));
      expect(codes(result), operation.name).toEqual(['FORBIDDEN']);
    }
    const rename = await hub.request(
      RenameTenantDocument,
      { input: { id: other, name: 'Taken over' } },
      bearer(token, tenant),
    );
    expect(codes(rename)).toEqual(['FORBIDDEN']);
  });

  it('answers TENANT_NOT_FOUND for a tenant that does not exist', async () => {
    const result = await hub.request(CurrentTenantDocument, {}, asOperator('no-such-tenant'));
    expect(codes(result)).toEqual(['TENANT_NOT_FOUND']);
  });
});
