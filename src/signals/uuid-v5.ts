import { createHash } from 'node:crypto';
import { isUuid } from '../shared/uuid.js';

// The few namespaces in use, parsed once: ids are made several times per webhook delivery.
const namespaces = new Map<string, Buffer>();

function namespaceBytes(namespace: string): Buffer {
  let bytes = namespaces.get(namespace);
  if (!bytes) {
    if (!isUuid(namespace)) throw new Error(`Not a UUID namespace: ${namespace}`);
    bytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
    if (namespaces.size < 64) namespaces.set(namespace, bytes);
  }
  return bytes;
}

/**
 * Name-based UUID, version 5 (RFC 9562 §5.5, formerly RFC 4122 §4.3): SHA-1 of the namespace's 16
 * bytes followed by the name's UTF-8 bytes, truncated to 16 bytes, with the version nibble set to 5
 * and the variant bits to 10. Deterministic, so a replayed delivery gets the same event id.
 */
export function uuidV5(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(namespaceBytes(namespace))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
