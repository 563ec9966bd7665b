import { describe, expect, it } from 'vitest';
import { REFRESH_AT_LIFETIME_FRACTION, refreshDueAt, retryDueAt } from '../../src/domain/refresh-schedule.js';

const issued = new Date('2026-01-01T00:00:00.000Z');
const msAfterIssue = (ms: number) => new Date(issued.getTime() + ms);
const delayOf = (due: Date) => due.getTime() - issued.getTime();

describe('refreshDueAt', () => {
  it('is due once 70% of the lifetime has passed', () => {
    expect(REFRESH_AT_LIFETIME_FRACTION).toBe(0.7);
    expect(refreshDueAt(issued, msAfterIssue(3600_000))?.toISOString()).toBe('2026-01-01T00:42:00.000Z');
    expect(refreshDueAt(issued, msAfterIssue(100_000))).toEqual(msAfterIssue(70_000));
  });

  it('rounds down to the millisecond, so it is never later than 70%', () => {
    expect(refreshDueAt(issued, msAfterIssue(1_001))).toEqual(msAfterIssue(700));
    expect(refreshDueAt(issued, msAfterIssue(3))).toEqual(msAfterIssue(2));
  });

  it('is null for a token that does not expire: nothing to do on a timer', () => {
    expect(refreshDueAt(issued, null)).toBeNull();
  });

  it('is due at once for a token that expired when (or before) it was issued', () => {
    expect(refreshDueAt(issued, issued)).toEqual(issued);
    expect(refreshDueAt(issued, msAfterIssue(-60_000))).toEqual(issued);
  });
});

describe('retryDueAt', () => {
  it('backs off 30 s · 2^(n-1) after the n-th failure in a row', () => {
    expect([1, 2, 3, 4, 5, 6].map((failures) => delayOf(retryDueAt(issued, failures)))).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000,
    ]);
  });

  it('waits at most 30 minutes, however many failures', () => {
    expect(delayOf(retryDueAt(issued, 7))).toBe(30 * 60_000);
    expect(delayOf(retryDueAt(issued, 30))).toBe(30 * 60_000);
    expect(delayOf(retryDueAt(issued, 1_000))).toBe(30 * 60_000);
  });

  it('counts from the failure time it is given, so a rebuild computes the same schedule', () => {
    const failedAt = new Date('2026-03-04T05:06:07.000Z');
    expect(retryDueAt(failedAt, 2).toISOString()).toBe('2026-03-04T05:07:07.000Z');
    expect(retryDueAt(failedAt, 2)).toEqual(retryDueAt(new Date(failedAt), 2));
  });
});
