/**
 * JSON for messages that cross a process boundary (pubsub payloads). Plain JSON loses bigint
 * (JSON.stringify throws on it) and event positions and revisions are bigints, so:
 *
 * - a bigint is written as `{"$bigint":"<decimal>"}`;
 * - a plain object that could be mistaken for a tag (exactly one key, `$bigint` or `$literal`) is
 *   wrapped as `{"$literal":{...}}`, so every payload round-trips, not just the likely ones.
 *
 * Decoded values are deep-frozen: one decoded message is shared by every subscriber of a process,
 * and a subscriber that mutated it would change what the others see.
 */
const BIGINT_TAG = '$bigint';
const LITERAL_TAG = '$literal';

export function encodeJson(value: unknown): string {
  return JSON.stringify(toWire(value, '', new Set()));
}

export function decodeJson(text: string): unknown {
  return fromWire(JSON.parse(text));
}

function isTagShaped(record: object): boolean {
  const keys = Object.keys(record);
  return keys.length === 1 && (keys[0] === BIGINT_TAG || keys[0] === LITERAL_TAG);
}

// Follows JSON.stringify's rules (toJSON first, own enumerable keys) so that only bigints and
// tag-shaped objects are written differently from plain JSON.
function toWire(value: unknown, key: string, ancestors: Set<object>): unknown {
  if (typeof value === 'bigint') return { [BIGINT_TAG]: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  const toJSON: unknown = Reflect.get(value, 'toJSON');
  if (typeof toJSON === 'function') return toWire(toJSON.call(value, key), key, ancestors);
  if (ancestors.has(value)) throw new TypeError('cannot encode a cyclic structure as JSON');
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, index) => toWire(item, String(index), ancestors));
    // Object.fromEntries defines properties, so a `__proto__` key stays an ordinary key.
    const record = Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, toWire(item, name, ancestors)]),
    );
    return isTagShaped(record) ? { [LITERAL_TAG]: record } : record;
  } finally {
    ancestors.delete(value);
  }
}

// Top-down (not a JSON.parse reviver, which works bottom-up and would decode the inside of a
// `$literal` before seeing the wrapper).
function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Object.freeze(value.map(fromWire));
  const record = value as Record<string, unknown>;
  if (isTagShaped(record)) {
    const bigint = record[BIGINT_TAG];
    if (typeof bigint === 'string') return BigInt(bigint);
    const literal = record[LITERAL_TAG];
    if (literal !== null && typeof literal === 'object' && !Array.isArray(literal))
      return decodeFields(literal);
  }
  return decodeFields(record);
}

function decodeFields(record: object): unknown {
  return Object.freeze(
    Object.fromEntries(Object.entries(record).map(([name, item]) => [name, fromWire(item)])),
  );
}
