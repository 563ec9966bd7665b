import type { Signal } from '../../signals/signal.js';

// U+0000, a high surrogate not followed by a low one, or a low one not preceded by a high one.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this finds.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text PostgreSQL can store: NUL and lone surrogates (valid in a JS string and in JSON, refused by
 * PostgreSQL's text and jsonb, and by UTF-8) become U+FFFD, as a UTF-8 decoder would make them.
 */
export const cleanText = (value: string): string => value.replace(UNSAFE, '\uFFFD');

export const isCleanText = (value: string): boolean => value.search(UNSAFE) === -1;

export const cleanOrNull = (value: string | null): string | null =>
  value === null ? null : cleanText(value);

/**
 * A signal's normalized fields, clean: the one place between every connector's normalizer and the
 * log, so no connector has to think of it. Kind, provider, connection and time come from the
 * catalog, the route and a Date, not the payload. The payload is left as the provider sent it (the
 * log stores it as json, which keeps `\u0000`); only what read models index and show is cleaned.
 */
export function cleanSignal(signal: Signal): Signal {
  return {
    ...signal,
    actor: signal.actor && {
      ...signal.actor,
      id: cleanText(signal.actor.id),
      name: cleanText(signal.actor.name),
    },
    subject: signal.subject && {
      ...signal.subject,
      type: cleanText(signal.subject.type),
      id: cleanText(signal.subject.id),
      title: cleanText(signal.subject.title),
      url: cleanOrNull(signal.subject.url),
    },
    summary: cleanText(signal.summary),
  };
}
