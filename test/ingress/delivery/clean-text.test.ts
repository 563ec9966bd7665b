import { describe, expect, it } from 'vitest';
import {
  cleanOrNull,
  cleanSignal,
  cleanText,
  isCleanText,
} from '../../../src/ingress/delivery/clean-text.js';
import type { Signal } from '../../../src/signals/signal.js';

describe('cleanText', () => {
  it('replaces NUL and lone surrogates with U+FFFD, keeping pairs and everything else', () => {
    expect(cleanText('plain text')).toBe('plain text');
    expect(cleanText('a\u0000b')).toBe('a\ufffdb');
    expect(cleanText('emoji 😀')).toBe('emoji 😀');
    expect(cleanText('high \ud83d alone')).toBe('high \ufffd alone');
    expect(cleanText('low \ude00 alone')).toBe('low \ufffd alone');
    expect(cleanText('\ude00\ud83d')).toBe('\ufffd\ufffd');
    expect(cleanText('\u0001\t\n')).toBe('\u0001\t\n');
  });

  it('tells clean text from text it would change', () => {
    expect(isCleanText('emoji 😀, tabs\tand\nlines')).toBe(true);
    expect(isCleanText('nul \u0000')).toBe(false);
    expect(isCleanText('end \ud83d')).toBe(false);
    // A global regex keeps state between calls with test(); search() does not.
    expect([isCleanText('\u0000'), isCleanText('\u0000')]).toEqual([false, false]);
  });

  it('keeps null as null', () => {
    expect(cleanOrNull(null)).toBeNull();
    expect(cleanOrNull('x\u0000')).toBe('x\ufffd');
  });
});

describe('cleanSignal', () => {
  const signal: Signal = {
    id: '2f0c9a3e-5d1b-5c4e-9a7f-0123456789ab',
    kind: 'message_posted',
    provider: 'slack',
    connectionId: 'conn_1',
    occurredAt: '2026-01-01T00:00:00.000Z',
    actor: { id: 'U\u00001', name: 'Ann \ud83d', bot: false },
    subject: { type: 'message\u0000', id: '1\u0000', title: 'Hi \ude00', url: null },
    summary: 'said \u0000 hi',
    payload: { text: 'kept \u0000 as sent' },
  };

  it('cleans what read models index and show, and leaves the payload as the provider sent it', () => {
    expect(cleanSignal(signal)).toEqual({
      ...signal,
      actor: { id: 'U\ufffd1', name: 'Ann \ufffd', bot: false },
      subject: { type: 'message\ufffd', id: '1\ufffd', title: 'Hi \ufffd', url: null },
      summary: 'said \ufffd hi',
      payload: { text: 'kept \u0000 as sent' },
    });
  });

  it('keeps a missing actor and subject missing', () => {
    expect(cleanSignal({ ...signal, actor: null, subject: null })).toMatchObject({
      actor: null,
      subject: null,
    });
  });
});
