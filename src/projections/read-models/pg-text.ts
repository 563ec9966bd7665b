/** NUL or any surrogate half: a valid pair also matches, then the replace below leaves it alone. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this replaces.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text as a PostgreSQL text column can hold it: NUL (which PostgreSQL refuses, 22021) and lone
 * surrogates (which have no UTF-8 form) become U+FFFD. Event strings come from tenants and
 * providers; one of them must never make a projection fail. The test first keeps the signals hot
 * path to one regex scan per string.
 */
export function pgText(text: string): string {
  return SUSPECT.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text;
}

export function pgTextOrNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : pgText(text);
}

/** A column value as a projection binds it: strings and string arrays made storable, the rest as is. */
export function pgValue(value: unknown): unknown {
  if (typeof value === 'string') return pgText(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? pgText(item) : item));
  return value;
}

/**
 * JSON for a json/jsonb column: every string inside made storable first, since jsonb also refuses
 * the escape `\u0000` and lone surrogate escapes.
 */
export function pgJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'string') return pgText(item);
    if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).some(suspect)) {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [pgText(key), inner]));
    }
    return item;
  });
}

const suspect = (text: string) => SUSPECT.test(text);
