import { firstIdAt } from '../../shared/json-path.js';
import { headerOf, parseJsonBody } from '../verify/request.js';
import type { VerifyRequest } from '../verify/types.js';

/** A manifest locator: where a value (delivery id, event type) is, in a header or the body. */
export interface Locator {
  header?: string | undefined;
  bodyPath?: string | undefined;
}

/**
 * The located value, header first. Reading a body path parses the body, so callers only do it once
 * the delivery is verified (STYLE.md rule 8); `body` lets a caller that already parsed it pass it.
 */
export function locate(
  locator: Locator | undefined,
  request: VerifyRequest,
  body: unknown = undefined,
): string | null {
  if (!locator) return null;
  if (locator.header) {
    const value = headerOf(request, locator.header);
    if (value !== undefined) return value;
  }
  if (locator.bodyPath) {
    return firstIdAt(body === undefined ? parseJsonBody(request) : body, locator.bodyPath);
  }
  return null;
}

/**
 * App-level deliveries: the id (installation, team, subscription, channel ...) that names the
 * connection, from the manifest's `routing`. The header wins (Google routes before verifying, by a
 * header, because the channel's token is per connection); body paths are tried in order.
 */
export function routingIdOf(
  routing: { paths: string[]; header?: string | undefined } | undefined,
  request: VerifyRequest,
  body: unknown = undefined,
): string | null {
  if (!routing) return null;
  if (routing.header) {
    const value = headerOf(request, routing.header);
    if (value !== undefined) return value;
  }
  const document = routing.paths.length > 0 && body === undefined ? parseJsonBody(request) : body;
  for (const path of routing.paths) {
    const id = firstIdAt(document, path);
    if (id !== null) return id;
  }
  return null;
}
