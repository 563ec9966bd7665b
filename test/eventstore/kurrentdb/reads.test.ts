/**
 * How the KurrentDB adapter reads, as the protocol double records it: from the leader, with a
 * deadline, cancelled when the consumer stops early, and a ping that proves $all access.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateEventIdError } from '../../../src/eventstore/errors.js';
import type { EventStore } from '../../../src/eventstore/port.js';
import { uuidV5 } from '../../../src/signals/uuid-v5.js';
import type { KurrentDbDouble } from '../../support/kurrentdb-double/index.js';
import { startDoubleWithStore } from '../../support/kurrentdb-double/with-store.js';
import { collect, event } from '../contract.js';

describe('KurrentDB adapter reads (protocol double)', () => {
  let double: KurrentDbDouble;
  let store: EventStore;
  let cleanup: () => Promise<void>;
  const stream = (label: string) => `kr-${label}.${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ double, store, cleanup } = await startDoubleWithStore());
  });
  afterAll(async () => cleanup?.());
  beforeEach(() => double.reads.clear());

  it('reads streams and $all from the leader, each call with a deadline', async () => {
    const s = stream('leader');
    await store.append(s, [event('A')], 'no_stream');
    await collect(store.readStream(s));
    await collect(store.readAll({ filter: { streamPrefixes: [s] } }));
    const reads = double.reads.records.filter((r) => !r.subscription);
    expect(reads.map((r) => r.target)).toEqual(['stream', 'all']);
    for (const read of reads) expect(read).toMatchObject({ requiresLeader: true, deadline: true });
  });

  it("reads for appends, metadata and tombstones from the leader with a deadline too (never the client's bridge)", async () => {
    const s = stream('command');
    const named = { ...event('A'), id: uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', randomUUID()) };
    const second = event('B');
    // Receipts: read before the append, and again (with the retried event's position) on a retry.
    await store.append(s, [named], 'any');
    expect(await store.append(s, [named], 'any')).toMatchObject({ revision: 0n, duplicate: true });
    await store.append(s, [second], 'exists');
    // A conflict at a revision: the events after it are read to tell a partial duplicate.
    await expect(store.append(s, [second, event('C')], 0n)).rejects.toBeInstanceOf(DuplicateEventIdError);
    await store.setStreamMetadata(s, { maxAge: 3600 });
    expect(await store.getStreamMetadata(s)).toMatchObject({ metadata: { maxAge: 3600 }, metaRevision: 0n });
    // 'exists' pins the current revision with a read first.
    await store.tombstone(s, 'exists');
    const reads = double.reads.records.filter((r) => !r.subscription);
    expect(reads.length).toBeGreaterThanOrEqual(7);
    for (const read of reads) {
      expect(read, `${read.stream} read`).toMatchObject({ requiresLeader: true, deadline: true });
    }
  });

  it('reads a long stream in pages, each a request with its own deadline, in both directions', async () => {
    const s = stream('pages');
    const written = Array.from({ length: 1_100 }, (_, i) => event(`E${i}`));
    await store.append(s, written, 'no_stream');
    const forwards = await collect(store.readStream(s));
    expect(forwards.map((e) => e.id)).toEqual(written.map((e) => e.id));
    const backwards = await collect(store.readStream(s, { direction: 'backwards', fromRevision: 1_049n }));
    expect(backwards.map((e) => e.revision)).toEqual(
      Array.from({ length: 1_050 }, (_, i) => BigInt(1_049 - i)),
    );
    expect(
      (await collect(store.readStream(s, { fromRevision: 499n, maxCount: 502 }))).map((e) => e.revision),
    ).toEqual(Array.from({ length: 502 }, (_, i) => BigInt(499 + i)));
    const reads = double.reads.records.filter((r) => r.target === 'stream');
    expect(reads.length).toBeGreaterThanOrEqual(8);
    for (const read of reads) expect(read.deadline).toBe(true);
  });

  it('cancels the server read when the consumer stops early', async () => {
    const s = stream('cancel');
    const padding = 'x'.repeat(4_000);
    // 2,000 events of 4 KB, appended in parts under the 1 MiB append limit.
    for (let batch = 0; batch < 10; batch++) {
      const events = Array.from({ length: 200 }, () => event('Big', { padding }));
      await store.append(s, events, batch === 0 ? 'no_stream' : 'any');
    }
    for await (const _ of store.readStream(s)) break;
    const [read] = double.reads.records.filter((r) => r.target === 'stream');
    for (let i = 0; i < 50 && !read?.cancelled; i++) await sleep(20);
    expect(read?.cancelled).toBe(true);
    expect(read?.sent).toBeLessThan(2_000);
  });

  it('asks the new leader again when the node it read from is no longer the leader', async () => {
    const s = stream('leader-change');
    await store.append(s, [event('A'), event('B')], 'no_stream');
    double.reads.clear();
    double.reads.actAsFollowerFor(1);
    expect((await collect(store.readStream(s))).map((e) => e.type)).toEqual(['A', 'B']);
    const reads = double.reads.records.filter((r) => r.target === 'stream');
    expect(reads.map((r) => r.refused ?? false)).toEqual([true, false]);
  });

  it('pings by reading $all, which needs more rights than a user stream', async () => {
    await store.ping();
    expect(double.reads.records).toMatchObject([
      { target: 'all', backwards: true, deadline: true, subscription: false },
    ]);
  });
});
