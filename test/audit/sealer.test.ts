import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditSealer, type ChainedSeal, SealLog, verifyAuditLog } from '../../src/audit/index.js';
import type { EventStore } from '../../src/eventstore/port.js';
import { createPgliteEventStore } from '../../src/eventstore/sql/index.js';
import type { LeaseManager } from '../../src/platform/lease.js';
import { createLogger } from '../../src/platform/logger.js';
import { MemoryLeaseManager } from '../../src/platform/memory/lease-memory.js';
import { collect, event } from '../eventstore/contract.js';
import { MemoryLeafIndex } from '../support/memory-leaf-index.js';
import { testSigningKey } from './seal-contract.js';

const stores: EventStore[] = [];
const sealers: AuditSealer[] = [];
afterEach(async () => {
  for (const sealer of sealers.splice(0)) await sealer.close();
  for (const store of stores.splice(0)) await store.close();
});

async function freshStore() {
  const store = await createPgliteEventStore();
  stores.push(store);
  return store;
}

function sealerFor(
  store: EventStore,
  options: { everyMs: number; everyEvents: number; leases?: LeaseManager; leafIndex?: MemoryLeafIndex },
) {
  const sealer = new AuditSealer({
    eventStore: store,
    leafIndex: options.leafIndex ?? new MemoryLeafIndex(),
    key: testSigningKey(),
    leases: options.leases ?? new MemoryLeaseManager(),
    logger: createLogger({ level: 'silent' }),
    everyMs: options.everyMs,
    everyEvents: options.everyEvents,
  });
  sealers.push(sealer);
  sealer.start();
  return sealer;
}

const append = (store: EventStore, count: number) =>
  store.append(
    `fact-acme.${randomUUID().slice(0, 8)}`,
    Array.from({ length: count }, (_, i) => event('Fact', { i })),
    'no_stream',
  );

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const chainOf = async (store: EventStore): Promise<ChainedSeal[]> => collect(new SealLog(store).from());

describe('AuditSealer', () => {
  it('seals by the clock when few events come, and appends no seal of seals alone while idle', async () => {
    const store = await freshStore();
    sealerFor(store, { everyMs: 200, everyEvents: 10_000 });
    const written = await append(store, 3);
    const first = await until(async () => (await new SealLog(store).last()) ?? null);
    expect(BigInt(first.seal.toPosition)).toBeGreaterThanOrEqual(written.position);
    // The seal (and the key's publication) are new events, but nothing else came: no further seal.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await chainOf(store)).toHaveLength(1);
    // The next real event is sealed together with the first seal's own event.
    const next = await append(store, 1);
    const second = await until(async () => (await chainOf(store))[1]);
    expect(BigInt(second.seal.toPosition)).toBe(next.position);
    expect(BigInt(second.seal.fromPosition)).toBe(BigInt(first.seal.toPosition) + 1n);
    expect(second.seal.count).toBeGreaterThanOrEqual(2);
  });

  it('seals every N events when they come fast, without waiting for the clock', async () => {
    const store = await freshStore();
    sealerFor(store, { everyMs: 3_600_000, everyEvents: 10 });
    for (let i = 0; i < 5; i++) await append(store, 9);
    const chain = await until(async () => {
      const seals = await chainOf(store);
      return seals.length >= 4 && seals;
    });
    expect(chain.every((link) => link.seal.count === 10)).toBe(true);
  });

  it('continues the chain after a restart, and keeps it linear when two sealers both believe they lead', async () => {
    const store = await freshStore();
    const leafIndex = new MemoryLeafIndex();
    const first = sealerFor(store, { everyMs: 3_600_000, everyEvents: 5, leafIndex });
    await append(store, 12);
    await until(async () => (await chainOf(store)).length >= 2);
    await first.close();
    // Two sealers with separate lease managers: as if a lease store had failed under them.
    const a = sealerFor(store, { everyMs: 50, everyEvents: 5, leafIndex });
    const b = sealerFor(store, { everyMs: 50, everyEvents: 5, leafIndex });
    for (let round = 0; round < 6; round++) await append(store, 4);
    const head = await store.headPosition({ streamPrefixes: ['fact-'] });
    await until(async () => {
      await Promise.all([a.flush(), b.flush()]);
      const last = await new SealLog(store).last();
      return last !== null && BigInt(last.seal.toPosition) >= head;
    });
    const report = await verifyAuditLog({ store, leafIndex });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const chain = await chainOf(store);
    for (const [index, link] of chain.entries()) {
      if (index > 0) expect(link.seal.previousRoot).toBe(chain[index - 1]!.seal.root);
    }
  });

  it("puts back the last seal's leaves when a sealer stopped before indexing them", async () => {
    const store = await freshStore();
    const leafIndex = new MemoryLeafIndex();
    const first = sealerFor(store, { everyMs: 3_600_000, everyEvents: 5, leafIndex });
    await append(store, 5);
    const sealed = await until(async () => (await chainOf(store))[0]);
    await first.close();
    // As if the process had died between the seal's append and the index write.
    leafIndex.leaves.clear();
    sealerFor(store, { everyMs: 3_600_000, everyEvents: 5, leafIndex });
    const restored = await until(async () =>
      (await leafIndex.range(BigInt(sealed.seal.fromPosition), BigInt(sealed.seal.toPosition))).length ===
      sealed.seal.count
        ? true
        : null,
    );
    expect(restored).toBe(true);
    expect((await verifyAuditLog({ store, leafIndex })).ok).toBe(true);
  });
});
