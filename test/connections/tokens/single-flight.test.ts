import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../src/connections/tokens/single-flight.js';

describe('single flight', () => {
  it('runs once per key while in flight, and again afterwards', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const work = async () => {
      const run = ++runs;
      await sleep(10);
      return run;
    };
    const results = await Promise.all([
      flights.run('a', work),
      flights.run('a', work),
      flights.run('b', work),
    ]);
    expect(results).toEqual([1, 1, 2]);
    expect(await flights.run('a', work)).toBe(3);
    expect(flights.size).toBe(0);
  });
});
