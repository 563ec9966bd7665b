import { expect, it } from 'vitest';
import { readAhead } from '../../src/audit/read-ahead.js';

async function* numbers(count: number, log: string[], failAt?: number) {
  try {
    for (let i = 0; i < count; i++) {
      log.push(`fetch ${i}`);
      if (i === failAt) throw new Error(`failed at ${i}`);
      yield i;
    }
  } finally {
    log.push('closed');
  }
}

it('hands items out in order while fetching ahead of the consumer', async () => {
  const log: string[] = [];
  const seen: number[] = [];
  for await (const n of readAhead(numbers(10, log), 3)) {
    // By the time the consumer has item n, the source has been asked for more than n.
    expect(log.filter((line) => line.startsWith('fetch')).length).toBeGreaterThan(Math.min(n + 1, 9));
    seen.push(n);
  }
  expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(log.at(-1)).toBe('closed');
});

it('stops the source when the consumer stops early, and surfaces an error where it occurred', async () => {
  const log: string[] = [];
  for await (const n of readAhead(numbers(100, log), 4)) if (n === 2) break;
  expect(log.at(-1)).toBe('closed');
  expect(log.filter((line) => line.startsWith('fetch')).length).toBeLessThan(10);

  const seen: number[] = [];
  await expect(async () => {
    for await (const n of readAhead(numbers(10, [], 5), 3)) seen.push(n);
  }).rejects.toThrow('failed at 5');
  expect(seen).toEqual([0, 1, 2, 3, 4]);
});
