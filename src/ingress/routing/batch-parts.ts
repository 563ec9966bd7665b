import { firstIdAt, valuesAt } from '../../shared/json-path.js';
import { headerOf } from '../verify/request.js';
import type { VerifyRequest } from '../verify/types.js';

type Routing = { paths: string[]; header?: string | undefined };

/** One account's share of a batch: its routing id (null: entries that name none) and its request. */
export interface BatchPart {
  routingId: string | null;
  /** The original request with `rawBody` replaced by the part's payload. */
  request: VerifyRequest;
}

/**
 * A delivery that covers several provider accounts (QuickBooks' `eventNotifications[]` with a
 * realmId each, Graph's `value[]` with a subscriptionId each, HubSpot's top-level array), split so
 * that no account's entries reach another account's connection. A part's payload is the same
 * envelope (every other field as sent) with only that account's entries in the array, in their
 * order, serialized as JSON: its bytes are deterministic, so a redelivered batch yields the same
 * parts, whose digests are their identities. The signature covered the whole batch and is checked
 * before splitting; a part is never re-verified against it.
 *
 * Null when there is nothing to split (one account, or a routing id outside any array): the
 * delivery then goes on whole, bytes untouched. The first routing path that finds an id decides,
 * as routingIdOf does, and a routing header (Google's channel) always names one connection.
 */
export function batchParts(routing: Routing, request: VerifyRequest, document: unknown): BatchPart[] | null {
  if (routing.header && headerOf(request, routing.header) !== undefined) return null;
  for (const path of routing.paths) {
    const spread = path.indexOf('[]');
    if (spread === -1) {
      if (firstIdAt(document, path) !== null) return null;
      continue;
    }
    const arrayPath = path.slice(0, spread);
    const entryPath = path.slice(spread + 2).replace(/^\./, '');
    // Only one level of batching is split; a path with a second [] routes whole, as before.
    if (arrayPath.includes('[]') || entryPath.includes('[]')) return null;
    const entries = arrayPath === '' ? document : valuesAt(document, arrayPath)[0];
    if (!Array.isArray(entries)) continue;
    const groups = new Map<string | null, unknown[]>();
    for (const entry of entries) {
      const id = entryPath === '' ? idOf(entry) : firstIdAt(entry, entryPath);
      groups.set(id, [...(groups.get(id) ?? []), entry]);
    }
    if (groups.size === 0) continue;
    if (groups.size === 1) return null;
    return [...groups].map(([routingId, share]) => ({
      routingId,
      request: { ...request, rawBody: Buffer.from(JSON.stringify(withArray(document, arrayPath, share))) },
    }));
  }
  return null;
}

function idOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The document with the array at `path` ('' for the document itself) replaced, nothing else changed. */
function withArray(document: unknown, path: string, entries: unknown[]): unknown {
  if (path === '') return entries;
  const [key, ...rest] = path.split('.');
  const object = document as Record<string, unknown>;
  return { ...object, [key as string]: withArray(object[key as string], rest.join('.'), entries) };
}
