import { isUtf8 } from 'node:buffer';
import { mayNestDeeperThan, nestingDepth, withoutMembers } from './json-bytes.js';

/**
 * How deep a payload may nest. Provider payloads stay under ten levels (GitHub's deepest example is
 * 7); far deeper input only exists to break recursive code downstream (JSON.stringify overflows
 * the stack near 4,000), so it is kept as a dead letter instead.
 */
export const MAX_PAYLOAD_DEPTH = 128;

/** What is kept of an authentic delivery's body: the bytes to store and the payload they parse to. */
export interface StoredBody {
  /** The bytes as they arrived, less the members that carry a secret. */
  bytes: Buffer;
  /** Members removed for carrying a secret (0: `bytes` is exactly what arrived). */
  redacted: number;
}

export type ReadBody =
  | (StoredBody & { ok: true; payload: unknown; utf8: boolean })
  | (StoredBody & { ok: false; reason: 'malformed_payload' | 'payload_too_deep'; detail: string });

/**
 * The body of a verified delivery, read once: parsed (every supported provider posts JSON; Google's
 * push messages have no body at all), bounded in depth, and without the members the manifest marks
 * as secrets (`secretFields`), which are removed from the bytes themselves so that neither the
 * payload nor the kept bytes hold them. Bytes that are not UTF-8 are parsed with U+FFFD in their
 * place, and `utf8: false` tells the caller to keep the bytes as well.
 */
export function readBody(
  raw: Buffer,
  options: { secretFields: readonly string[]; emptyIsNull: boolean },
): ReadBody {
  const text = raw.toString('utf8');
  if (options.emptyIsNull && text.trim() === '')
    return { ok: true, payload: null, utf8: true, bytes: raw, redacted: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // Not JSON, so no member to remove: kept as it came.
    return { ok: false, reason: 'malformed_payload', detail: notJson(error), bytes: raw, redacted: 0 };
  }
  const stored = withoutMembers(raw, options.secretFields);
  const kept = { bytes: stored.bytes, redacted: stored.removed };
  const depth = mayNestDeeperThan(raw, MAX_PAYLOAD_DEPTH) ? nestingDepth(raw) : 0;
  if (depth > MAX_PAYLOAD_DEPTH) {
    const detail = `body nests ${depth} levels deep; at most ${MAX_PAYLOAD_DEPTH} are accepted`;
    return { ok: false, reason: 'payload_too_deep', detail, ...kept };
  }
  const payload = stored.removed > 0 ? JSON.parse(stored.bytes.toString('utf8')) : parsed;
  return { ok: true, payload, utf8: isUtf8(stored.bytes), ...kept };
}

/**
 * Why the body is not JSON, without quoting it: V8's messages include the text they failed on,
 * which is the sender's bytes (NUL included), and this detail is stored and shown to operators.
 */
function notJson(error: unknown): string {
  const at = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  return at ? `body is not JSON (at character ${at[1]})` : 'body is not JSON';
}
