import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuditSealer,
  AuditSigningKey,
  eventLeafHash,
  proveInclusion,
  SealLog,
  verifyAuditLog,
  verifyInclusion,
} from '../../src/audit/index.js';
import { sealSignatureValid } from '../../src/audit/seal-statement.js';
import { parseAuditSigningKey } from '../../src/config/audit-signing-key.js';
import type { RecordedEvent } from '../../src/eventstore/envelope.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryLeaseManager } from '../../src/platform/memory/lease-memory.js';
import { collect, event, type StoreFactory } from '../eventstore/contract.js';
import { MemoryLeafIndex } from '../support/memory-leaf-index.js';

export const testSigningKey = () =>
  new AuditSigningKey(parseAuditSigningKey(Buffer.alloc(32, 21).toString('base64')));

/** Waits until the chain covers `position` (the sealer seals every few events in these tests). */
async function sealedThrough(store: EventStore, sealer: AuditSealer, position: bigint): Promise<void> {
  const seals = new SealLog(store);
  const deadline = Date.now() + 10_000;
  for (;;) {
    await sealer.flush();
    const last = await seals.last();
    if (last && BigInt(last.seal.toPosition) >= position) return;
    if (Date.now() > deadline) throw new Error(`not sealed through ${position} in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Audit seals through the EventStore port: every adapter must give the sealer, at seal time
 * (subscription), the same bytes that verification later reads back (readAll), and prove any event.
 */
export function describeAuditSealContract(name: string, createStore: StoreFactory): void {
  describe(`${name}: audit seals`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let sealer: AuditSealer;
    const leafIndex = new MemoryLeafIndex();
    const key = testSigningKey();
    const appended: RecordedEvent[] = [];

    beforeAll(async () => {
      ({ store, cleanup } = await createStore());
      sealer = new AuditSealer({
        eventStore: store,
        leafIndex,
        key,
        leases: new MemoryLeaseManager(),
        logger: createLogger({ level: 'silent' }),
        everyMs: 60_000,
        everyEvents: 7,
      });
      sealer.start();
      // Values whose bytes a careless store or encoder would change: key order, integer-like keys,
      // a NUL, astral characters, big and fractional numbers, nested arrays.
      const awkward = {
        z: 1,
        a: [1, '2', { y: null, b: true }],
        '10': 'ten',
        '9': 'nine',
        text: 'é\u0000😀\u2028',
        n: 1e21,
        f: 0.1,
      };
      for (let batch = 0; batch < 4; batch++) {
        const stream = `audit-contract-${batch}.${randomUUID().slice(0, 8)}`;
        const events = Array.from({ length: 5 }, (_, i) => event('AuditContractFact', { batch, i, awkward }));
        await store.append(stream, events, 'no_stream');
        appended.push(...(await collect(store.readStream(stream))));
      }
      await sealedThrough(store, sealer, appended[appended.length - 1]!.position);
    });

    afterAll(async () => {
      await sealer?.close();
      await cleanup?.();
    });

    it('seals every event as it was read back, in a signed chain that verifies', async () => {
      const report = await verifyAuditLog({ store, leafIndex });
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.eventsChecked).toBeGreaterThanOrEqual(appended.length);
      const chain = await collect(new SealLog(store).from());
      expect(chain.length).toBeGreaterThanOrEqual(3);
      const keys = await new SealLog(store).keys();
      for (const [index, link] of chain.entries()) {
        expect(link.seal.previousRoot).toBe(index === 0 ? null : chain[index - 1]!.seal.root);
        expect(sealSignatureValid(link.seal, keys.get(link.seal.keyId)!.publicKey)).toBe(true);
      }
    });

    it('proves any sealed event with a path that checks against the signed root', async () => {
      for (const recorded of [appended[0]!, appended[11]!, appended[appended.length - 1]!]) {
        const proof = await proveInclusion({ eventStore: store, leafIndex }, recorded.position);
        const leaf = eventLeafHash(recorded);
        expect(proof.leafHash).toBe(leaf.toString('hex'));
        const path = proof.auditPath.map((hash: string) => Buffer.from(hash, 'hex'));
        expect(
          verifyInclusion(leaf, proof.leafIndex, proof.treeSize, path, Buffer.from(proof.seal.root, 'hex')),
        ).toBe(true);
      }
    });
  });
}
