/**
 * Server versions whose subscriptions differ (the double's versions.ts): the adapter refuses
 * servers without CaughtUp, never hands on a checkpoint that is not a record's position, and
 * resumes from what it reported without losing the next event.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createKurrentDbEventStore } from '../../../src/eventstore/kurrentdb/index.js';
import type { EventStore, SubscriptionMessage } from '../../../src/eventstore/port.js';
import { BadUserInputError } from '../../../src/shared/errors.js';
import { type KurrentDbDouble, startKurrentDbDouble } from '../../support/kurrentdb-double/index.js';
import { event, take } from '../contract.js';

const opened: { double: KurrentDbDouble; store: EventStore }[] = [];

async function serverAt(serverVersion: string) {
  const double = await startKurrentDbDouble({ serverVersion });
  const store = createKurrentDbEventStore(double.connectionString);
  opened.push({ double, store });
  return { double, store };
}

afterEach(async () => {
  for (const { double, store } of opened.splice(0)) {
    await store.close();
    await double.close();
  }
});

const caughtUp = (messages: SubscriptionMessage[]) => messages.some((m) => m.kind === 'caught_up');
const positionsOf = (messages: SubscriptionMessage[]) =>
  messages.map((m) => (m.kind === 'event' ? m.event.position : m.position));

describe('KurrentDB server versions (protocol double)', () => {
  it('refuses at startup a server that never says a subscription caught up (before 23.10)', async () => {
    const { store } = await serverAt('23.6.0');
    const refusal = await store.ping().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(BadUserInputError);
    expect((refusal as Error).message).toContain('23.10');
    const { store: supported } = await serverAt('23.10.0');
    await expect(supported.ping()).resolves.toBeUndefined();
  });

  it('never reports the (u64::MAX, u64::MAX) checkpoint of 24.10.0-24.10.4', async () => {
    const { store } = await serverAt('24.10.2');
    const { position: head } = await store.append(`other-${randomUUID()}`, [event('Other')], 'no_stream');
    const subscription = store.subscribeAll({
      filter: { streamPrefixes: [`none-${randomUUID()}`] },
      checkpointInterval: 100_000,
    });
    try {
      const messages = await take(subscription, caughtUp);
      for (const position of positionsOf(messages)) expect(position).toBeLessThanOrEqual(head);
    } finally {
      await subscription.close();
    }
  });

  it("resumes from 25.0.0's caught-up position without missing the next event (end-of-log checkpoint)", async () => {
    const { store } = await serverAt('25.0.0');
    const prefix = `eol-${randomUUID()}.`;
    await store.append(`${prefix}a`, [event('Old')], 'no_stream');
    const first = store.subscribeAll({ filter: { streamPrefixes: [prefix] }, checkpointInterval: 100_000 });
    const seen = await take(first, caughtUp);
    await first.close();
    const resumeAt = seen.find((m) => m.kind === 'caught_up')?.position;
    await store.append(`${prefix}a`, [event('Next')], 0n);
    const second = store.subscribeAll({ after: resumeAt, filter: { streamPrefixes: [prefix] } });
    try {
      const more = await take(second, caughtUp);
      expect(more.flatMap((m) => (m.kind === 'event' ? [m.event.type] : []))).toEqual(['Next']);
    } finally {
      await second.close();
    }
  });

  it('reports a caught-up position before 25.1, when CaughtUp carries none', async () => {
    const { store } = await serverAt('24.10.5');
    const prefix = `cu-${randomUUID()}.`;
    const { position } = await store.append(`${prefix}a`, [event('One')], 'no_stream');
    const subscription = store.subscribeAll({ filter: { streamPrefixes: [prefix] } });
    try {
      const messages = await take(subscription, caughtUp);
      expect(messages.find((m) => m.kind === 'caught_up')).toEqual({ kind: 'caught_up', position });
    } finally {
      await subscription.close();
    }
  });
});
