import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendBytes, MAX_APPEND_BYTES } from '../../src/eventstore/append-size.js';
import type { Event, RecordedEvent } from '../../src/eventstore/envelope.js';
import {
  DuplicateEventIdError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors.js';
import type { EventStore, Subscription, SubscriptionMessage } from '../../src/eventstore/port.js';
import { uuidV5 } from '../../src/signals/uuid-v5.js';

/** Namespace of the name-based ids the contract appends (any fixed UUID). */
const NAMESPACE = '3f1e5d2c-8a47-4b6e-9c1d-2a5b7e9f0c34';

export type StoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

export function event(type: string, data: unknown = {}, tenantId = 'acme'): Event {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      tenantId,
      correlationId: randomUUID(),
      causationId: null,
      actor: 'system:test',
      schemaVersion: 1,
    },
  };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads messages until `until` says stop (or the timeout fails the test). */
export async function take(
  subscription: Subscription,
  until: (messages: SubscriptionMessage[]) => boolean,
  timeoutMs = 10_000,
): Promise<SubscriptionMessage[]> {
  const messages: SubscriptionMessage[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (!until(messages)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out after ${messages.length} messages`);
    const next = await Promise.race([
      iterator.next(),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), remaining)),
    ]);
    if (next === 'timeout') throw new Error(`timed out after ${messages.length} messages`);
    if (next.done) break;
    messages.push(next.value);
  }
  return messages;
}

const eventsOf = (messages: SubscriptionMessage[]): RecordedEvent[] =>
  messages.flatMap((message) => (message.kind === 'event' ? [message.event] : []));

/**
 * The EventStore contract: every adapter (PGlite, PostgreSQL, KurrentDB over the protocol double,
 * a real KurrentDB) must pass it unchanged. Every test uses streams of its own, so it also runs
 * against a store that holds other data.
 */
export function describeEventStoreContract(name: string, createStore: StoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let run: string;
    const stream = (label: string) => `ct${run}-${label}.${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      ({ store, cleanup } = await createStore());
      run = randomUUID().replaceAll('-', '').slice(0, 10);
    });
    afterAll(async () => cleanup?.());

    describe('append', () => {
      it('numbers a new stream from revision 0 and positions strictly increase', async () => {
        const s = stream('a');
        const first = await store.append(s, [event('A'), event('B')], 'no_stream');
        expect(first.revision).toBe(1n);
        const second = await store.append(s, [event('C')], 1n);
        expect(second.revision).toBe(2n);
        expect(second.position).toBeGreaterThan(first.position);
        const events = await collect(store.readStream(s));
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0n],
          ['B', 1n],
          ['C', 2n],
        ]);
        expect(events[2]!.position).toBe(second.position);
      });

      it('round-trips id, data, metadata, stream and time', async () => {
        const s = stream('rt');
        const written = event(
          'Typed',
          { text: 'héllo "quoted" \\ \u{1F680}', nested: { list: [1, null, true] } },
          't-1',
        );
        const before = Date.now();
        await store.append(s, [written], 'no_stream');
        const [read] = await collect(store.readStream(s));
        expect(read).toMatchObject({
          id: written.id,
          type: 'Typed',
          data: written.data,
          metadata: written.metadata,
          stream: s,
        });
        expect(read!.recordedAt.getTime()).toBeGreaterThan(before - 60_000);
      });

      it("keeps the trace context the traced store writes into an event's metadata", async () => {
        const s = stream('traced');
        const base = event('Typed', {}, 't-1');
        const written = {
          ...base,
          metadata: {
            ...base.metadata,
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
            tracestate: 'vendor=1',
          },
        };
        await store.append(s, [written], 'no_stream');
        const [read] = await collect(store.readStream(s));
        expect(read!.metadata).toEqual(written.metadata);
      });

      it('enforces the expected revision and reports the actual one', async () => {
        const s = stream('ev');
        await expect(store.append(s, [event('X')], 'exists')).rejects.toBeInstanceOf(
          WrongExpectedVersionError,
        );
        await expect(store.append(s, [event('X')], 0n)).rejects.toMatchObject({ actual: 'no_stream' });
        await store.append(s, [event('X')], 'no_stream');
        await expect(store.append(s, [event('Y')], 'no_stream')).rejects.toMatchObject({
          actual: 0n,
          stream: s,
        });
        await expect(store.append(s, [event('Y')], 5n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.append(s, [event('Y')], 'exists')).revision).toBe(1n);
        expect((await store.append(s, [event('Z')], 'any')).revision).toBe(2n);
        expect((await store.append(stream('any'), [event('Z')], 'any')).revision).toBe(0n);
      });

      it("refuses 'exists' on a stream that has metadata but no events", async () => {
        const s = stream('metaonly');
        await store.setStreamMetadata(s, { maxAge: 3600 });
        await expect(store.append(s, [event('A')], 'exists')).rejects.toMatchObject({
          expected: 'exists',
          actual: 'no_stream',
        });
        expect(await collect(store.readStream(s))).toEqual([]);
        expect((await store.append(s, [event('A')], 'no_stream')).revision).toBe(0n);
        expect((await store.append(s, [event('B')], 'exists')).revision).toBe(1n);
      });

      it('lets exactly one of two racing appends at the same revision win', async () => {
        const s = stream('race');
        await store.append(s, [event('Start')], 'no_stream');
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => store.append(s, [event('Racer')], 0n)),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        for (const failure of failures) expect(failure.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(await collect(store.readStream(s))).toHaveLength(2);
      });

      it('treats a retry with the same event ids as already done', async () => {
        const s = stream('idem');
        const events = [event('A'), event('B')];
        const first = await store.append(s, events, 'no_stream');
        expect(first.duplicate).toBe(false);
        // Same answer, nothing written. Whether `duplicate` says so is only promised for
        // name-based ids (next test): KurrentDB answers a recognized retry as it answered the write.
        expect(await store.append(s, events, 'no_stream')).toMatchObject({
          revision: first.revision,
          position: first.position,
        });
        expect(await store.append(s, events, 'any')).toMatchObject({
          revision: first.revision,
          position: first.position,
        });
        expect(await collect(store.readStream(s))).toHaveLength(2);
      });

      it('says duplicate for a retry of name-based ids under any, as ingress appends a redelivery', async () => {
        const s = stream('named');
        const delivery = randomUUID();
        const events = [0, 1].map((i) => ({ ...event('Signal'), id: uuidV5(NAMESPACE, `${delivery}/${i}`) }));
        const first = await store.append(s, events, 'any');
        expect(first.duplicate).toBe(false);
        expect(await store.append(s, events, 'any')).toEqual({ ...first, duplicate: true });
        expect(await store.append(s, [events[0]!], 'any')).toMatchObject({
          revision: first.revision - 1n,
          duplicate: true,
        });
        expect(await collect(store.readStream(s))).toHaveLength(2);
      });

      it('still says duplicate for a redelivery that comes after 9 MiB of other commits', async () => {
        // Beyond the 8 MiB of recent commits in which KurrentDB itself recognizes a retry under any.
        const s = stream('late');
        const delivery = [{ ...event('Signal'), id: uuidV5(NAMESPACE, `${randomUUID()}/late`) }];
        const first = await store.append(s, delivery, 'any');
        const filler = 'f'.repeat(900 * 1024);
        for (let i = 0; i < 10; i++)
          await store.append(stream(`filler${i}`), [event('Filler', { filler })], 'no_stream');
        expect(await store.append(s, delivery, 'any')).toEqual({ ...first, duplicate: true });
        expect(await collect(store.readStream(s))).toHaveLength(1);
      });

      it('takes an event as large as the smallest supported KurrentDB takes (1 MiB append)', async () => {
        const s = stream('large');
        const probe = event('Large', { blob: '' });
        const large = { ...probe, data: { blob: 'x'.repeat(MAX_APPEND_BYTES - appendBytes([probe])) } };
        expect(appendBytes([large])).toBe(MAX_APPEND_BYTES);
        const written = await store.append(s, [large], 'no_stream');
        const [read] = await collect(store.readStream(s));
        expect(read).toMatchObject({ id: large.id, revision: written.revision, data: large.data });
      });

      it('refuses a batch of which only some ids were appended before', async () => {
        const s = stream('partial');
        const a = event('A');
        await store.append(s, [a], 'no_stream');
        await expect(store.append(s, [a, event('B')], 'any')).rejects.toBeInstanceOf(Error);
        const events = await collect(store.readStream(s));
        expect(events.map((e) => e.type)).toEqual(['A']);
      });
    });

    describe('readStream', () => {
      it('reads forwards and backwards from a revision, with a maximum count', async () => {
        const s = stream('read');
        await store.append(
          s,
          Array.from({ length: 5 }, (_, i) => event(`E${i}`)),
          'no_stream',
        );
        const types = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await collect(store.readStream(s, options))).map((e) => e.type);
        expect(await types({ fromRevision: 2n })).toEqual(['E2', 'E3', 'E4']);
        expect(await types({ direction: 'backwards' })).toEqual(['E4', 'E3', 'E2', 'E1', 'E0']);
        expect(await types({ direction: 'backwards', fromRevision: 1n })).toEqual(['E1', 'E0']);
        expect(await types({ maxCount: 2 })).toEqual(['E0', 'E1']);
        expect(await types({ direction: 'backwards', maxCount: 1 })).toEqual(['E4']);
      });

      it('yields nothing for a stream that never existed', async () => {
        expect(await collect(store.readStream(stream('none')))).toEqual([]);
      });
    });

    describe('readAll', () => {
      it('reads the global log in position order, filtered, from an exclusive position', async () => {
        const prefix = `ct${run}-all.`;
        const s1 = `${prefix}one`;
        const s2 = `${prefix}two`;
        await store.append(s1, [event('P'), event('Q')], 'no_stream');
        await store.append(s2, [event('P')], 'no_stream');
        await store.append(s1, [event('R')], 'any');
        const all = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
        expect(all.map((e) => `${e.stream}:${e.type}`)).toEqual([`${s1}:P`, `${s1}:Q`, `${s2}:P`, `${s1}:R`]);
        const positions = all.map((e) => e.position);
        expect([...positions].sort((a, b) => (a < b ? -1 : 1))).toEqual(positions);

        const onlyP = await collect(
          store.readAll({ filter: { streamPrefixes: [prefix], eventTypes: ['P'] } }),
        );
        expect(onlyP.map((e) => e.stream)).toEqual([s1, s2]);

        const afterFirst = await collect(
          store.readAll({ after: all[0]!.position, filter: { streamPrefixes: [prefix] } }),
        );
        expect(afterFirst.map((e) => e.id)).toEqual(all.slice(1).map((e) => e.id));

        const backwards = await collect(
          store.readAll({ direction: 'backwards', maxCount: 2, filter: { streamPrefixes: [prefix] } }),
        );
        expect(backwards.map((e) => e.id)).toEqual([all[3]!.id, all[2]!.id]);

        expect(await store.headPosition({ streamPrefixes: [prefix] })).toBe(all[3]!.position);
        expect(await store.headPosition({ streamPrefixes: [`ct${run}-nothing-here.`] })).toBe(0n);
      });
    });

    describe('subscribeAll', () => {
      it('catches up, says so once, then delivers live events in order', async () => {
        const prefix = `ct${run}-sub.`;
        await store.append(`${prefix}a`, [event('Old1'), event('Old2')], 'no_stream');
        const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
        try {
          const caughtUp = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
          expect(eventsOf(caughtUp).map((e) => e.type)).toEqual(['Old1', 'Old2']);
          const writes = Promise.all([
            store.append(`${prefix}b`, [event('Live1')], 'no_stream'),
            store.append(`${prefix}c`, [event('Live2')], 'no_stream'),
          ]);
          const live = await take(subscription, (m) => eventsOf(m).length === 2);
          await writes;
          expect(
            eventsOf(live)
              .map((e) => e.type)
              .sort(),
          ).toEqual(['Live1', 'Live2']);
          expect(eventsOf(live)[0]!.position).toBeLessThan(eventsOf(live)[1]!.position);
          expect(live.some((m) => m.kind === 'caught_up')).toBe(false);
        } finally {
          await subscription.close();
        }
      });

      it('delivers live events exactly as the log holds them (ids, revisions, positions, times, data)', async () => {
        const prefix = `ct${run}-same.`;
        const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
        try {
          await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
          const nested = {
            z: 1,
            a: { list: [1, 'two', null, { deep: true }], text: 'quote " and \\ and ü' },
          };
          await store.append(`${prefix}a`, [event('First', nested), event('Second', { n: 2 })], 'no_stream');
          await store.append(`${prefix}b`, [event('Third', [1, 2, 3])], 'no_stream');
          await store.append(`${prefix}a`, [event('Fourth', 'a string')], 1n);
          const live = eventsOf(await take(subscription, (m) => eventsOf(m).length === 4));
          const logged = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
          // To the millisecond on every path: deciders, upcasters and projections see one time per event.
          expect(live).toEqual(logged);
          const streamA = await collect(store.readStream(`${prefix}a`));
          expect(streamA).toEqual(logged.filter((e) => e.stream === `${prefix}a`));
          const backwards = await collect(store.readStream(`${prefix}a`, { direction: 'backwards' }));
          expect(backwards.map((e) => e.recordedAt)).toEqual(streamA.map((e) => e.recordedAt).reverse());
          expect(live.map((e) => [e.stream.slice(prefix.length), e.revision])).toEqual([
            ['a', 0n],
            ['a', 1n],
            ['b', 0n],
            ['a', 2n],
          ]);
          // Each reader gets objects of its own: changing one delivered event changes no other read.
          (live[0]!.data as { z: number }).z = 99;
          const again = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
          expect(again[0]!.data).toEqual(nested);
        } finally {
          await subscription.close();
        }
      });

      it('starts right after the given position and filters by event type', async () => {
        const prefix = `ct${run}-subfrom.`;
        const first = await store.append(`${prefix}a`, [event('Skip')], 'no_stream');
        await store.append(`${prefix}a`, [event('Keep'), event('Other'), event('Keep')], 0n);
        const subscription = store.subscribeAll({
          after: first.position,
          filter: { eventTypes: ['Keep'], streamPrefixes: [prefix] },
        });
        try {
          const messages = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
          expect(eventsOf(messages).map((e) => [e.type, e.revision])).toEqual([
            ['Keep', 1n],
            ['Keep', 3n],
          ]);
        } finally {
          await subscription.close();
        }
      });

      it('resumes after any checkpoint it gave with exactly the matching events after it', async () => {
        const prefix = `ct${run}-checkpoints.`;
        // Mostly events the filter skips, so checkpoints fall between pages of skipped ones.
        for (let batch = 0; batch < 6; batch++) {
          const events = Array.from({ length: 40 }, (_, i) => event(i % 13 === 0 ? 'Wanted' : 'Noise'));
          await store.append(`${prefix}${batch}`, events, 'no_stream');
        }
        const filter = { eventTypes: ['Wanted'], streamPrefixes: [prefix] };
        const all = await collect(store.readAll({ filter }));
        const subscription = store.subscribeAll({ filter, checkpointInterval: 32 });
        let checkpoints: bigint[];
        try {
          const messages = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
          checkpoints = messages.flatMap((m) => (m.kind === 'checkpoint' ? [m.position] : []));
        } finally {
          await subscription.close();
        }
        expect(checkpoints.length).toBeGreaterThan(0);
        for (const checkpoint of checkpoints) {
          const expected = all.filter((e) => e.position > checkpoint).map((e) => e.id);
          const resumed = store.subscribeAll({ after: checkpoint, filter });
          try {
            const messages = await take(resumed, (m) => m.some((x) => x.kind === 'caught_up'));
            expect(
              eventsOf(messages).map((e) => e.id),
              `after checkpoint ${checkpoint}`,
            ).toEqual(expected);
          } finally {
            await resumed.close();
          }
        }
      });

      it('ends iteration when closed', async () => {
        const subscription = store.subscribeAll({ filter: { streamPrefixes: [`ct${run}-closing.`] } });
        await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
        const pending = subscription[Symbol.asyncIterator]().next();
        await subscription.close();
        expect((await pending).done).toBe(true);
      });
    });

    describe('stream metadata and tombstones', () => {
      it('stores metadata with its own revision', async () => {
        const s = stream('meta');
        expect(await store.getStreamMetadata(s)).toEqual({ metadata: {}, metaRevision: 'no_stream' });
        await store.setStreamMetadata(s, { maxCount: 10, custom: { owner: 'acme' } });
        const first = await store.getStreamMetadata(s);
        expect(first.metadata).toMatchObject({ maxCount: 10, custom: { owner: 'acme' } });
        expect(first.metaRevision).toBe(0n);
        await store.setStreamMetadata(s, { truncateBefore: 3n }, 0n);
        const second = await store.getStreamMetadata(s);
        expect(second.metadata.truncateBefore).toBe(3n);
        expect(second.metaRevision).toBe(1n);
        await expect(store.setStreamMetadata(s, {}, 0n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
      });

      it('refuses reads and appends on a tombstoned stream', async () => {
        const s = stream('tomb');
        await store.append(s, [event('A')], 'no_stream');
        await expect(store.tombstone(s, 5n)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.tombstone(s, 0n);
        await expect(collect(store.readStream(s))).rejects.toBeInstanceOf(StreamDeletedError);
        await expect(store.append(s, [event('B')], 'any')).rejects.toBeInstanceOf(StreamDeletedError);
      });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

export { DuplicateEventIdError };
