import { describe, expect, it } from 'vitest';
import { decodeTimeCursor, encodeTimeCursor } from '../../src/readmodels/time-cursor.js';

const id = '2f0c9a3e-5d1b-5c4e-9a7f-0123456789ab';
const badInput = (name: string) =>
  expect.objectContaining({ code: 'BAD_USER_INPUT', message: `Invalid cursor in ${name}` });

describe('time cursors', () => {
  it('round-trip a time and an id, from a Date or an ISO string alike', () => {
    const at = new Date('2026-01-01T12:00:00.123Z');
    expect(decodeTimeCursor(encodeTimeCursor(at, id), 'after')).toEqual({ at, id });
    expect(encodeTimeCursor('2026-01-01T12:00:00.123Z', id)).toBe(encodeTimeCursor(at, id));
  });

  it('are opaque url-safe text', () => {
    expect(encodeTimeCursor(new Date(0), id)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('read an upper-case id as the lower-case one the rows hold', () => {
    const cursor = Buffer.from(`2026-01-01T00:00:00.000Z|${id.toUpperCase()}`).toString('base64url');
    expect(decodeTimeCursor(cursor, 'after')?.id).toBe(id);
  });

  it('pass undefined through', () => {
    expect(decodeTimeCursor(undefined, 'after')).toBeUndefined();
  });

  it('refuse anything they did not make as BAD_USER_INPUT naming the argument', () => {
    const encoded = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const cursor of [
      '',
      'bm9wZQ',
      encoded(`not a time|${id}`),
      encoded('2026-01-01T00:00:00.000Z|not-a-uuid'),
      encoded('2026-01-01T00:00:00.000Z|'),
      encoded(`2026-01-01T00:00:00.000Z|${id}|extra`),
    ])
      expect(() => decodeTimeCursor(cursor, 'before'), cursor).toThrow(badInput('before'));
  });
});
