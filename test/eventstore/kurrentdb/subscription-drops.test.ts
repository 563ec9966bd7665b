/**
 * A subscription the server drops (a lost node: UNAVAILABLE) is resumed by the adapter from the
 * last position it handed on, after a backoff: the consumer sees no error, no gap and no duplicate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, SubscriptionMessage } from '../../../src/eventstore/port.js';
import { DependencyError } from '../../../src/shared/errors.js';
import type { KurrentDbDouble } from '../../support/kurrentdb-double/index.js';
import { startDoubleWithStore } from '../../support/kurrentdb-double/with-store.js';
import { event, take } from '../contract.js';

const typesOf = (messages: SubscriptionMessage[]) =>
  messages.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []));

describe('KurrentDB subscription drops (protocol double)', () => {
  let double: KurrentDbDouble;
  let store: EventStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ double, store, cleanup } = await startDoubleWithStore());
  });
  afterAll(async () => cleanup?.());

  it('resubscribes from its last position with a backoff, without a gap or a duplicate', async () => {
    const prefix = `drop-${randomUUID()}.`;
    await store.append(`${prefix}a`, [event('E1'), event('E2')], 'no_stream');
    const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
    try {
      const before = await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
      expect(typesOf(before)).toEqual(['E1', 'E2']);
      const subscribed = () => double.reads.records.filter((r) => r.subscription).length;
      const first = subscribed();
      const droppedAt = Date.now();
      expect(double.reads.dropSubscriptions()).toBeGreaterThan(0);
      await store.append(`${prefix}a`, [event('E3')], 1n);
      await store.append(`${prefix}b`, [event('E4')], 'no_stream');
      const after = await take(subscription, (m) => typesOf(m).length >= 2);
      expect(typesOf(after)).toEqual(['E3', 'E4']);
      expect(subscribed()).toBe(first + 1);
      expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(90);
      // Still live on the new subscription.
      await store.append(`${prefix}a`, [event('E5')], 2n);
      expect(typesOf(await take(subscription, (m) => typesOf(m).length >= 1))).toEqual(['E5']);
    } finally {
      await subscription.close();
    }
  });

  it('gives up after repeated drops and says why', async () => {
    const prefix = `gone-${randomUUID()}.`;
    const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
    await take(subscription, (m) => m.some((x) => x.kind === 'caught_up'));
    const stop = setInterval(() => double.reads.dropSubscriptions(), 5);
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      await expect(iterator.next()).rejects.toBeInstanceOf(DependencyError);
    } finally {
      clearInterval(stop);
      await subscription.close();
    }
  }, 30_000);
});
