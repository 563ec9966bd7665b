import { expect, it } from 'vitest';
import {
  appendBatches,
  appendBytes,
  eventBytes,
  MAX_APPEND_BYTES,
} from '../../src/eventstore/append-size.js';
import { event } from './contract.js';

it('counts an event as KurrentDB does: data and metadata bytes plus two per character of the type', () => {
  const e = event('Café', { text: 'é' });
  expect(eventBytes(e)).toBe(
    Buffer.byteLength(JSON.stringify(e.data)) + Buffer.byteLength(JSON.stringify(e.metadata)) + 8,
  );
});

it('groups events into appends within the limit, in order, an oversized one alone', () => {
  const quarter = (n: number) => event('Part', { n, blob: 'x'.repeat(MAX_APPEND_BYTES / 4 - 300) });
  const events = [
    quarter(0),
    quarter(1),
    quarter(2),
    quarter(3),
    quarter(4),
    event('Huge', { blob: 'y'.repeat(MAX_APPEND_BYTES) }),
    quarter(5),
  ];
  const batches = appendBatches(events);
  expect(batches.flat()).toEqual(events);
  for (const batch of batches) {
    if (batch.length > 1) expect(appendBytes(batch)).toBeLessThanOrEqual(MAX_APPEND_BYTES);
  }
  expect(batches.map((batch) => batch.map((e) => e.type))).toEqual([
    ['Part', 'Part', 'Part', 'Part'],
    ['Part'],
    ['Huge'],
    ['Part'],
  ]);
});
