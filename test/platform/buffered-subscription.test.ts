import { describe, expect, it } from 'vitest';
import { BufferedSubscription } from '../../src/platform/buffered-subscription.js';

function subscription(bufferSize = 3) {
  let closed = 0;
  const created = new BufferedSubscription({
    topic: 't',
    bufferSize,
    ready: Promise.resolve(),
    onClose: async () => {
      closed++;
    },
  });
  return { subscription: created, closedCount: () => closed };
}

describe('BufferedSubscription', () => {
  it('hands a message straight to a waiting consumer', async () => {
    const { subscription: s } = subscription();
    const pending = s.next();
    s.deliver('m');
    expect(await pending).toEqual({ done: false, value: 'm' });
  });

  it('drops the oldest message beyond its buffer size and counts it', async () => {
    const { subscription: s } = subscription(3);
    for (const n of [1, 2, 3, 4, 5]) s.deliver(n);
    expect(s.dropped).toBe(2);
    expect([await s.next(), await s.next(), await s.next()].map((r) => r.value)).toEqual([3, 4, 5]);
  });

  it('close discards what is buffered, finishes pending reads and notifies the owner once', async () => {
    const { subscription: s, closedCount } = subscription();
    const waiting = subscription().subscription;
    const pending = waiting.next();
    await waiting.close();
    expect(await pending).toEqual({ done: true, value: undefined });

    s.deliver('unread');
    await Promise.all([s.close(), s.close()]);
    s.deliver('late');
    expect(await s.next()).toEqual({ done: true, value: undefined });
    expect(closedCount()).toBe(1);
  });

  it('end(error) delivers what is buffered, then throws once, then is done', async () => {
    const { subscription: s } = subscription();
    s.deliver('kept');
    s.end(new Error('subscribe failed'));
    expect(await s.next()).toEqual({ done: false, value: 'kept' });
    await expect(s.next()).rejects.toThrow('subscribe failed');
    expect(await s.next()).toEqual({ done: true, value: undefined });
  });

  it('end(error) rejects a pending read', async () => {
    const { subscription: s } = subscription();
    const pending = s.next();
    s.end(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });

  it('does not report a failed ready as an unhandled rejection', async () => {
    const failing = new BufferedSubscription({
      topic: 't',
      bufferSize: 1,
      ready: Promise.reject(new Error('no subscribe')),
      onClose: async () => {},
    });
    await expect(failing.ready).rejects.toThrow('no subscribe');
  });

  it('rejects a buffer size that is not a positive whole number', () => {
    for (const bufferSize of [0, -1, 2.5]) expect(() => subscription(bufferSize)).toThrow(RangeError);
  });
});
