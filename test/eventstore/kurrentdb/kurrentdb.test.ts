/**
 * The KurrentDB adapter: the shared event-store contract (against the protocol double, and a real
 * server when KURRENTDB_URL names one), then what it does beyond it: error translation details,
 * system events kept out, checkpoints kept in order with events, paging around client-side filtering.
 * The protocol double is test/support/kurrentdb-double.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBytes, MAX_APPEND_BYTES } from '../../../src/eventstore/append-size.js';
import type { Event } from '../../../src/eventstore/envelope.js';
import {
  AppendTooLargeError,
  DuplicateEventIdError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../../../src/eventstore/errors.js';
import { checkpointSettings } from '../../../src/eventstore/kurrentdb/checkpoints.js';
import { createKurrentDbEventStore } from '../../../src/eventstore/kurrentdb/index.js';
import type { EventStore, SubscriptionMessage } from '../../../src/eventstore/port.js';
import { BadUserInputError, DependencyError } from '../../../src/shared/errors.js';
import { uuidV5 } from '../../../src/signals/uuid-v5.js';
import { describeAuditSealContract } from '../../audit/seal-contract.js';
import { startKurrentDbDouble } from '../../support/kurrentdb-double/index.js';
import { startDoubleWithStore } from '../../support/kurrentdb-double/with-store.js';
import { collect, describeEventStoreContract, event, take } from '../contract.js';

describeEventStoreContract('KurrentDB (protocol double, BatchAppend)', async () => {
  const double = await startKurrentDbDouble();
  const store = createKurrentDbEventStore(double.connectionString);
  return {
    store,
    cleanup: async () => {
      await store.close();
      // As against a real server: ServerFeatures lists BatchAppend, so every append went through it.
      expect(double.writeCalls).toMatchObject({ append: 0, batchAppend: 1 });
      await double.close();
    },
  };
});

describeEventStoreContract('KurrentDB (protocol double, plain Append: no BatchAppend listed)', async () => {
  const double = await startKurrentDbDouble({ batchAppend: false });
  const store = createKurrentDbEventStore(double.connectionString);
  return {
    store,
    cleanup: async () => {
      await store.close();
      // The contract ran through Streams.Append, not BatchAppend.
      expect(double.writeCalls).toMatchObject({ batchAppend: 0 });
      expect(double.writeCalls.append).toBeGreaterThan(0);
      await double.close();
    },
  };
});

describeAuditSealContract('KurrentDB (protocol double)', () => startDoubleWithStore());

const realUrl = process.env.KURRENTDB_URL;
describe.skipIf(!realUrl)('KurrentDB (real server at KURRENTDB_URL)', () => {
  describeEventStoreContract('KurrentDB (real server)', async () => {
    const store = createKurrentDbEventStore(realUrl ?? '');
    return { store, cleanup: () => store.close() };
  });
  describeAuditSealContract('KurrentDB (real server)', async () => {
    const store = createKurrentDbEventStore(realUrl ?? '');
    return { store, cleanup: () => store.close() };
  });
});

describe('KurrentDB adapter (protocol double)', () => {
  let store: EventStore;
  let cleanup: () => Promise<void>;
  const stream = (label: string) => `kd-${label}.${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ store, cleanup } = await startDoubleWithStore());
  });
  afterAll(async () => cleanup?.());

  describe('error translation', () => {
    it('reports the expectation and the actual revision of a conflict', async () => {
      const s = stream('wev');
      await expect(store.append(s, [event('A')], 'exists')).rejects.toMatchObject({
        expected: 'exists',
        actual: 'no_stream',
      });
      await store.append(s, [event('A'), event('B')], 'no_stream');
      const conflict = await store.append(s, [event('C')], 0n).catch((error: unknown) => error);
      expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
      expect(conflict).toMatchObject({ stream: s, expected: 0n, actual: 1n, code: 'CONFLICT', status: 409 });
    });

    it('tells a partial duplicate from a plain conflict', async () => {
      const s = stream('dup');
      const [a, b] = [event('A'), event('B')];
      await store.append(s, [a, b], 'no_stream');
      await expect(store.append(s, [a, event('New')], 'no_stream')).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      await expect(store.append(s, [b, event('New')], 0n)).rejects.toBeInstanceOf(DuplicateEventIdError);
      await expect(store.append(s, [event('Other')], 0n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect((await collect(store.readStream(s))).map((e) => e.type)).toEqual(['A', 'B']);
    });

    it('treats a tombstoned stream as deleted everywhere, including a second tombstone', async () => {
      const s = stream('tomb');
      await store.append(s, [event('A')], 'no_stream');
      await store.tombstone(s, 'exists');
      await expect(store.tombstone(s)).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(store.append(s, [event('B')], 'no_stream')).rejects.toMatchObject({
        code: 'STREAM_DELETED',
        stream: s,
      });
      await expect(collect(store.readStream(s))).rejects.toBeInstanceOf(StreamDeletedError);
    });

    it('checks the expectation of an empty append without writing', async () => {
      const s = stream('empty');
      expect(await store.append(s, [], 'no_stream')).toEqual({
        revision: -1n,
        position: 0n,
        duplicate: false,
      });
      await expect(store.append(s, [], 'exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const written = await store.append(s, [event('A')], 'no_stream');
      expect(await store.append(s, [], 0n)).toEqual(written);
      await expect(store.append(s, [], 'no_stream')).rejects.toMatchObject({ actual: 0n });
    });

    it("refuses to tombstone a missing stream under 'exists'", async () => {
      await expect(store.tombstone(stream('missing'), 'exists')).rejects.toMatchObject({
        actual: 'no_stream',
      });
    });

    it('turns an unreachable server into DependencyError', async () => {
      const gone = await startKurrentDbDouble();
      await gone.close();
      const orphan = createKurrentDbEventStore(gone.connectionString);
      try {
        await expect(orphan.ping()).rejects.toBeInstanceOf(DependencyError);
        await expect(orphan.append(stream('x'), [event('A')], 'any')).rejects.toBeInstanceOf(DependencyError);
      } finally {
        await orphan.close();
      }
    });

    it('refuses a malformed connection string', () => {
      expect(() => createKurrentDbEventStore('http://nope')).toThrow(BadUserInputError);
    });
  });

  describe('append size', () => {
    /** An event of `bytes` as the server counts them (data + metadata + 2 x type length). */
    const sized = (bytes: number) => {
      const probe = event('Big', { blob: '' });
      return event('Big', { blob: 'x'.repeat(bytes - appendBytes([probe])) });
    };

    it('refuses an append over the max append size as too large (413), not as unavailable', async () => {
      const s = stream('huge');
      const refused = await store
        .append(s, [sized(MAX_APPEND_BYTES + 1)], 'no_stream')
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(AppendTooLargeError);
      expect(refused).toMatchObject({
        code: 'APPEND_TOO_LARGE',
        status: 413,
        limit: MAX_APPEND_BYTES,
        stream: s,
      });
      // Counted over the whole append, not per event.
      const half = MAX_APPEND_BYTES / 2;
      await expect(store.append(s, [sized(half), sized(half + 1)], 'any')).rejects.toBeInstanceOf(
        AppendTooLargeError,
      );
      expect(await collect(store.readStream(s))).toEqual([]);
      expect((await store.append(s, [sized(MAX_APPEND_BYTES)], 'no_stream')).revision).toBe(0n);
    });

    it('uses the limit the server states', async () => {
      const small = await startKurrentDbDouble({ maxAppendSize: 4096 });
      const client = createKurrentDbEventStore(small.connectionString);
      try {
        await expect(client.append(stream('small'), [sized(4097)], 'any')).rejects.toMatchObject({
          limit: 4096,
        });
        expect((await client.append(stream('small'), [sized(4096)], 'any')).revision).toBe(0n);
      } finally {
        await client.close();
        await small.close();
      }
    });
  });

  describe('idempotence beyond the server cache', () => {
    /** A name-based id, as ingress, sync and decisions give their events. */
    const named = (type: string, name: string): Event => ({ ...event(type), id: uuidV5(NAMESPACE, name) });
    const NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

    it('treats a redelivery as a duplicate after the server has forgotten the first commit', async () => {
      const forgetful = await startKurrentDbDouble({ idempotenceWindow: 4 });
      const client = createKurrentDbEventStore(forgetful.connectionString);
      try {
        const s = stream('late');
        const key = randomUUID();
        const delivery = [named('Signal', `${key}/0`), named('Signal', `${key}/1`)];
        const first = await client.append(s, delivery, 'any');
        // Enough traffic elsewhere to push the first commit out of the server's window.
        for (let i = 0; i < 5; i++)
          await client.append(stream('noise'), [event('Noise'), event('Noise')], 'any');
        expect(await client.append(s, delivery, 'any')).toEqual({ ...first, duplicate: true });
        expect(await client.append(s, delivery, 'exists')).toEqual({ ...first, duplicate: true });
        // One of them alone is a retry too (a sync that finds a change a webhook brought).
        expect(await client.append(s, [delivery[0]!], 'any')).toMatchObject({
          revision: 0n,
          duplicate: true,
        });
        await expect(
          client.append(s, [delivery[1]!, named('Signal', `${key}/2`)], 'any'),
        ).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect((await collect(client.readStream(s))).map((e) => e.id)).toEqual(delivery.map((e) => e.id));
      } finally {
        await client.close();
        await forgetful.close();
      }
    });

    it('models the server: a late retry of random ids under any is a second write', async () => {
      const forgetful = await startKurrentDbDouble({ idempotenceWindow: 2 });
      const client = createKurrentDbEventStore(forgetful.connectionString);
      try {
        const s = stream('forgot');
        const once = [event('Random')];
        const first = await client.append(s, once, 'any');
        // Recognized while the server remembers, and answered as the first write was: since 22.6
        // the server returns the original position, so only the log says it was a retry.
        expect(await client.append(s, once, 'any')).toEqual(first);
        expect(await collect(client.readStream(s))).toHaveLength(1);
        await client.append(stream('noise'), [event('Noise'), event('Noise')], 'any');
        expect((await client.append(s, once, 'any')).revision).toBe(1n);
        // Under a revision the server checks the stream itself, however late.
        expect((await client.append(s, once, 'no_stream')).revision).toBe(0n);
        expect(await collect(client.readStream(s))).toHaveLength(2);
      } finally {
        await client.close();
        await forgetful.close();
      }
    });

    it('still refuses a late retry on a tombstoned stream', async () => {
      const s = stream('late-tomb');
      const one = [named('Signal', randomUUID())];
      await store.append(s, one, 'any');
      await store.tombstone(s);
      await expect(store.append(s, one, 'any')).rejects.toBeInstanceOf(StreamDeletedError);
    });
  });

  describe('TLS', () => {
    it('appends, reads and subscribes over TLS, verifying the server with tlsCAFile', async () => {
      const secure = await startKurrentDbDouble({ tls: true });
      expect(secure.connectionString).toMatch(/tls=true&tlsCAFile=/);
      const client = createKurrentDbEventStore(secure.connectionString);
      try {
        await client.ping();
        const s = stream('tls');
        const written = await client.append(s, [event('Secure')], 'no_stream');
        expect((await collect(client.readStream(s))).map((e) => e.type)).toEqual(['Secure']);
        const subscription = client.subscribeAll({ filter: { streamPrefixes: [s] } });
        const seen = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
        await subscription.close();
        expect(seen.find((m) => m.kind === 'event')).toMatchObject({ event: { position: written.position } });
      } finally {
        await client.close();
        await secure.close();
      }
    });

    it('connects with tlsVerifyCert=false, and refuses a server it cannot verify', async () => {
      const secure = await startKurrentDbDouble({ tls: true });
      const port = new URL(secure.connectionString.replace('kurrentdb:', 'http:')).port;
      const unverified = createKurrentDbEventStore(
        `kurrentdb://127.0.0.1:${port}?tls=true&tlsVerifyCert=false`,
      );
      const untrusted = createKurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=true`);
      const plain = createKurrentDbEventStore(`kurrentdb://127.0.0.1:${port}?tls=false`);
      try {
        expect((await unverified.append(stream('noverify'), [event('A')], 'any')).revision).toBe(0n);
        await expect(untrusted.append(stream('untrusted'), [event('A')], 'any')).rejects.toBeInstanceOf(
          DependencyError,
        );
        await expect(plain.ping()).rejects.toBeInstanceOf(DependencyError);
      } finally {
        await Promise.all([unverified.close(), untrusted.close(), plain.close()]);
        await secure.close();
      }
    });
  });

  describe('stream metadata', () => {
    it('honours the expected revision of the metastream (streamState, not expectedRevision)', async () => {
      const s = stream('meta');
      await store.setStreamMetadata(s, { maxAge: 3600 }, 'no_stream');
      await expect(store.setStreamMetadata(s, { maxAge: 60 }, 'no_stream')).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      expect(await store.getStreamMetadata(s)).toEqual({ metadata: { maxAge: 3600 }, metaRevision: 0n });
    });

    it('keeps older events out of stream reads once truncated', async () => {
      const s = stream('trunc');
      await store.append(s, [event('A'), event('B'), event('C')], 'no_stream');
      await store.setStreamMetadata(s, { truncateBefore: 2n });
      expect((await collect(store.readStream(s))).map((e) => e.type)).toEqual(['C']);
    });

    it('refuses custom keys the server or the client owns', async () => {
      await expect(store.setStreamMetadata(stream('bad'), { custom: { $tb: 1 } })).rejects.toBeInstanceOf(
        BadUserInputError,
      );
    });
  });

  describe('the global log', () => {
    it('never shows system events (metadata, tombstones), filtered or not', async () => {
      const s = stream('sys');
      await store.setStreamMetadata(s, { maxCount: 5 });
      await store.append(s, [event('A')], 'any');
      await store.tombstone(s);
      const everything = await collect(store.readAll());
      expect(everything.filter((e) => e.stream.startsWith('$') || e.type.startsWith('$'))).toEqual([]);
      const head = await store.headPosition();
      expect(head).toBe(everything.at(-1)?.position);
    });

    it('matches event types exactly, even with regex characters in them', async () => {
      const prefix = `${stream('regex')}/`;
      await store.append(
        `${prefix}1`,
        [event('Order.Placed'), event('OrderXPlaced'), event('Order.Placed2')],
        'any',
      );
      const found = await collect(
        store.readAll({ filter: { eventTypes: ['Order.Placed'], streamPrefixes: [prefix] } }),
      );
      expect(found.map((e) => e.type)).toEqual(['Order.Placed']);
      const unconstrained = await collect(
        store.readAll({ filter: { eventTypes: [], streamPrefixes: [prefix] } }),
      );
      expect(unconstrained).toHaveLength(3);
    });

    it('pages through more events than one server read returns, in both directions', async () => {
      const prefix = `${stream('paging')}/`;
      const written = Array.from({ length: 1200 }, (_, i) => event(i % 3 === 0 ? 'Wanted' : 'Noise'));
      await store.append(`${prefix}big`, written, 'no_stream');
      const filter = { eventTypes: ['Wanted'], streamPrefixes: [prefix] };
      const forwards = await collect(store.readAll({ filter }));
      expect(forwards.map((e) => e.id)).toEqual(written.filter((e) => e.type === 'Wanted').map((e) => e.id));
      const backwards = await collect(store.readAll({ filter, direction: 'backwards' }));
      expect(backwards.map((e) => e.id)).toEqual(forwards.map((e) => e.id).reverse());
      const after = forwards[100]!.position;
      expect((await collect(store.readAll({ filter, after, maxCount: 2 }))).map((e) => e.id)).toEqual(
        forwards.slice(101, 103).map((e) => e.id),
      );
      expect(
        (await collect(store.readAll({ filter, after, direction: 'backwards', maxCount: 1 })))[0]?.id,
      ).toBe(forwards[99]!.id);
    });
  });

  describe('subscribeAll', () => {
    it('keeps checkpoints in order with events and advances them past filtered-out events', async () => {
      const prefix = `${stream('ckpt')}/`;
      const written = Array.from({ length: 300 }, (_, i) => event(i % 3 === 0 ? 'Rare' : 'Common'));
      await store.append(`${prefix}s`, written, 'no_stream');
      const subscription = store.subscribeAll({
        filter: { eventTypes: ['Rare'], streamPrefixes: [prefix] },
        checkpointInterval: 5,
      });
      try {
        // A consumer that starts late finds events buffered ahead of the checkpoints.
        await new Promise((resolve) => setTimeout(resolve, 200));
        const messages = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
        expect(messages.filter((m) => m.kind === 'event')).toHaveLength(100);
        expect(messages.filter((m) => m.kind === 'checkpoint').length).toBeGreaterThan(20);
        expectOrdered(messages);
      } finally {
        await subscription.close();
      }
    });

    it('resumes after a checkpoint without repeating or losing anything', async () => {
      const prefix = `${stream('resume')}/`;
      await store.append(`${prefix}s`, [event('One'), event('Two')], 'no_stream');
      const first = store.subscribeAll({ filter: { streamPrefixes: [prefix] }, checkpointInterval: 1 });
      const seen = await take(first, (m) => m.some((x) => x.kind === 'caught_up'));
      await first.close();
      const caughtUp = seen.find((m) => m.kind === 'caught_up');
      await store.append(`${prefix}s`, [event('Three')], 1n);
      const second = store.subscribeAll({ after: caughtUp?.position, filter: { streamPrefixes: [prefix] } });
      try {
        const more = await take(second, (m) => m.some((x) => x.kind === 'caught_up'));
        expect(more.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []))).toEqual(['Three']);
      } finally {
        await second.close();
      }
    });
  });
});

describe('checkpointSettings', () => {
  it('never lets window x multiplier exceed the interval asked for', () => {
    expect(checkpointSettings(undefined)).toEqual({ maxSearchWindow: 32, multiplier: 1 });
    expect(checkpointSettings(5)).toEqual({ maxSearchWindow: 5, multiplier: 1 });
    expect(checkpointSettings(1000)).toEqual({ maxSearchWindow: 256, multiplier: 3 });
    for (const interval of [1, 7, 255, 256, 257, 999, 10_000]) {
      const { maxSearchWindow, multiplier } = checkpointSettings(interval);
      expect(maxSearchWindow * multiplier).toBeLessThanOrEqual(interval);
    }
  });
});

/** Every checkpoint covers the events before it and precedes the events after it. */
function expectOrdered(messages: SubscriptionMessage[]): void {
  let floor = -1n;
  for (const message of messages) {
    const position = message.kind === 'event' ? message.event.position : message.position;
    if (message.kind === 'event') expect(position).toBeGreaterThan(floor);
    else expect(position).toBeGreaterThanOrEqual(floor);
    floor = position;
  }
}
