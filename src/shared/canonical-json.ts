/**
 * JSON with object keys sorted at every level (by UTF-16 code units, as RFC 8785 orders them) and
 * no whitespace: equal values always give the same text, whatever order a writer or a database
 * kept their keys in. Keys whose value is `undefined` are left out, as JSON.stringify leaves them.
 * Written out by hand rather than with a JSON.stringify replacer, because a rebuilt object puts
 * integer-like keys ("2", "10") first in numeric order whatever order they were inserted in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
