import { createPublicKey, randomUUID, verify } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventLeafHash, sealStatementBytes, verifyInclusion } from '../../src/audit/index.js';
import { AUDIT_SEALS_STREAM } from '../../src/events/audit.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import {
  AuditKeysDocument,
  AuditProofDocument,
  AuditSealsDocument,
  AuditVerifyDocument,
  DeleteTenantDocument,
} from '../../src/generated/graphql.js';
import { collect, event } from '../eventstore/contract.js';
import { asOperator, bearer, codes, startTestHub, type TestHub } from '../support/hub.js';
import { type OidcProviderHarness, startOidcProvider } from '../support/oidc-provider.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';

describeWithPostgres('audit seals over a hub on PostgreSQL', () => {
  let hub: TestHub;
  let idp: OidcProviderHarness;
  let db: pg.Client;
  const facts: Record<string, RecordedEvent[]> = {};

  const verifyAll = async () => {
    const result = await hub.request(AuditVerifyDocument, {}, asOperator());
    expect(result.errors).toBeUndefined();
    return result.data!.auditVerify;
  };
  /** Runs `edit` on the raw event table, checks what verification says, then puts the rows back. */
  const tampered = async (edit: string[], undo: string[]) => {
    for (const statement of edit) await db.query(statement);
    try {
      return await verifyAll();
    } finally {
      for (const statement of undo) await db.query(statement);
    }
  };

  beforeAll(async () => {
    idp = await startOidcProvider({ tenants: ['seal-a'] });
    hub = await startTestHub({
      env: {
        SWITCHBOARD_OIDC_ISSUER: idp.issuer,
        SWITCHBOARD_OIDC_AUDIENCE: idp.audience,
        SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: '15',
        SWITCHBOARD_AUDIT_SEAL_EVERY_SECONDS: '3600',
      },
    });
    for (const tenant of ['seal-a', 'seal-b']) {
      await registerTenant(hub, tenant);
      const stream = `audittest-${tenant}.${randomUUID().slice(0, 8)}`;
      for (let batch = 0; batch < 4; batch++) {
        const events = Array.from({ length: 5 }, (_, i) =>
          event('AuditTestFact', { batch, i, note: 'ünïcode' }, tenant),
        );
        await hub.runtime.eventStore.append(stream, events, 'any');
      }
      facts[tenant] = await collect(hub.runtime.eventStore.readStream(stream));
    }
    const head = await hub.runtime.eventStore.headPosition();
    const deadline = Date.now() + 15_000;
    for (;;) {
      await hub.runtime.audit.sealer!.flush();
      const last = await hub.runtime.audit.seals.last();
      if (last && BigInt(last.seal.toPosition) >= head) break;
      if (Date.now() > deadline) throw new Error('the sealer did not reach the head');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    db = new pg.Client({ connectionString: hub.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await hub?.close();
    await idp?.close();
  });

  it('publishes a chain of seals whose signatures verify with the keys at the well-known address', async () => {
    const first = await hub.request(AuditSealsDocument, { first: 2 }, asOperator());
    const rest = await hub.request(
      AuditSealsDocument,
      { first: 500, after: first.data!.auditSeals.pageInfo.endCursor },
      asOperator(),
    );
    const seals = [...first.data!.auditSeals.edges, ...rest.data!.auditSeals.edges].map((edge) => edge.node);
    expect(seals.length).toBeGreaterThanOrEqual(3);
    const published = (await (await fetch(`${hub.url}/.well-known/switchboard-audit-keys`)).json()) as {
      keys: Array<{ kid: string; kty: string; crv: string; x: string }>;
    };
    const keys = await hub.request(AuditKeysDocument, {}, asOperator());
    expect(keys.data!.auditKeys.map((key) => key.keyId)).toEqual(published.keys.map((key) => key.kid));
    for (const [index, seal] of seals.entries()) {
      expect(BigInt(seal.revision)).toBe(BigInt(index));
      expect(seal.previousRoot).toBe(index === 0 ? null : seals[index - 1]!.root);
      if (index > 0) expect(BigInt(seal.fromPosition)).toBe(BigInt(seals[index - 1]!.toPosition) + 1n);
      const jwk = published.keys.find((key) => key.kid === seal.keyId)!;
      const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
      const statement = sealStatementBytes({
        ...seal,
        fromPosition: String(seal.fromPosition),
        toPosition: String(seal.toPosition),
      });
      expect(verify(null, statement, key, Buffer.from(seal.signature, 'base64url'))).toBe(true);
    }
    const last = await hub.request(AuditSealsDocument, { last: 1 }, asOperator());
    expect(last.data!.auditSeals.edges.map((edge) => edge.node.root)).toEqual([
      seals[seals.length - 1]!.root,
    ]);
  });

  it("proves a tenant's own event, and refuses other tenants' events and operator-only checks", async () => {
    const auditor = bearer(await idp.tokenFor({ scopes: ['audit:read'], tenantId: 'seal-a' }), 'seal-a');
    const own = facts['seal-a']![7]!;
    const proved = await hub.request(AuditProofDocument, { position: String(own.position) }, auditor);
    expect(proved.errors).toBeUndefined();
    const proof = proved.data!.auditProof;
    expect(proof.leafHash).toBe(eventLeafHash(own).toString('hex'));
    const path = proof.auditPath.map((hash) => Buffer.from(hash, 'hex'));
    expect(
      verifyInclusion(
        eventLeafHash(own),
        proof.leafIndex,
        proof.treeSize,
        path,
        Buffer.from(proof.seal.root, 'hex'),
      ),
    ).toBe(true);

    const other = facts['seal-b']![3]!;
    expect(
      codes(await hub.request(AuditProofDocument, { position: String(other.position) }, auditor)),
    ).toEqual(['FORBIDDEN']);
    expect(codes(await hub.request(AuditVerifyDocument, {}, auditor))).toEqual(['FORBIDDEN']);
    const unsealed = (await hub.runtime.eventStore.headPosition()) + 1_000n;
    expect(
      codes(await hub.request(AuditProofDocument, { position: String(unsealed) }, asOperator())),
    ).toEqual(['NOT_SEALED']);
  });

  it('names the first edited, deleted or reordered row of the SQL event store, and a forged seal', async () => {
    expect(await verifyAll()).toMatchObject({ ok: true, problems: [] });
    const [a, b] = [facts['seal-a']![2]!, facts['seal-a']![9]!];
    const { rows } = await db.query<{ data: string }>(
      'SELECT data::text AS data FROM sb_events WHERE position = $1',
      [String(a.position)],
    );
    const original = rows[0]!.data.replaceAll("'", "''");

    const edited = await tampered(
      [`UPDATE sb_events SET data = '{"batch":0,"i":2,"note":"forged"}' WHERE position = ${a.position}`],
      [`UPDATE sb_events SET data = '${original}' WHERE position = ${a.position}`],
    );
    expect(edited.ok).toBe(false);
    expect(edited.problems[0]).toMatchObject({ kind: 'EVENT_CHANGED', position: String(a.position) });

    await db.query('CREATE TEMP TABLE kept AS SELECT * FROM sb_events WHERE position = $1', [
      String(b.position),
    ]);
    const deleted = await tampered(
      [`DELETE FROM sb_events WHERE position = ${b.position}`],
      ['INSERT INTO sb_events SELECT * FROM kept', 'DROP TABLE kept'],
    );
    expect(deleted.problems[0]).toMatchObject({ kind: 'EVENT_MISSING', position: String(b.position) });

    // Two neighbours in one sealed range, and two across the boundary between two ranges.
    const seals = await collect(hub.runtime.audit.seals.from());
    const sealOf = (position: bigint) =>
      seals.findIndex(
        (s) => position >= BigInt(s.seal.fromPosition) && position <= BigInt(s.seal.toPosition),
      );
    const ours = [...facts['seal-a']!, ...facts['seal-b']!].map((fact) => fact.position);
    const neighbours = ours.filter((position) => ours.includes(position + 1n));
    const within = neighbours.find((position) => sealOf(position) === sealOf(position + 1n));
    const across = neighbours.find((position) => sealOf(position) !== sealOf(position + 1n));
    expect(within, 'two neighbouring test events in one range').toBeDefined();
    expect(across, 'two neighbouring test events in two ranges').toBeDefined();
    for (const first of [within!, across!]) {
      const swap = [
        `UPDATE sb_events SET position = -1 WHERE position = ${first}`,
        `UPDATE sb_events SET position = ${first} WHERE position = ${first + 1n}`,
        `UPDATE sb_events SET position = ${first + 1n} WHERE position = -1`,
      ];
      const reordered = await tampered(swap, swap);
      expect(reordered.problems[0]).toMatchObject({
        kind: 'EVENTS_REORDERED',
        position: String(first),
        message: `position ${first} now holds the event sealed at position ${first + 1n}`,
      });
    }

    const sealRow = `stream = '${AUDIT_SEALS_STREAM}' AND revision = 1`;
    const seal = (
      await db.query<{ data: string }>(`SELECT data::text AS data FROM sb_events WHERE ${sealRow}`)
    ).rows[0]!;
    const forged = await tampered(
      [
        `UPDATE sb_events SET data = jsonb_set(data::jsonb, '{root}', '"${'0'.repeat(64)}"')::json WHERE ${sealRow}`,
      ],
      [`UPDATE sb_events SET data = '${seal.data.replaceAll("'", "''")}' WHERE ${sealRow}`],
    );
    expect(forged.problems.map((problem) => problem.kind)).toEqual(
      expect.arrayContaining(['BAD_SIGNATURE', 'CHAIN_BROKEN']),
    );

    // Every row put back as it was: the log verifies again.
    expect(await verifyAll()).toMatchObject({ ok: true, problems: [] });
  });

  it('still verifies after a tenant is deleted: its keys are gone, its sealed ciphertext is not', async () => {
    const deleted = await hub.request(DeleteTenantDocument, { id: 'seal-b' }, asOperator());
    expect(deleted.errors).toBeUndefined();
    const head = await hub.runtime.eventStore.headPosition();
    const deadline = Date.now() + 15_000;
    while (BigInt((await hub.runtime.audit.seals.last())!.seal.toPosition) < head) {
      if (Date.now() > deadline) throw new Error('the deletion was not sealed');
      await hub.runtime.audit.sealer!.flush();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await verifyAll()).toMatchObject({ ok: true, problems: [] });
  });
});
