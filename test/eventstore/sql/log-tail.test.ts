import { describe, expect, it } from 'vitest';
import { LogTail, type TailEntry } from '../../../src/eventstore/sql/log-tail.js';
import { WakeSignal } from '../../../src/eventstore/sql/wake-signal.js';

/** A log in memory, counting the tail's reads of it. */
function memoryLog() {
  const entries: TailEntry[] = [];
  const reads = { head: 0, entries: 0 };
  return {
    reads,
    append(type: string, stream: string) {
      entries.push({ position: BigInt(entries.length + 1), type, stream });
    },
    reader: {
      head: async () => {
        reads.head++;
        return BigInt(entries.length);
      },
      entriesAfter: async (after: bigint, limit: number) => {
        reads.entries++;
        return entries.filter((entry) => entry.position > after).slice(0, limit);
      },
    },
  };
}

describe('the SQL store’s shared log tail', () => {
  it('tells each subscription whether anything up to the head matches its filter, from one read per wake', async () => {
    const log = memoryLog();
    const wake = new WakeSignal();
    const tail = new LogTail(log.reader, wake, { maxAgeMs: 60_000 });
    expect(await tail.view(0n, wake.current, undefined)).toEqual({ head: 0n, matches: false });

    log.append('TenantRegistered', 'tenant-acme.profile');
    log.append('SignalRecorded', 'signals-acme.c1');
    wake.notify();
    const seen = wake.current;
    const views = await Promise.all([
      tail.view(0n, seen, { eventTypes: ['TenantRegistered'] }),
      tail.view(1n, seen, { eventTypes: ['TenantRegistered'] }),
      tail.view(0n, seen, { eventTypes: ['SignalRecorded'], streamPrefixes: ['signals-globex.'] }),
      tail.view(0n, seen, { streamPrefixes: ['signals-acme.'] }),
      tail.view(2n, seen, undefined),
    ]);
    expect(views).toEqual([
      { head: 2n, matches: true },
      { head: 2n, matches: false },
      { head: 2n, matches: false },
      { head: 2n, matches: true },
      { head: 2n, matches: false },
    ]);
    // One head read to start from, then one entries read per wake generation, shared by all five.
    expect(log.reads).toEqual({ head: 1, entries: 2 });
  });

  it('reads again for a newer wake generation, and when its last read is older than maxAgeMs (a missed NOTIFY)', async () => {
    const log = memoryLog();
    const wake = new WakeSignal();
    const tail = new LogTail(log.reader, wake, { maxAgeMs: 30 });
    await tail.view(0n, wake.current, undefined);
    log.append('A', 's-1');
    // No notify: within maxAgeMs the tail answers from what it read.
    expect(await tail.view(0n, wake.current, undefined)).toEqual({ head: 0n, matches: false });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await tail.view(0n, wake.current, undefined)).toEqual({ head: 1n, matches: true });
    log.append('A', 's-1');
    wake.notify();
    expect(await tail.view(1n, wake.current, undefined)).toEqual({ head: 2n, matches: true });
  });

  it('sends a subscription further behind than it keeps back to the log', async () => {
    const log = memoryLog();
    const wake = new WakeSignal();
    log.append('A', 's-1');
    const tail = new LogTail(log.reader, wake, { maxAgeMs: 60_000, capacity: 3 });
    // Started at head 1: nothing at or below it is known.
    expect(await tail.view(0n, wake.current, undefined)).toBeNull();
    for (let i = 0; i < 5; i++) log.append('A', 's-1');
    wake.notify();
    expect(await tail.view(3n, wake.current, undefined)).toEqual({ head: 6n, matches: true });
    expect(await tail.view(2n, wake.current, undefined)).toBeNull();
  });

  it('keeps up to a quarter over its capacity, then trims back to it (not a copy per wake)', async () => {
    const log = memoryLog();
    const wake = new WakeSignal();
    const tail = new LogTail(log.reader, wake, { maxAgeMs: 60_000, capacity: 8 });
    expect(await tail.view(0n, wake.current, undefined)).toEqual({ head: 0n, matches: false });
    for (let i = 0; i < 10; i++) log.append('A', 's-1');
    wake.notify();
    // 10 entries, 2 over a capacity of 8: within the slack, all kept.
    expect(await tail.view(0n, wake.current, undefined)).toEqual({ head: 10n, matches: true });
    log.append('A', 's-1');
    wake.notify();
    // 11 entries, 3 over: trimmed back to the newest 8 (positions 4 to 11).
    expect(await tail.view(3n, wake.current, undefined)).toEqual({ head: 11n, matches: true });
    expect(await tail.view(2n, wake.current, undefined)).toBeNull();
    expect(tail.matching(3n, 11n, undefined, 100)?.map((entry) => entry.position)).toEqual([
      4n,
      5n,
      6n,
      7n,
      8n,
      9n,
      10n,
      11n,
    ]);
  });
});
