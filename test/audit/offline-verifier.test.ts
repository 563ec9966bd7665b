import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditSigningKey } from '../../src/audit/index.js';
import { parseAuditSigningKey } from '../../src/config/audit-signing-key.js';
import { tenantStreamPrefixes } from '../../src/events/streams.js';
import { AuditProofDocument, RenameTenantDocument } from '../../src/generated/graphql.js';
import { asOperator, startTestHub, TEST_AUDIT_SIGNING_KEY, type TestHub } from '../support/hub.js';
import { registerTenant } from '../support/register-tenant.js';
import { describeWithPostgres } from '../support/services.js';
import { ndjson, run, sealedThrough, verifyOffline } from './export-support.js';

type Line = Record<string, unknown> & { kind: string };

/**
 * A real hub seals every few events; a tenant's export (fetched over HTTP as an auditor would) is
 * then checked by scripts/verify-audit-proof.mjs alone, in a child process: it passes as exported,
 * and fails, naming the line and position, after each kind of edit to the file.
 */
describeWithPostgres('offline verification of an audit export (PostgreSQL)', () => {
  let hub: TestHub;
  let dir: string;
  let exported: Line[];

  const write = async (name: string, lines: readonly unknown[]) => {
    const file = path.join(dir, name);
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    return file;
  };
  /** A deep copy of the export with `edit` applied to the first line `pick` selects. */
  const edited = (pick: (line: Line) => boolean, edit: (line: Line) => void) => {
    const copy = structuredClone(exported);
    const target = copy.find(pick);
    if (!target) throw new Error('no line to edit');
    edit(target);
    return copy;
  };
  const provenEvent = (line: Line) =>
    line.kind === 'event' &&
    line.proof !== null &&
    (line.proof as { auditPath: string[] }).auditPath.length > 1;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sb-audit-export-'));
    hub = await startTestHub({ env: { SWITCHBOARD_AUDIT_SEAL_EVERY_EVENTS: '4' } });
    for (const tenant of ['ledger-a', 'ledger-b']) {
      await registerTenant(hub, tenant);
      for (let version = 1; version <= 5; version++) {
        await hub.request(
          RenameTenantDocument,
          { input: { id: tenant, name: `${tenant} v${version} "quoted" é 😀` } },
          asOperator(),
        );
      }
    }
    // The last seals themselves stay unsealed (a range of nothing but seals waits): seal the tenants' events.
    const lastOfTenants = await hub.runtime.eventStore.headPosition({
      streamPrefixes: [...tenantStreamPrefixes('ledger-a'), ...tenantStreamPrefixes('ledger-b')],
    });
    await sealedThrough(hub.runtime.audit, lastOfTenants);
    const response = await fetch(`${hub.url}/audit/export`, { headers: asOperator('ledger-a') });
    expect(response.status).toBe(200);
    exported = ndjson(await response.text()) as Line[];
  });
  afterAll(async () => {
    await hub?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('verifies the export as written: every seal signed and chained, every event proven', async () => {
    const events = exported.filter((line) => line.kind === 'event');
    const inLog = [];
    for await (const event of hub.runtime.eventStore.readAll({
      filter: { streamPrefixes: tenantStreamPrefixes('ledger-a') },
    }))
      inLog.push(String(event.position));
    expect(events.map((line) => line.position)).toEqual(inLog);
    expect(events.every((line) => String(line.stream).includes('-ledger-a.'))).toBe(true);
    expect(events.every((line) => line.proof !== null)).toBe(true);
    expect(exported.filter((line) => line.kind === 'seal').length).toBeGreaterThan(2);

    const result = await verifyOffline(await write('as-exported.ndjson', exported));
    expect(result.stdout).toContain('OK: every seal is signed and chained');
    expect(result.stdout).toContain(
      `events: ${events.length} (${events.length} with a proof, 0 not sealed yet)`,
    );
    expect(result.code).toBe(0);
  });

  it("pins the hub's key by id, and refuses any other", async () => {
    const file = await write('pinned.ndjson', exported);
    // Known apart from the file: the key the hub was configured with.
    const key = new AuditSigningKey(parseAuditSigningKey(TEST_AUDIT_SIGNING_KEY));
    const pinned = await verifyOffline(file, '--key-id', key.keyId);
    expect(pinned.stdout).toContain(`keys:   ${key.keyId} (pinned by id)`);
    expect(pinned.code).toBe(0);
    const keyFile = path.join(dir, 'hub-key.json');
    await writeFile(keyFile, JSON.stringify({ keys: [key.publicJwk] }));
    expect((await verifyOffline(file, '--key', keyFile)).code).toBe(0);
    // The hub's own JWK Set, saved as an auditor would, is a key file as it is.
    await writeFile(keyFile, await (await fetch(`${hub.url}/.well-known/switchboard-audit-keys`)).text());
    expect((await verifyOffline(file, '--key', keyFile)).code).toBe(0);
    const stranger = new AuditSigningKey(parseAuditSigningKey(Buffer.alloc(32, 99).toString('base64')));
    await writeFile(keyFile, JSON.stringify(stranger.publicJwk));
    const wrongKey = await verifyOffline(file, '--key', keyFile);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain(`is signed by key ${key.keyId}, which is not the pinned key`);
    const other = await verifyOffline(file, '--key-id', 'not-the-hubs-key');
    expect(other.code).toBe(1);
    expect(other.stdout).toContain('no key with id not-the-hubs-key in the header');
  });

  it("checks one auditProof answer with the hub's published key alone, and the event as stored against it", async () => {
    const event = exported.find(provenEvent)!;
    const answer = await hub.request(
      AuditProofDocument,
      { position: String(event.position) },
      asOperator('ledger-a'),
    );
    expect(answer.errors).toBeUndefined();
    const keyFile = path.join(dir, 'published-keys.json');
    await writeFile(keyFile, await (await fetch(`${hub.url}/.well-known/switchboard-audit-keys`)).text());
    const check = async (name: string, proof: unknown, ...args: string[]) => {
      const proofFile = path.join(dir, `${name}.json`);
      await writeFile(proofFile, JSON.stringify(proof));
      return run(process.execPath, [
        'scripts/verify-audit-proof.mjs',
        '--proof',
        proofFile,
        '--key',
        keyFile,
        ...args,
      ]);
    };
    const eventFile = path.join(dir, 'proven-event.json');
    await writeFile(eventFile, JSON.stringify(event));

    // The GraphQL response as saved, with and without the event (an export's line) it proves.
    const leafOnly = await check('proof', { data: answer.data });
    expect(leafOnly.stdout).toContain('OK: the seal is signed by the pinned key and the leaf hash is in it');
    expect(leafOnly.code).toBe(0);
    const withEvent = await check('proof', { data: answer.data }, '--event', eventFile);
    expect(withEvent.stdout).toContain('OK: the seal is signed by the pinned key and the event is in it');
    expect(withEvent.code).toBe(0);

    const proof = answer.data!.auditProof;
    const editedEvent = path.join(dir, 'edited-event.json');
    await writeFile(editedEvent, JSON.stringify({ ...event, type: 'TenantDeleted' }));
    const changed = await check('proof', proof, '--event', editedEvent);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain(
      `position ${event.position}: the event's fields do not give the proven leaf hash`,
    );

    const tamperedPath = [...proof.auditPath];
    tamperedPath[0] = '0'.repeat(64);
    const badPath = await check('bad-path', { ...proof, auditPath: tamperedPath });
    expect(badPath.code).toBe(1);
    expect(badPath.stdout).toContain('the audit path does not lead from the leaf hash to the root of seal');

    const forged = await check('forged-seal', { ...proof, seal: { ...proof.seal, root: 'f'.repeat(64) } });
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain(`the signature does not verify with key ${proof.seal.keyId}`);

    const stranger = new AuditSigningKey(parseAuditSigningKey(Buffer.alloc(32, 99).toString('base64')));
    await writeFile(keyFile, JSON.stringify(stranger.publicJwk));
    const wrongKey = await check('proof', proof);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toContain(`is signed by key ${proof.seal.keyId}, which is not the pinned key`);

    // A proof means nothing without a key obtained apart from it: --key is required.
    const unpinned = await run(process.execPath, [
      'scripts/verify-audit-proof.mjs',
      '--proof',
      path.join(dir, 'proof.json'),
    ]);
    expect(unpinned.code).toBe(64);
  });

  it('fails on an event whose data was edited, naming its line and position', async () => {
    const copy = edited(provenEvent, (line) => {
      (line.data as { name: string }).name = 'someone else';
    });
    const changed = copy.find((line, index) => JSON.stringify(line) !== JSON.stringify(exported[index]))!;
    const result = await verifyOffline(await write('edited-data.ndjson', copy));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `line ${copy.indexOf(changed) + 1}: position ${changed.position}: the event's fields no longer give the leaf hash sealed in seal`,
    );
  });

  it("fails on a seal whose root was replaced: its signature no longer holds, nor its events' paths", async () => {
    const copy = edited(
      (line) => line.kind === 'seal' && line.revision !== '0',
      (line) => {
        line.root = 'f'.repeat(64);
      },
    );
    const seal = copy.find((line) => line.kind === 'seal' && line.root === 'f'.repeat(64))!;
    const result = await verifyOffline(await write('edited-root.ndjson', copy));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `line ${copy.indexOf(seal) + 1}: seal ${seal.revision} (${seal.fromPosition}..${seal.toPosition}): the signature does not verify`,
    );
    // The next seal names the old root, so the chain is broken there too.
    expect(result.stdout).toContain(`does not name the root of seal ${seal.revision}: the chain is broken`);
  });

  it('fails on an altered audit path', async () => {
    const copy = edited(provenEvent, (line) => {
      const path = (line.proof as { auditPath: string[] }).auditPath;
      path[path.length - 1] = '0'.repeat(64);
    });
    const changed = copy.find((line, index) => JSON.stringify(line) !== JSON.stringify(exported[index]))!;
    const result = await verifyOffline(await write('edited-path.ndjson', copy));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `line ${copy.indexOf(changed) + 1}: position ${changed.position}: the audit path does not lead to the root of seal`,
    );
  });

  it('fails on a file cut short, on a seal left out of the chain, and on an event moved to another tenant', async () => {
    const cut = await verifyOffline(await write('cut.ndjson', exported.slice(0, -3)));
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain('the file has no end line: it was cut short');

    const seals = exported.filter((line) => line.kind === 'seal');
    const holed = await verifyOffline(
      await write(
        'holed.ndjson',
        exported.filter((line) => line !== seals[1]),
      ),
    );
    expect(holed.code).toBe(1);
    expect(holed.stdout).toContain(`the chain has a hole, seal ${seals[1]!.revision} should come next`);

    const moved = edited(provenEvent, (line) => {
      line.stream = String(line.stream).replace('-ledger-a.', '-ledger-b.');
    });
    const result = await verifyOffline(await write('moved.ndjson', moved));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/is in stream tenant-ledger-b\.profile, not one of tenant ledger-a/);
    expect(result.stdout).toContain('no longer give the leaf hash');
  });
});
