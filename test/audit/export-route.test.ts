import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantStreamPrefixes } from '../../src/events/streams.js';
import { RenameTenantDocument } from '../../src/generated/graphql.js';
import { asOperator, bearer, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { ndjson, sealedThrough, verifyOffline } from './export-support.js';

type Line = Record<string, unknown> & { kind: string };

/**
 * GET /audit/export over real HTTP with tokens from a real authorization server: who may export
 * which tenant, and that an export holds its tenant's events and nothing of another's.
 */
describeWithPostgres('GET /audit/export (PostgreSQL)', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;
  let dir: string;
  const idsOf: Record<string, Set<string>> = {};

  const exportOf = (headers: Record<string, string>, query = '') =>
    fetch(`${hub.url}/audit/export${query}`, { headers });
  const rename = (tenant: string, name: string) =>
    hub.request(RenameTenantDocument, { input: { id: tenant, name } }, asOperator());

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sb-audit-route-'));
    idp = await startOidcProvider({ tenants: ['route-a', 'route-b'] });
    // Seals only when asked (flush) within the test: the tail written after it stays unsealed.
    hub = await startTestHub({
      env: {
        SWITCHBOARD_OIDC_ISSUER: idp.issuer,
        SWITCHBOARD_OIDC_AUDIENCE: idp.audience,
        SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: '1000',
      },
    });
    for (const tenant of ['route-a', 'route-b']) {
      await registerTenant(hub, tenant);
      for (let version = 1; version <= 3; version++) await rename(tenant, `${tenant} v${version}`);
    }
    await sealedThrough(
      hub.runtime.audit,
      await hub.runtime.eventStore.headPosition({ streamPrefixes: tenantStreamPrefixes('route-b') }),
    );
    await rename('route-a', 'route-a after the seal');
    await rename('route-b', 'route-b after the seal');
    for (const tenant of ['route-a', 'route-b']) {
      idsOf[tenant] = new Set();
      for await (const event of hub.runtime.eventStore.readAll({
        filter: { streamPrefixes: tenantStreamPrefixes(tenant) },
      }))
        idsOf[tenant]!.add(event.id);
    }
  });
  afterAll(async () => {
    await hub?.close();
    await idp?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("streams exactly the tenant's events as NDJSON, none of another tenant's, the unsealed tail marked", async () => {
    const token = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'route-a' });
    const response = await exportOf(bearer(token, 'route-a'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const text = await response.text();
    const lines = ndjson(text) as Line[];
    const events = lines.filter((line) => line.kind === 'event');
    expect(new Set(events.map((line) => String(line.id)))).toEqual(idsOf['route-a']);
    for (const id of idsOf['route-b']!) expect(text).not.toContain(id);
    expect(text).not.toContain('route-b v');

    expect(lines[0]).toMatchObject({ kind: 'header', tenant: 'route-a', from: null, to: null });
    const tail = events.at(-1)!;
    expect(tail).toMatchObject({ sealed: false, proof: null });
    expect((tail.data as { name: string }).name).toBe('route-a after the seal');
    expect(events.slice(0, -1).every((line) => line.sealed === true && line.proof !== null)).toBe(true);
    expect(lines.at(-1)).toMatchObject({ kind: 'end', events: 5, sealedEvents: 4, unsealedEvents: 1 });

    const file = path.join(dir, 'route-a.ndjson');
    await writeFile(file, text);
    const offline = await verifyOffline(file);
    expect(offline.stdout).toContain('events: 5 (4 with a proof, 1 not sealed yet)');
    expect(offline.code).toBe(0);
  });

  it('honours from and to, with the seals that reach into the range', async () => {
    const all = ndjson(await (await exportOf(asOperator('route-a'))).text()) as Line[];
    const positions = all.filter((line) => line.kind === 'event').map((line) => String(line.position));
    const [from, to] = [positions[1]!, positions[2]!];
    const text = await (await exportOf(asOperator('route-a'), `?from=${from}&to=${to}`)).text();
    const lines = ndjson(text) as Line[];
    expect(lines[0]).toMatchObject({ from, to });
    expect(lines.filter((line) => line.kind === 'event').map((line) => line.position)).toEqual([from, to]);
    for (const seal of lines.filter((line) => line.kind === 'seal')) {
      expect(BigInt(String(seal.toPosition)) >= BigInt(from)).toBe(true);
      expect(BigInt(String(seal.fromPosition)) <= BigInt(to)).toBe(true);
    }
    const file = path.join(dir, 'range.ndjson');
    await writeFile(file, text);
    expect((await verifyOffline(file)).code).toBe(0);
  });

  it('refuses with problem+json: no token, no audit:read, another tenant, an unknown tenant, a bad range', async () => {
    const refusal = async (response: Response) => ({
      status: response.status,
      type: response.headers.get('content-type'),
      code: ((await response.json()) as { code: string }).code,
    });
    const problem = (status: number, code: string) => ({
      status,
      code,
      type: expect.stringMatching(/^application\/problem\+json/),
    });
    const reader = await idp.tokenFor({ scopes: ['connections:read'], tenantId: 'route-a' });
    const auditorOfA = await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'route-a' });

    expect(await refusal(await exportOf({ 'x-tenant-id': 'route-a' }))).toEqual(
      problem(401, 'UNAUTHENTICATED'),
    );
    expect(await refusal(await exportOf(bearer(reader, 'route-a')))).toEqual(problem(403, 'FORBIDDEN'));
    expect(await refusal(await exportOf(bearer(auditorOfA, 'route-b')))).toEqual(problem(403, 'FORBIDDEN'));
    expect(await refusal(await exportOf(asOperator()))).toEqual(problem(400, 'TENANT_HEADER_REQUIRED'));
    expect(await refusal(await exportOf(asOperator('route-nobody')))).toEqual(
      problem(404, 'TENANT_NOT_FOUND'),
    );
    expect(await refusal(await exportOf(asOperator('route-a'), '?from=abc'))).toEqual(
      problem(400, 'BAD_USER_INPUT'),
    );
    expect(await refusal(await exportOf(asOperator('route-a'), '?from=9&to=3'))).toEqual(
      problem(400, 'BAD_USER_INPUT'),
    );
  });
});
