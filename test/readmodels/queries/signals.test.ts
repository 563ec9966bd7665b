import { describe, expect, it } from 'vitest';
import type { SignalView } from '../../../src/readmodels/queries/signal-view.js';
import { decodeCursor, encodeCursor, matchesFilter } from '../../../src/readmodels/queries/signals.js';

const signal = {
  id: '2f0c9a3e-5d1b-5c4e-9a7f-0123456789ab',
  provider: 'github',
  connectionId: 'conn_1',
  kind: 'issue_created',
  occurredAt: '2026-01-01T12:00:00.000Z',
} as SignalView;

describe('signals read model helpers', () => {
  it('filters live signals on the server the way the query filters rows (bounds exclusive)', () => {
    expect(matchesFilter(signal, null)).toBe(true);
    expect(matchesFilter(signal, { provider: 'github', connectionId: 'conn_1', kind: 'issue_created' })).toBe(
      true,
    );
    expect(matchesFilter(signal, { provider: 'slack' })).toBe(false);
    expect(matchesFilter(signal, { connectionId: 'conn_2' })).toBe(false);
    expect(matchesFilter(signal, { kind: 'issue_closed' })).toBe(false);
    expect(matchesFilter(signal, { occurredAfter: new Date('2026-01-01T11:59:59Z') })).toBe(true);
    expect(matchesFilter(signal, { occurredAfter: new Date('2026-01-01T12:00:00Z') })).toBe(false);
    expect(matchesFilter(signal, { occurredBefore: new Date('2026-01-01T12:00:00Z') })).toBe(false);
  });

  it('round-trips cursors and refuses ones it did not make', () => {
    expect(decodeCursor(encodeCursor(signal), 'after')).toEqual({
      occurredAt: new Date(signal.occurredAt as string),
      id: signal.id,
    });
    expect(decodeCursor(undefined, 'after')).toBeUndefined();
    for (const bad of ['', 'bm9wZQ', Buffer.from('2026-01-01|not-a-uuid').toString('base64url')]) {
      expect(() => decodeCursor(bad, 'after')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    }
  });
});
