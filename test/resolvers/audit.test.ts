import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  AuditLogDocument,
  RegisterTenantDocument,
  RenameTenantDocument,
  StreamEventsDocument,
} from '../../src/generated/graphql.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { describeWithPostgres } from '../support/services.js';

describeWithPostgres('audit reads (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['audit-a'] });
    hub = await startTestHub({
      env: { SWITCHBOARD_OIDC_ISSUER: idp.issuer, SWITCHBOARD_OIDC_AUDIENCE: idp.audience },
    });
    for (const id of ['audit-a', 'audit-b']) {
      await hub.request(RegisterTenantDocument, { input: { id, name: `${id} v0` } }, asOperator());
      for (let version = 1; version <= 4; version++) {
        await hub.request(RenameTenantDocument, { input: { id, name: `${id} v${version}` } }, asOperator());
      }
    }
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
  });

  it('pages through a stream oldest first with cursors, from a revision', async () => {
    const auditor = bearer(await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'audit-a' }), 'audit-a');
    const first = await hub.request(
      StreamEventsDocument,
      { stream: 'tenant-audit-a.profile', first: 2 },
      auditor,
    );
    const page1 = first.data!.streamEvents;
    expect(page1.edges.map((edge) => [edge.node.type, edge.node.revision])).toEqual([
      ['TenantRegistered', 0],
      ['TenantRenamed', 1],
    ]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await hub.request(
      StreamEventsDocument,
      { stream: 'tenant-audit-a.profile', first: 10, after: page1.pageInfo.endCursor },
      auditor,
    );
    expect(second.data!.streamEvents.edges.map((edge) => edge.node.revision)).toEqual([2, 3, 4]);
    expect(second.data!.streamEvents.pageInfo.hasNextPage).toBe(false);
    const from = await hub.request(
      StreamEventsDocument,
      { stream: 'tenant-audit-a.profile', fromRevision: 3 },
      auditor,
    );
    expect(from.data!.streamEvents.edges.map((edge) => edge.node.data)).toEqual([
      expect.objectContaining({ name: 'audit-a v3', previousName: 'audit-a v2' }),
      expect.objectContaining({ name: 'audit-a v4' }),
    ]);
    expect(from.data!.streamEvents.edges[0]!.node.metadata).toMatchObject({
      tenantId: 'audit-a',
      actor: expect.stringMatching(/^operator:/),
    });
  });

  it("lists the tenant's events newest first, filtered by type, and nothing of other tenants", async () => {
    const all = await hub.request(AuditLogDocument, { first: 100 }, asOperator('audit-a'));
    const events = all.data!.auditLog.edges.map((edge) => edge.node);
    expect(events).toHaveLength(5);
    expect(events.every((event) => event.stream === 'tenant-audit-a.profile')).toBe(true);
    expect(events.map((event) => BigInt(event.position))).toEqual(
      [...events.map((event) => BigInt(event.position))].sort((a, b) => (a > b ? -1 : 1)),
    );
    const registered = await hub.request(
      AuditLogDocument,
      { types: ['TenantRegistered'] },
      asOperator('audit-a'),
    );
    expect(registered.data!.auditLog.edges.map((edge) => edge.node.type)).toEqual(['TenantRegistered']);
    const page = await hub.request(
      AuditLogDocument,
      { first: 2, after: all.data!.auditLog.edges[1]!.cursor },
      asOperator('audit-a'),
    );
    expect(page.data!.auditLog.edges.map((edge) => edge.node.id)).toEqual(
      events.slice(2, 4).map((event) => event.id),
    );
  });

  it("never lets tenant A's auditor read tenant B's events", async () => {
    const auditor = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'audit-a' });
    const direct = await hub.request(
      StreamEventsDocument,
      { stream: 'tenant-audit-b.profile' },
      bearer(auditor, 'audit-a'),
    );
    expect(codes(direct)).toEqual(['FORBIDDEN']);
    const switched = await hub.request(AuditLogDocument, {}, bearer(auditor, 'audit-b'));
    expect(codes(switched)).toEqual(['FORBIDDEN']);
    const lookalike = await hub.request(
      StreamEventsDocument,
      { stream: 'tenant-audit-a2.profile' },
      bearer(auditor, 'audit-a'),
    );
    expect(codes(lookalike)).toEqual(['FORBIDDEN']);
  });
});
